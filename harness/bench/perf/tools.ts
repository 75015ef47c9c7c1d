/**
 * Running the load generators of the harness benchmark inside a lab: wrk and iperf3 (Debian's
 * packages) and the harness's own load agent as one or several processes with summed results.
 * Every process runs in a lab namespace, targets only lab addresses, and is registered on the
 * caller's cleanup stack while it lives.
 */
import { execa } from 'execa';
import { startAgent } from '../../exec/agent-process.js';
import type { CleanupStack } from '../../exec/cleanup-stack.js';
import type { Lab, LabNode } from '../../lab/lab.js';
import { parseIperf3, parseWrk, type IperfResult, type WrkResult } from './parse.js';

/** One load measurement, whichever tool made it. */
export interface LoadFigures {
  requestsPerSec: number;
  bytesPerSec: number;
  /** Errors of any kind (socket errors, non-2xx, ECONNRESET...). */
  errors: number;
}

/** The Service URL of a lab. */
export const serviceUrl = (lab: Lab): string => `http://${lab.addresses.vip}:${lab.addresses.servicePort}/`;

/** Runs `wrk -t<threads> -c<connections> -d<s>s <url>` in `node`. */
export async function runWrk(node: LabNode, url: string, connections: number, durationSec: number, threads: number): Promise<WrkResult> {
  const r = await node.exec(['wrk', `-t${threads}`, `-c${connections}`, `-d${durationSec}s`, '--timeout', '10s', url], { timeoutMs: (durationSec + 30) * 1000 });
  return parseWrk(r.stdout);
}

/**
 * Runs the load agent as `processes` processes splitting `connections` between them, all
 * started together; requests/s and bytes/s are the sums of the processes' own figures.
 */
export async function runLoadAgents(node: LabNode, url: string, connections: number, durationSec: number, processes: number, cleanup: CleanupStack): Promise<LoadFigures> {
  const share = (i: number) => Math.floor(connections / processes) + (i < connections % processes ? 1 : 0);
  const agents = Array.from({ length: processes }, (_, i) =>
    startAgent(node, 'load', { url, connections: share(i), durationSec, pipelining: 1 }, (durationSec + 15) * 1000),
  );
  agents.forEach((a, i) => cleanup.push(`load agent ${i + 1}`, async () => a.kill()));
  const outs = await Promise.all(agents.map((a) => a.finished));
  const missing = outs.find((o) => o.result === null);
  if (missing) throw new Error(`failed to run the load agent: no result (${missing.stderr.trim().slice(-300)})`);
  const sum = (pick: (r: Record<string, unknown>) => number) => outs.reduce((s, o) => s + pick(o.result!), 0);
  return {
    requestsPerSec: sum((r) => Number(r.requestsPerSec)),
    bytesPerSec: sum((r) => Number(r.throughputBytesPerSec)),
    errors: sum((r) => Object.values((r.errors ?? {}) as Record<string, number>).reduce((s, n) => s + n, 0) + Number(r.non2xx ?? 0)),
  };
}

/** True when a TCP socket listens on `port` in `node` (`ss -Hltn`). */
async function listening(node: LabNode, port: number): Promise<boolean> {
  const r = await node.exec(['ss', '-Hltn', `sport = :${port}`], { check: false });
  return r.stdout.trim() !== '';
}

/**
 * One iperf3 stream over the lab path: `iperf3 -s -1` on the server pod's port (the Service
 * DNATs to it), `iperf3 -c <VIP> -p <service port>` in the client. No HTTP server may hold the
 * port meanwhile. Returns what the server received.
 */
export async function runIperf3(lab: Lab, durationSec: number, cleanup: CleanupStack): Promise<IperfResult> {
  const argv = lab.nodes.server.wrap(['iperf3', '-s', '-1', '-p', String(lab.addresses.serverPort)]);
  const server = execa(argv[0]!, argv.slice(1), { reject: false, timeout: (durationSec + 30) * 1000 });
  cleanup.push('iperf3 server', async () => void server.kill('SIGKILL'));
  let exited = false;
  void server.then(() => (exited = true));
  // iperf3 buffers its stdout when it is not a terminal, so wait for the listening socket itself.
  for (let i = 0; !(await listening(lab.nodes.server, lab.addresses.serverPort)); i++) {
    if (exited || i >= 100) throw new Error(`failed to start \`iperf3 -s\` in ${lab.nodes.server.id}: ${exited ? String((await server).stderr).slice(-200) : 'not listening after 5 s'}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const client = await lab.nodes.client.exec(
    ['iperf3', '-c', lab.addresses.vip, '-p', String(lab.addresses.servicePort), '-t', String(durationSec), '-J'],
    { timeoutMs: (durationSec + 20) * 1000, check: false },
  );
  await server;
  return parseIperf3(client.stdout);
}
