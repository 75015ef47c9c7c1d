/**
 * The `ipvs-idle-expiry` fault: IPVS's TCP (established) timeout shortened to
 * `tcpTimeoutSec` in node-a's namespace (`ipvsadm --set`, as kube-proxy's --ipvs-tcp-timeout
 * would; tcpfin and udp keep the lab's values), so keep-alive connections that stay idle
 * longer (the scenario's `load.idle`) are forgotten by IPVS while conntrack keeps them. While
 * the load runs, node-a's IPVS table (/proc/net/ip_vs_conn) is polled to count entries that expired
 * (counters/ipvs-expiry.ts). Revert restores the timeouts read before. In another proxy mode
 * there is no IPVS: nothing is changed and the run is a control (details say so).
 */
import { IpvsExpiryTracker } from '../counters/ipvs-expiry.js';
import { parseIpVsConn, type IpvsTimeouts } from '../counters/parse-ipvs.js';
import { readIpvsTimeouts, setIpvsTimeouts } from '../lab/ipvs-timeouts.js';
import type { CleanupStack } from '../exec/cleanup-stack.js';
import type { Lab } from '../lab/lab.js';
import type { Fault, FaultReport } from './fault.js';

/** How often node-a's IPVS table is read during the load. */
export const IPVS_POLL_MS = 500;

/** See module doc. */
export class IpvsIdleExpiryFault implements Fault {
  readonly kind = 'ipvs-idle-expiry';
  private lab: Lab | null = null;
  private base: IpvsTimeouts | null = null;
  private applied: IpvsTimeouts | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> = Promise.resolve();
  private readonly tracker = new IpvsExpiryTracker();
  private readonly errors: string[] = [];
  /** The first poll that held an ESTABLISHED entry, raw (at most 12 lines): provenance for the counts. */
  private sample: string | null = null;
  /** `ipvsadm -L --timeout` as printed after the change. */
  private timeoutsOutput: string | null = null;
  constructor(private readonly tcpTimeoutSec: number) {}

  async apply(lab: Lab, cleanup: CleanupStack): Promise<void> {
    this.lab = lab;
    if (lab.dataPlane.proxyMode !== 'ipvs') return;
    const a = lab.nodes['node-a'];
    this.base = await readIpvsTimeouts(a);
    const base = this.base;
    cleanup.push('IPVS timeouts', async () => void (await setIpvsTimeouts(a, base, {}).catch(() => undefined)));
    this.applied = await setIpvsTimeouts(a, this.base, { tcp: this.tcpTimeoutSec });
    this.timeoutsOutput = (await a.exec(['ipvsadm', '-L', '--timeout'])).stdout.trim();
    const poll = async () => {
      const r = await a.exec(['cat', '/proc/net/ip_vs_conn'], { timeoutMs: 10_000 });
      this.tracker.add(parseIpVsConn(r.stdout));
      if (this.sample === null && r.stdout.includes('ESTABLISHED')) this.sample = r.stdout.split('\n').slice(0, 12).join('\n');
    };
    await poll();
    this.timer = setInterval(() => {
      this.inFlight = this.inFlight.then(poll).catch((error: Error) => void this.errors.push(error.message));
    }, IPVS_POLL_MS);
  }

  async revert(): Promise<FaultReport> {
    if (this.timer) clearInterval(this.timer);
    await this.inFlight.catch(() => undefined);
    const lab = this.lab;
    if (!lab || lab.dataPlane.proxyMode !== 'ipvs') {
      return {
        injected: 0,
        details: { control: `proxy mode ${lab?.dataPlane.proxyMode ?? 'unknown'}: no IPVS, so no IPVS timeout was changed` },
      };
    }
    // A poll after the load: entries that expired at its very end are counted too.
    await this.inFlight;
    const restored = this.base ? await setIpvsTimeouts(lab.nodes['node-a'], this.base, {}) : null;
    const c = this.tracker.result();
    return {
      injected: 0,
      details: {
        ipvsTimeoutsSet: this.applied,
        ipvsTimeoutsOutput: this.timeoutsOutput,
        ipvsTimeoutsBefore: this.base,
        ipvsTimeoutsRestored: restored,
        ipvsPolls: c.polls,
        ipvsEntriesExpired: c.expired,
        ipvsEntriesClosed: c.closed,
        ipvsMaxEntries: c.maxEntries,
        ipvsConnSample: this.sample,
      },
      evidence: { ipvsExpired: c.expired },
      disturbed: this.errors.length > 0 ? `reading the IPVS table failed ${this.errors.length} time(s): ${this.errors[0]}` : undefined,
    };
  }
}
