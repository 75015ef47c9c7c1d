/**
 * The real kube-proxy in node-a's namespace: started with the path's flags (flags.ts, with
 * the global-state guard), ready once the Service it programmed is the expected one
 * (programmed.ts, read back every second), watched for crashes. Records its version, flags
 * and the `net.*` sysctls of node-a it changed. Pushed on the cleanup stack at birth.
 */
import type { CleanupStack } from '../../exec/cleanup-stack.js';
import { ResetlabError } from '../../errors.js';
import type { LabNode } from '../../lab/lab.js';
import type { ServicePath } from '../../lab/netns/service-path.js';
import type { KubernetesBinaries } from '../../kubernetes/resolve.js';
import { describeDaemonExit, startDaemon, type StartedDaemon } from './daemon.js';
import { globalStateProblems, kubeProxyArgs, type RealProxyMode } from './flags.js';
import { changedSysctls, iptablesProgramProblems, ipvsProgramProblems, parseNetSysctls } from './programmed.js';

/** A running, ready kube-proxy. */
export interface StartedKubeProxy {
  daemon: StartedDaemon;
  version: string;
  mode: RealProxyMode;
  args: string[];
  /** Seconds from start to the expected Service being programmed. */
  programmedSec: number;
  /** node-a's `net.*` sysctls kube-proxy changed at start (read before and after). */
  sysctlsChanged: Record<string, { before: string | null; after: string | null }>;
  /** Throws a clear error (with its last log lines) if kube-proxy has exited. */
  assertRunning(): void;
}

const VOLATILE = /(_count|\.stats?\.|_max_burst)$/;

async function netSysctls(node: Pick<LabNode, 'exec'>): Promise<Map<string, string>> {
  const out = await node.exec(['sysctl', '-a'], { check: false, timeoutMs: 60_000 });
  const all = parseNetSysctls(out.stdout);
  for (const k of [...all.keys()]) if (VOLATILE.test(k) || k.includes('nf_conntrack_count')) all.delete(k);
  return all;
}

/** Starts kube-proxy on node-a and waits until it programmed `path` (up to `timeoutMs`). */
export async function startKubeProxy(o: { prefix: string; nodeA: Pick<LabNode, 'id' | 'exec' | 'wrap'>; path: ServicePath; mode: RealProxyMode; masqueradeAll: boolean; kubeconfig: string; logFile: string; binaries: KubernetesBinaries; cleanup: CleanupStack; timeoutMs: number; say: (l: string) => void }): Promise<StartedKubeProxy> {
  const args = kubeProxyArgs({ kubeconfig: o.kubeconfig, mode: o.mode, path: o.path, masqueradeAll: o.masqueradeAll, hostname: 'node-a' });
  const refused = globalStateProblems(args);
  if (refused.length > 0) throw new ResetlabError(`failed to start kube-proxy: flags that would change the host: ${refused.join('; ')}`);
  const before = await netSysctls(o.nodeA);
  const daemon = startDaemon('kube-proxy', o.nodeA.wrap([o.binaries.kubeProxy, ...args]), o.logFile);
  o.cleanup.push('kube-proxy', async () => void (await daemon.stop()));
  const started = performance.now();
  const deadline = Date.now() + o.timeoutMs;
  let problems: string[] = [];
  let nextSay = Date.now() + 30_000;
  for (;;) {
    if (Date.now() > nextSay) {
      o.say(`kube-proxy: waiting for the Service to be programmed (${((performance.now() - started) / 1000).toFixed(0)} s: ${problems.join('; ')})`);
      nextSay = Date.now() + 30_000;
    }
    if (daemon.hasExited()) throw new ResetlabError(`failed to run kube-proxy ${o.binaries.version}: ${describeDaemonExit(daemon, await daemon.exited)}`);
    if (o.mode === 'ipvs') problems = ipvsProgramProblems((await o.nodeA.exec(['ipvsadm', '-Ln'], { check: false })).stdout, o.path, (await o.nodeA.exec(['iptables-save'], { check: false })).stdout);
    else if (o.mode === 'iptables') problems = iptablesProgramProblems((await o.nodeA.exec(['iptables-save', '-t', 'nat'], { check: false })).stdout, o.path);
    else problems = ['nftables mode readiness is not implemented'];
    if (problems.length === 0) break;
    if (Date.now() > deadline) throw new ResetlabError(`failed to run kube-proxy ${o.binaries.version}: the Service was not programmed as expected after ${o.timeoutMs} ms (${problems.join('; ')}); last lines of ${daemon.logFile}:\n${daemon.lastLines(10).join('\n')}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const programmedSec = (performance.now() - started) / 1000;
  const sysctlsChanged = changedSysctls(before, await netSysctls(o.nodeA));
  o.say(`kube-proxy ${o.binaries.version} (${o.mode}) programmed the Service after ${programmedSec.toFixed(0)} s; it changed ${Object.keys(sysctlsChanged).join(', ') || 'no net.* sysctls'}`);
  return {
    daemon,
    version: o.binaries.version,
    mode: o.mode,
    args,
    programmedSec,
    sysctlsChanged,
    assertRunning: () => {
      if (daemon.hasExited()) throw new ResetlabError(`kube-proxy ${o.binaries.version} exited during the run; last lines of ${daemon.logFile}:\n${daemon.lastLines(12).join('\n')}`);
    },
  };
}
