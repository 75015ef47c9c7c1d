/**
 * The `conntrack-flush` fault (negative control): deletes the Service's conntrack entries on
 * node-a every `intervalMs` during the load. be_liberal cannot help with lost entries, so
 * resets are expected in every arm. Reports how many flushes ran and entries were deleted.
 */
import type { Lab } from '../lab/lab.js';
import type { Fault, FaultReport } from './fault.js';

/** See module doc. */
export class ConntrackFlushFault implements Fault {
  readonly kind = 'conntrack-flush';
  private timer: NodeJS.Timeout | null = null;
  private flushes = 0;
  private deleted = 0;
  private inFlight: Promise<void> = Promise.resolve();
  private readonly errors: string[] = [];
  constructor(private readonly intervalMs: number) {}

  async apply(lab: Lab): Promise<void> {
    const argv = ['conntrack', '-D', '-p', 'tcp', '--orig-dst', lab.addresses.vip, '--orig-port-dst', String(lab.addresses.servicePort)];
    this.timer = setInterval(() => {
      this.inFlight = this.inFlight.then(async () => {
        const r = await lab.nodes['node-a'].exec(argv, { check: false, timeoutMs: 5000 });
        this.flushes += 1;
        const m = /(\d+) flow entries have been deleted/.exec(r.stderr + r.stdout);
        this.deleted += m ? Number(m[1]) : 0;
      }).catch((error: Error) => void this.errors.push(error.message));
    }, this.intervalMs);
  }

  async revert(): Promise<FaultReport> {
    if (this.timer) clearInterval(this.timer);
    await this.inFlight.catch(() => undefined);
    return {
      injected: 0,
      details: { flushes: this.flushes, entriesDeleted: this.deleted },
      disturbed: this.errors.length > 0 ? `conntrack flush failed ${this.errors.length} time(s): ${this.errors[0]}` : undefined,
    };
  }
}
