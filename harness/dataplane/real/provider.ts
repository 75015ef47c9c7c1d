/**
 * The real kube-proxy as a `DataPlaneProvider`: the netns lab asks it, as it asks the model, to
 * program node-a for one Service path, and never knows which it got. `start` runs a control
 * plane (the lab's own, or a shared one given here) and the kube-proxy binary on node-a
 * (data-plane.ts) with a cleanup stack of its own, unwound by `stop()`; on a failed start it
 * unwinds that stack and rethrows. Its facts are read back from what the binary wrote.
 */
import { CleanupStack } from '../../exec/cleanup-stack.js';
import type { Runner } from '../../exec/runner.js';
import { describeSource, type KubernetesBinaries } from '../../kubernetes/resolve.js';
import type { DataPlaneProvider, RealKubeProxyRecord, StartedDataPlane } from '../dataplane.js';
import type { StartedControlPlane } from './control-plane.js';
import { KUBE_PROXY_INVALID_DROP, startRealDataPlane } from './data-plane.js';

/** How the real data plane runs. */
export interface RealDataPlaneOptions {
  binaries: KubernetesBinaries;
  runner: Runner;
  /** Deadline multiplier (slow guests); >1 also pauses the control plane during each arm's load. */
  timeScale: number;
  say: (line: string) => void;
  /** A control plane shared by the labs started one after another; absent: each lab runs its own. */
  controlPlane?: StartedControlPlane;
}

/** The real kube-proxy with `o.binaries`. */
export function realDataPlane(o: RealDataPlaneOptions): DataPlaneProvider {
  return {
    source: 'real',
    async start(node, r): Promise<StartedDataPlane> {
      const cleanup = new CleanupStack();
      const stop = async () => {
        const problems = await cleanup.unwind();
        if (problems.length > 0) throw new Error(problems.join('; '));
      };
      try {
        // In an emulated guest (timeScale > 1) the control plane is paused during each arm's load.
        const real = await startRealDataPlane({ prefix: r.prefix, nodeA: node, path: r.path, mode: r.mode, masqueradeAll: r.masquerade, binaries: o.binaries, runner: o.runner, cleanup, timeScale: o.timeScale, say: o.say, pauseDuringLoad: o.timeScale > 1, ...(o.controlPlane ? { controlPlane: o.controlPlane } : {}) });
        // What kube-proxy wrote decides, read back; the scenario's lab knob does not add a rule to it.
        const facts: RealKubeProxyRecord = {
          ...real.facts,
          source: 'real',
          dropInvalid: real.facts.wroteInvalidDrop,
          dropInvalidBy: 'kube-proxy',
          dropInvalidReason: `read back from the rules the real kube-proxy ${real.facts.version} wrote`,
        };
        return {
          facts,
          note: `the real kube-proxy ${real.facts.version} wrote node-a's rules (${describeSource(real.facts.source)})`,
          ...(real.facts.wroteInvalidDrop ? { invalidDropRule: KUBE_PROXY_INVALID_DROP } : {}),
          stop,
          rules: real.rules,
          assertRunning: real.assertRunning,
          duringLoad: () => real.pauseControlPlane?.(),
        };
      } catch (error) {
        const problems = await cleanup.unwind();
        if (problems.length > 0) (error as Error).message += `\n(cleanup after the failure also reported: ${problems.join('; ')})`;
        throw error;
      }
    },
  };
}
