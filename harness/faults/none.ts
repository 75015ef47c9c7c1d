/** The `none` fault: clean load, the control. Does nothing and reports nothing injected. */
import type { Fault, FaultReport } from './fault.js';

/** See module doc. */
export class NoFault implements Fault {
  readonly kind = 'none';
  async apply(): Promise<void> {}
  async revert(): Promise<FaultReport> {
    return { injected: 0, details: {} };
  }
}
