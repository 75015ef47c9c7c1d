/**
 * The `inject` fault: the raw-socket injector agent in the server pod's namespace
 * (agents/inject.ts). `above-window`: seq = client's ack + 10,000,000 (INVALID on every
 * kernel); `below-window`: seq = client's ack - 100,000 (the Kubernetes e2e "boom-server"
 * case; ignored by conntrack on Linux >= 6.1). With `dryRun` the agent sniffs and forges at the
 * same rate but sends nothing: the report has `injected: 0` and `details.wouldHaveSent`.
 */
import type { InjectArgs, InjectHit } from '../agents/inject.js';
import { startAgent, type StartedAgent } from '../exec/agent-process.js';
import type { CleanupStack } from '../exec/cleanup-stack.js';
import { INJECT_MARKER } from '../lab/evidence.js';
import type { Lab } from '../lab/lab.js';
import type { Fault, FaultReport } from './fault.js';
import { startRstCapture, type StartedRstCapture } from './rst-capture.js';

/** Sequence offsets per named offset class. */
export const INJECT_OFFSETS = { 'above-window': 10_000_000, 'below-window': -100_000 } as const;

/** Options of the inject fault. */
export interface InjectOptions {
  offset: keyof typeof INJECT_OFFSETS;
  ratePerSecond: number;
  /** Upper bound on the arm's length: the agent is killed after this (ms). */
  deadlineMs: number;
  /** Sniff only: the full duty cycle at `ratePerSecond`, packets forged but never sent (harness benchmark). */
  dryRun?: boolean;
  /** Capture RSTs in the server's namespace for per-connection fates (default true; never in a dry run). */
  capture?: boolean;
  /** How long tcpdump may take to start listening (ms; slow guests need more). */
  captureReadyMs?: number;
}

/** The agent's JSON argument for `options` and the lab's server port. */
export function injectAgentArgs(options: InjectOptions, serverPort: number): InjectArgs {
  const { ratePerSecond, deadlineMs } = options;
  return {
    serverPort,
    offset: INJECT_OFFSETS[options.offset],
    ratePerSecond,
    // Bounded in count as well as time: never more than the rate allows over the deadline.
    maxSegments: Math.ceil((ratePerSecond * deadlineMs) / 1000) + 1,
    payloadBytes: 100,
    marker: INJECT_MARKER,
    ...(options.dryRun ? { dryRun: true } : {}),
  };
}

/** The fault report from how the agent ended (`StartedAgent.stop()`). */
export function injectReport(options: InjectOptions, out: { result: Record<string, unknown> | null; killedAtDeadline: boolean; stderr: string }): FaultReport {
  const r = out.result ?? {};
  return {
    injected: Number(r.sent ?? 0),
    details: {
      offset: INJECT_OFFSETS[options.offset],
      sniffed: r.sniffed,
      connectionsHit: r.connections,
      sendErrors: r.sendErrors,
      ...(options.dryRun ? { dryRun: true, wouldHaveSent: Number(r.wouldHaveSent ?? 0) } : {}),
    },
    ...(Array.isArray(r.hits) ? { trace: { hits: r.hits as InjectHit[] } } : {}),
    disturbed: out.killedAtDeadline
      ? 'the inject agent was killed at its deadline'
      : out.result === null
        ? `the inject agent died without a result: ${out.stderr.trim().slice(-200)}`
        : undefined,
  };
}

/** See module doc. */
/**
 * The RST capture (tcpdump as a local process in the server's node), or why there is none:
 * kind and kube nodes start long-running processes only as agents, so their `wrap` refuses
 * and their evidence has no per-connection fates (measured in a 6.1 guest: without this the
 * first arm on a real kind cluster failed).
 */
export function tryRstCapture(lab: Pick<Lab, 'nodes' | 'addresses'>, options: Pick<InjectOptions, 'deadlineMs' | 'captureReadyMs'>): { capture: StartedRstCapture } | { problem: string } {
  try {
    return { capture: startRstCapture(lab.nodes.server, lab.addresses.serverPort, options.deadlineMs, options.captureReadyMs ?? 30_000) };
  } catch (error) {
    return { problem: `no RST capture: ${(error as Error).message}` };
  }
}

export class InjectFault implements Fault {
  readonly kind = 'inject';
  private agent: StartedAgent | null = null;
  private capture: StartedRstCapture | null = null;
  private captureProblem: string | undefined;
  constructor(private readonly options: InjectOptions) {}

  async apply(lab: Lab, cleanup: CleanupStack): Promise<void> {
    // The capture and the injector start at once: nothing can be injected (or reset) before
    // the load starts, and the load starts only once both are ready.
    const tried = this.options.capture !== false && !this.options.dryRun ? tryRstCapture(lab, this.options) : null;
    const capture = tried && 'capture' in tried ? tried.capture : null;
    if (tried && 'problem' in tried) this.captureProblem = tried.problem;
    if (capture) cleanup.push('rst capture', async () => capture.kill());
    const agent = startAgent(lab.nodes.server, 'inject', injectAgentArgs(this.options, lab.addresses.serverPort), this.options.deadlineMs);
    this.agent = agent;
    cleanup.push('inject agent', async () => agent.kill());
    const [captured, started] = await Promise.allSettled([capture?.ready, agent.ready]);
    if (capture && captured.status === 'fulfilled') this.capture = capture;
    if (capture && captured.status === 'rejected') {
      capture.kill();
      this.captureProblem = `no RST capture: ${(captured.reason as Error).message}`;
    }
    if (started.status === 'rejected') throw started.reason;
  }

  async revert(): Promise<FaultReport> {
    if (!this.agent) return { injected: 0, details: {} };
    const report = injectReport(this.options, await this.agent.stop());
    const captured = this.capture ? await this.capture.stop() : null;
    if (!report.trace) return report;
    return {
      ...report,
      trace: {
        ...report.trace,
        ...(captured ? { rstLines: captured.lines } : { captureProblem: this.captureProblem ?? 'no RST capture' }),
      },
    };
  }
}
