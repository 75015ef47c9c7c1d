/**
 * The real data plane of node-a: a control plane of the run's own (control-plane.ts), the
 * Service path's objects written to it (objects.ts), and the real kube-proxy programming
 * node-a (kube-proxy.ts). What it wrote is read back raw for every arm (`rules()`), and its
 * INVALID drop, when it wrote one, is found by its rule text (it carries no comment) so the
 * evidence funnel reads kube-proxy's own counter. Everything goes on the lab's cleanup stack
 * at birth; the lab's `destroy()` stops it.
 */
import { join } from 'node:path';
import type { CleanupStack } from '../../exec/cleanup-stack.js';
import type { Runner } from '../../exec/runner.js';
import { ResetlabError } from '../../errors.js';
import type { LabNode } from '../../lab/lab.js';
import { NETNS_ADDRESSES as A } from '../../lab/netns/addresses.js';
import type { ServicePath } from '../../lab/netns/service-path.js';
import type { KubernetesBinaries } from '../../kubernetes/resolve.js';
import { startControlPlane, type StartedControlPlane } from './control-plane.js';
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
  controlPlane: { etcdVersion: string; apiserverHealthySec: number; programmedSec: number; namespace: string; pausedDuringLoad: boolean; shared?: boolean };
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

/** What `startRealDataPlane` needs. */
export interface RealDataPlaneStart {
  prefix: string;
  nodeA: Pick<LabNode, 'id' | 'exec' | 'wrap'>;
  path: ServicePath;
  mode: RealProxyMode;
  masqueradeAll: boolean;
  binaries: KubernetesBinaries;
  runner: Runner;
  /** Everything started here is pushed on it at birth. */
  cleanup: CleanupStack;
  timeScale: number;
  say: (l: string) => void;
  pauseDuringLoad?: boolean;
  /**
   * A running control plane to use (shared by labs one after another, e.g. the conformance
   * run); its objects for this path are deleted again on `cleanup`. Absent: one of the lab's own.
   */
  controlPlane?: StartedControlPlane;
}

function objectName(obj: { body: Record<string, unknown> }): string {
  return String((obj.body.metadata as { name: string }).name);
}

/** Starts the real data plane for `path` on node-a. */
export async function startRealDataPlane(o: RealDataPlaneStart): Promise<StartedRealDataPlane> {
  if (o.mode === 'nftables') throw new ResetlabError(`failed to run kube-proxy ${o.binaries.version} in nftables mode: it has none (nftables mode is v1.29 and later)`);
  const cp = o.controlPlane ?? (await startControlPlane({ prefix: o.prefix, binaries: o.binaries, runner: o.runner, cleanup: o.cleanup, timeoutMs: 240_000 * o.timeScale, say: o.say }));
  await cp.attach(o.nodeA.id);
  const nodes = { nodeA: { name: 'node-a', ip: A.nodeAWire, podCidr: A.nodeAPodCidr }, nodeB: { name: 'node-b', ip: A.nodeBWire, podCidr: A.nodeBPodCidr } };
  for (const obj of labObjects(o.path, nodes, o.binaries.version)) {
    // A shared control plane outlives this lab: its objects go with the lab, so the next lab's
    // kube-proxy sees only its own. Registered before the POST: a timed-out POST may still have created it.
    if (o.controlPlane) {
      o.cleanup.push(`${obj.kind} ${objectName(obj)} in ${cp.namespace}`, async () => {
        const d = await cp.api('DELETE', `${obj.path}/${objectName(obj)}`);
        if (d.status !== 200 && d.status !== 202 && d.status !== 404) throw new Error(`failed to delete the ${obj.kind} ${objectName(obj)}: HTTP ${d.status} ${d.body.slice(0, 200)}`);
      });
    }
    const r = await cp.api('POST', obj.path, obj.body);
    if (r.status !== 201 && r.status !== 200) throw new ResetlabError(`failed to create the ${obj.kind} ${objectName(obj)}: HTTP ${r.status} ${r.body.slice(0, 400)}`);
  }
  const kp = await startKubeProxy({ prefix: o.prefix, nodeA: o.nodeA, path: o.path, mode: o.mode, masqueradeAll: o.masqueradeAll, kubeconfig: cp.kubeconfig, logFile: join(cp.dir, o.controlPlane ? `kube-proxy-${o.prefix}.log` : 'kube-proxy.log'), binaries: o.binaries, cleanup: o.cleanup, timeoutMs: 180_000 * o.timeScale, say: o.say });
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
      controlPlane: { etcdVersion: o.binaries.etcdVersion, apiserverHealthySec: Math.round(cp.healthySec * 10) / 10, programmedSec: Math.round(kp.programmedSec * 10) / 10, namespace: cp.namespace, pausedDuringLoad: o.pauseDuringLoad === true, ...(o.controlPlane ? { shared: true } : {}) },
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
