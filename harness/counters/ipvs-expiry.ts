/**
 * Tells expired IPVS connection entries from closed ones, from successive polls of the
 * connection table (`ipvsadm -Lnc`, parse-ipvs.ts). An entry that leaves the table while its
 * last seen state was ESTABLISHED expired (a closing connection passes FIN_WAIT, CLOSE_WAIT,
 * TIME_WAIT or CLOSE first, each held for seconds). Entries present at the first poll are
 * ignored (an earlier arm's leftovers). Pure: polls in, counts out.
 */
import type { IpvsConnection } from './parse-ipvs.js';

/** Counts of what left the table between polls. */
export interface IpvsExpiryCounts {
  /** Polls fed so far. */
  polls: number;
  /** Entries (first seen after the first poll) that vanished while ESTABLISHED. */
  expired: number;
  /** Entries that vanished from another state (closed normally or reset). */
  closed: number;
  /** Most entries seen in one poll. */
  maxEntries: number;
}

/** See module doc. Key of an entry: protocol, source, virtual (one client connection). */
export class IpvsExpiryTracker {
  private last = new Map<string, string>();
  private readonly preexisting = new Set<string>();
  private readonly counts: IpvsExpiryCounts = { polls: 0, expired: 0, closed: 0, maxEntries: 0 };

  /** Feeds one poll of the table. */
  add(conns: readonly IpvsConnection[]): void {
    const now = new Map<string, string>(conns.map((c) => [`${c.protocol} ${c.source} ${c.virtual}`, c.state]));
    if (this.counts.polls === 0) for (const k of now.keys()) this.preexisting.add(k);
    for (const [key, state] of this.last) {
      if (now.has(key) || this.preexisting.has(key)) continue;
      if (state === 'ESTABLISHED') this.counts.expired += 1;
      else this.counts.closed += 1;
    }
    this.last = now;
    this.counts.polls += 1;
    this.counts.maxEntries = Math.max(this.counts.maxEntries, now.size);
  }

  /** The counts so far (a copy). */
  result(): IpvsExpiryCounts {
    return { ...this.counts };
  }
}
