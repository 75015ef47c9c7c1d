/**
 * The `inject` fault: the raw-socket injector agent in the server pod's namespace
 * (agents/inject.ts). `above-window`: seq = client's ack + 10,000,000 (INVALID on every
 * kernel); `below-window`: seq = client's ack - 100,000 (the Kubernetes e2e "boom-server"
 * case; ignored by conntrack on Linux >= 6.1).
 */
import { startAgent, type StartedAgent } from '../exec/agent-process.js';
import type { CleanupStack } from '../exec/cleanup-stack.js';
import { INJECT_MARKER } from '../lab/evidence.js';
import type { Lab } from '../lab/lab.js';
import type { Fault, FaultReport } from './fault.js';

/** Sequence offsets per named offset class. */
export const INJECT_OFFSETS = { 'above-window': 10_000_000, 'below-window': -100_000 } as const;

/** Options of the inject fault. */
export interface InjectOptions {
  offset: keyof typeof INJECT_OFFSETS;
  ratePerSecond: number;
  /** Upper bound on the arm's length: the agent is killed after this (ms). */
  deadlineMs: number;
}

/** See module doc. */
export class InjectFault implements Fault {
  readonly kind = 'inject';
  private agent: StartedAgent | null = null;
  constructor(private readonly options: InjectOptions) {}

  async apply(lab: Lab, cleanup: CleanupStack): Promise<void> {
    const { ratePerSecond, deadlineMs } = this.options;
    const agent = startAgent(
      lab.nodes.server,
      'inject',
      {
        serverPort: lab.addresses.serverPort,
        offset: INJECT_OFFSETS[this.options.offset],
        ratePerSecond,
        // Bounded in count as well as time: never more than the rate allows over the deadline.
        maxSegments: Math.ceil((ratePerSecond * deadlineMs) / 1000) + 1,
        payloadBytes: 100,
        marker: INJECT_MARKER,
      },
      deadlineMs,
    );
    this.agent = agent;
    cleanup.push('inject agent', async () => agent.kill());
    await agent.ready;
  }

  async revert(): Promise<FaultReport> {
    if (!this.agent) return { injected: 0, details: {} };
    const out = await this.agent.stop();
    const r = out.result ?? {};
    return {
      injected: Number(r.sent ?? 0),
      details: { offset: INJECT_OFFSETS[this.options.offset], sniffed: r.sniffed, connectionsHit: r.connections, sendErrors: r.sendErrors },
      disturbed: out.killedAtDeadline
        ? 'the inject agent was killed at its deadline'
        : out.result === null
          ? `the inject agent died without a result: ${out.stderr.trim().slice(-200)}`
          : undefined,
    };
  }
}
