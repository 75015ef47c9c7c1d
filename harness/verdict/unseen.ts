/**
 * Resets the client had not seen: connections a leaked segment reset on the server (the RST
 * capture tied the client's RST to a forged segment, counters/fates.ts) whose client was
 * still waiting for a response, because the server had already acknowledged its request, so
 * the client had nothing to send that would draw the server's RST: autocannon's request
 * timeout ended it (`timedOut`) or the load stopped first (`hungAtStop`). Their server side
 * is gone (each time, the server answered the client's next segment, its close, with a RST);
 * an application sees a hang, then a timeout or ECONNRESET on its next write. The verdict
 * counts them as resets. Pure.
 */
import type { ArmResult } from '../report/schema.js';
import { poissonInterval } from './stats.js';

/** Connections the arm lost to leaked segments without the client seeing ECONNRESET. */
export function unseenResets(a: ArmResult): number {
  const f = a.evidence.leakFates;
  return f ? f.timedOut + f.hungAtStop : 0;
}

/** The arm as the verdict counts it: `resets` = ECONNRESET + `unseenResets` (rate recomputed); unchanged when there are none. */
export function countedArm(a: ArmResult): ArmResult {
  const u = unseenResets(a);
  return u === 0 ? a : { ...a, resets: a.resets + u, resetRate: poissonInterval(a.resets + u, a.requests) };
}

/** What `verdict.test` adds when some arm has unseen resets. */
export const UNSEEN_TEST_NOTE =
  '; resets counted = connections reset by peer (ECONNRESET) + connections a leaked segment reset that the client had not seen ' +
  '(its request already acknowledged, it waited until autocannon\'s request timeout or the load\'s stop; the RST capture ties each to its forged segment)';
