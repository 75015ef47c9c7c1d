/**
 * Renders pipeline progress on stderr: on a terminal one line redrawn in place (arm,
 * elapsed/total, requests/s, resets so far); otherwise a plain line every 5 seconds.
 */
import type { ProgressEvent } from '../run/progress.js';

/** Returns a progress listener writing to stderr. */
export function progressPrinter(tty: boolean): (e: ProgressEvent) => void {
  let open = false;
  const endLine = () => {
    if (open) process.stderr.write('\n');
    open = false;
  };
  return (e) => {
    switch (e.type) {
      case 'phase':
        endLine();
        process.stderr.write(`  ${e.message}\n`);
        break;
      case 'arm-start':
        endLine();
        process.stderr.write(`  arm ${e.arm} (trial ${e.trial}/${e.trials}), ${e.durationSec}s of load\n`);
        break;
      case 'tick': {
        const line = `    ${e.arm}: ${e.second}/${e.durationSec}s  ${e.requestsPerSec} req/s  resets so far: ${e.resetsSoFar}`;
        if (tty) {
          process.stderr.write(`\r\u001b[2K${line}`);
          open = true;
        } else if (e.second % 5 === 0) {
          process.stderr.write(line + '\n');
        }
        break;
      }
      case 'arm-end':
        endLine();
        process.stderr.write(`    ${e.arm}: ${e.requests} requests, ${e.resets} resets\n`);
        break;
    }
  };
}
