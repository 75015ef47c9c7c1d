/**
 * Calibration: the same small probe runs on the host and, at boot, in the guest: sequential
 * keep-alive HTTP requests over loopback (syscalls, the TCP stack and node, like the lab's
 * load, minus the lab's veths). The ratio of the times (clamped to 1..100) is the guest's
 * time scale, which multiplies the pipeline's deadlines inside the guest (never the load or
 * the verdict rules). The guest's probe rate also sizes the arms of lightened built-in
 * scenarios (`duration=`), so they reach the verdict's minimum traffic. One script file,
 * written into the run's share, so both sides run identical code.
 */
import { execFileSync } from 'node:child_process';

/**
 * Requests the lightened built-in scenarios aim for per arm: 6x the verdict's 2000 minimum.
 * The probe overestimates the lab's rate (2-4x), resets slow a baseline down further, and the
 * host may get busier after the probe: with 2x, a 5.10 guest's masquerade baseline reached only
 * 1664 requests (82 resets vs 0) in its 19 s and the cell was inconclusive; with 4x, a 6.1
 * external-client baseline reached 2025 requests at 43.4 s of its 46 s while the host ran other
 * tests (2026-11-28). Arms stop once decided, so the larger maximum costs time only where the
 * evidence needs it (and in conntrack-flush, whose arms always run to the end).
 */
export const TARGET_REQUESTS_PER_ARM = 12000;

/** Bounds of the auto-sized arm duration, seconds. */
export const AUTO_DURATION_S = { min: 10, max: 180 } as const;

/**
 * The probe script (ESM). argv[2]: the host's time in ms (0 on the host itself). Prints
 * `RL-VM calibrate guest-ms=.. host-ms=.. scale=.. rate=.. duration=..`.
 */
export const PROBE_SCRIPT = `
import http from 'node:http';
const hostMs = Number(process.argv[2] ?? 0);
const body = Buffer.alloc(8192, 120);
const server = http.createServer((req, res) => res.end(body));
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const get = () => new Promise((resolve, reject) => {
  http.get({ host: '127.0.0.1', port: server.address().port, agent }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
});
async function once(n) {
  const t = performance.now();
  for (let i = 0; i < n; i++) await get();
  return performance.now() - t;
}
await once(20);
let best = Infinity;
for (let k = 0; k < 3; k++) best = Math.min(best, await once(200));
agent.destroy();
server.close();
const scale = hostMs > 0 ? Math.min(100, Math.max(1, best / hostMs)) : 1;
const rate = 200 / (best / 1000);
const duration = Math.min(${AUTO_DURATION_S.max}, Math.max(${AUTO_DURATION_S.min}, Math.ceil(${TARGET_REQUESTS_PER_ARM} / rate)));
console.log('RL-VM calibrate guest-ms=' + best.toFixed(1) + ' host-ms=' + hostMs.toFixed(1) + ' scale=' + scale.toFixed(2) + ' rate=' + rate.toFixed(0) + ' duration=' + duration);
`;

/** Runs the probe file on the host; returns its best time in ms. */
export function hostProbeMs(probeFile: string): number {
  const out = execFileSync(process.execPath, [probeFile, '0'], { encoding: 'utf8', timeout: 60_000 });
  const ms = Number(/guest-ms=([\d.]+)/.exec(out)?.[1]);
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`failed to calibrate on the host: probe printed ${JSON.stringify(out.trim())}`);
  return ms;
}
