/**
 * The real data plane of node-a: a control plane of the run's own (control-plane.ts), the
 * Service path's objects written to it (objects.ts), and the real kube-proxy programming
 * node-a (kube-proxy.ts). What it wrote is read back raw for every arm (`rules()`), and its
 * INVALID drop, when it wrote one, is found by its rule text (it carries no comment) so the
 * evidence funnel reads kube-proxy's own counter. Everything goes on the lab's cleanup stack
 * at birth; the lab's `destroy()` stops it.
 */
import type { CleanupStack } from '../../exec/cleanup-stack.js';
import type { Runner } from '../../exec/runner.js';
import { ResetlabError } from '../../errors.js';
import type { LabNode } from '../../lab/lab.js';
import { NETNS_ADDRESSES as A } from '../../lab/netns/addresses.js';
import type { ServicePath } from '../../lab/netns/service-path.js';
import type { KubernetesBinaries } from '../../kubernetes/resolve.js';
import { startControlPlane } from './control-plane.js';
import type { RealProxyMode } from './flags.js';
import { startKubeProxy } from './kube-proxy.js';
import { labObjects } from './objects.js';

/** kube-proxy's own INVALID drop in iptables mode (pkg/proxy/iptables/proxier.go, v1.15+, PR #74840): no comment, so matched by text. */
export const KUBE_PROXY_INVALID_DROP = { table: 'filter', chain: 'KUBE-FORWARD', spec: '-m conntrack --ctstate INVALID -j DROP' } as const;

/** What the result records about the real kube-proxy (environment.kubeProxy). */
export interface RealKubeProxyFacts {
  kind: 'real';
  version: string;
  mode: RealProxyMode;
  binary: { path: string; sha256: string; sizeBytes: number; versionOutput: string };
  source: KubernetesBinaries['source'];
  flags: string[];
  sysctlsChanged: Record<string, { before: string | null; after: string | null }>;
  /** Whether kube-proxy wrote KUBE_PROXY_INVALID_DROP (read back). */
  wroteInvalidDrop: boolean;
  controlPlane: { etcdVersion: string; apiserverHealthySec: number; programmedSec: number; namespace: string; pausedDuringLoad: boolean };
}

/** A running real data plane. */
export interface StartedRealDataPlane {
  facts: RealKubeProxyFacts;
  /** Raw read-back of what kube-proxy wrote in node-a (`iptables-save -c`, `nft list ruleset`, `ipvsadm -Ln`, `ipset list`), per command. */
  rules(): Promise<Record<string, string[]>>;
  /** Throws (with kube-proxy's last log lines) if it crashed. */
  assertRunning(): void;
  /**
   * With `pauseDuringLoad`: pauses etcd and kube-apiserver (SIGSTOP) and returns the function
   * that continues them (SIGCONT). kube-proxy keeps running on its own cache and rules; its
   * watches only stall. Used in emulated guests, where the control plane's idle CPU, times the
   * emulation's slowness, fills the guest's CPU and starves the load (see startRealDataPlane).
   */
  pauseControlPlane?(): () => void;
}

/** Raw rule read-back commands of node-a per mode. */
export function ruleCommands(mode: RealProxyMode): string[][] {
  return [
    ['iptables-save', '-c'],
    ['nft', 'list', 'ruleset'],
    ...(mode === 'ipvs' ? [['ipvsadm', '-Ln'], ['ipset', 'list']] : []),
  ];
}

/** Starts the real data plane for `path` on node-a. */
export async function startRealDataPlane(o: { prefix: string; nodeA: LabNode; path: ServicePath; mode: RealProxyMode; masqueradeAll: boolean; binaries: KubernetesBinaries; runner: Runner; cleanup: CleanupStack; timeScale: number; say: (l: string) => void; pauseDuringLoad?: boolean }): Promise<StartedRealDataPlane> {
  if (o.mode === 'nftables') throw new ResetlabError(`failed to run kube-proxy ${o.binaries.version} in nftables mode: it has none (nftables mode is v1.29 and later)`);
  const cp = await startControlPlane({ prefix: o.prefix, nodeANamespace: o.nodeA.id, binaries: o.binaries, runner: o.runner, cleanup: o.cleanup, timeoutMs: 240_000 * o.timeScale, say: o.say });
  const nodes = { nodeA: { name: 'node-a', ip: A.nodeAWire, podCidr: A.nodeAPodCidr }, nodeB: { name: 'node-b', ip: A.nodeBWire, podCidr: A.nodeBPodCidr } };
  for (const obj of labObjects(o.path, nodes, o.binaries.version)) {
    const r = await cp.api('POST', obj.path, obj.body);
    if (r.status !== 201 && r.status !== 200) throw new ResetlabError(`failed to create the ${obj.kind} ${String((obj.body.metadata as { name: string }).name)}: HTTP ${r.status} ${r.body.slice(0, 400)}`);
  }
  const kp = await startKubeProxy({ prefix: o.prefix, nodeA: o.nodeA, path: o.path, mode: o.mode, masqueradeAll: o.masqueradeAll, kubeconfig: cp.kubeconfig, logDir: cp.dir, binaries: o.binaries, cleanup: o.cleanup, timeoutMs: 180_000 * o.timeScale, say: o.say });
  const save = (await o.nodeA.exec(['iptables-save', '-t', 'filter'], { check: false })).stdout;
  const wroteInvalidDrop = save.split('\n').some((l) => l.trim() === `-A ${KUBE_PROXY_INVALID_DROP.chain} ${KUBE_PROXY_INVALID_DROP.spec}`);
  const b = o.binaries.kubeProxyBinary;
  return {
    facts: {
      kind: 'real',
      version: kp.version,
      mode: o.mode,
      binary: { path: o.binaries.kubeProxy, sha256: b.sha256, sizeBytes: b.sizeBytes, versionOutput: b.versionOutput },
      source: o.binaries.source,
      flags: kp.args.map((a) => a.replace(/^--kubeconfig=.*/, '--kubeconfig=<run>/kubeconfig')),
      sysctlsChanged: kp.sysctlsChanged,
      wroteInvalidDrop,
      controlPlane: { etcdVersion: o.binaries.etcdVersion, apiserverHealthySec: Math.round(cp.healthySec * 10) / 10, programmedSec: Math.round(kp.programmedSec * 10) / 10, namespace: cp.namespace, pausedDuringLoad: o.pauseDuringLoad === true },
    },
    rules: async () => {
      const out: Record<string, string[]> = {};
      for (const argv of ruleCommands(o.mode)) out[`node-a: ${argv.join(' ')}`] = (await o.nodeA.exec(argv, { check: false })).stdout.split('\n').filter((l) => l !== '');
      return out;
    },
    assertRunning: kp.assertRunning,
    ...(o.pauseDuringLoad
      ? {
          pauseControlPlane: () => {
            cp.apiserver.signal('SIGSTOP');
            cp.etcd.signal('SIGSTOP');
            return () => {
              cp.etcd.signal('SIGCONT');
              cp.apiserver.signal('SIGCONT');
            };
          },
        }
      : {}),
  };
}
