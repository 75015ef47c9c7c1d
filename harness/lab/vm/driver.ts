/**
 * The vm driver as the CLI sees it (registry entry): `--kernel` (and `--modules`, `--memory`,
 * `--cpus`, `--accel`, `--vm-timeout`, `--full-load`) validated with every other flag; the
 * host checked read-only (exit 2 naming what is missing); leftovers of dead vm runs removed;
 * every kernel resolved (resolveKernel) before the first boot; then one guest per kernel
 * runs every scenario (provider.ts), and each report goes to `onReport`. With several kernels,
 * one that cannot boot turns its cells into `inconclusive` reports and the others still run.
 */
import type { InputProblem } from '../../errors.js';
import type { LabDriver } from '../driver.js';
import { netnsScenarioProblems } from '../netns/capabilities.js';
import { removeVmLeftovers } from './cleanup.js';
import { parseVmFlags, type VmFlags } from './flags.js';
import { assertVmPreconditions, vmReadiness } from './preconditions.js';
import { kernelVersionOf, runOnKernels } from './run-on-kernels.js';
import { KUBE_PROXY_OPTION } from '../../kubernetes/option.js';
import { parseKubeProxySpec } from '../../kubernetes/spec.js';


function removeLoudly(say: (line: string) => void, always: boolean): void {
  const r = removeVmLeftovers();
  if (r.killed.length > 0) say(`resetlab: killed guests of runs that did not finish: ${r.killed.join(', ')}`);
  if (r.removedDirs.length > 0) say(`resetlab: removed vm run folders of runs that did not finish: ${r.removedDirs.join(', ')}`);
  if (always && r.killed.length === 0 && r.removedDirs.length === 0) say('resetlab: no guests or vm run folders to clean up');
}

/** The vm driver. */
export const vmDriver: LabDriver = {
  name: 'vm',
  summary: 'Debian kernels under QEMU running the netns lab inside, with real IPVS',
  options: [
    { flags: '--kernel <list>', key: 'kernel', description: 'vm: kernels, comma-separated: Debian series (5.10,6.1,6.12,7.2), package versions, or a vmlinuz path' },
    { flags: '--modules <dir>', key: 'modules', description: 'vm: the lib/modules/VERSION folder of a --kernel path' },
    { flags: '--memory <MiB>', key: 'memory', description: 'vm: guest memory (default 3072)' },
    { flags: '--cpus <n>', key: 'cpus', description: 'vm: guest CPUs (default 1: two emulated CPUs crashed node under TCG)' },
    { flags: '--parallel <n>', key: 'parallel', description: 'vm: guests (kernels) at once (default: host cores / --cpus, at most one per kernel)' },
    { flags: '--accel <mode>', key: 'accel', description: 'vm: auto (KVM if it boots, else TCG), kvm or tcg' },
    { flags: '--vm-timeout <duration>', key: 'vmTimeout', description: 'vm: upper bound for one guest (default: from the scenarios)' },
    { flags: '--full-load', key: 'fullLoad', description: 'vm: run built-in scenarios with their full load (default: lighter for emulation)' },
    KUBE_PROXY_OPTION,
  ],
  flagProblems: (flags): InputProblem[] => [...parseVmFlags(flags as VmFlags).problems, ...(typeof flags.kubeProxy === 'string' ? parseKubeProxySpec(flags.kubeProxy).problems : [])],
  readiness: async () => vmReadiness(),
  // The guest loads any module it needs; only what the netns lab cannot build is refused here.
  scenarioProblems: (scenarios) => netnsScenarioProblems(scenarios, null),
  proxyModeFor: (s) => (s.topology.proxyMode === 'auto' ? 'ipvs' : s.topology.proxyMode),
  kernelsFor: (flags) => parseVmFlags(flags as VmFlags).settings?.kernels.map(kernelVersionOf) ?? [],
  async execute(ctx, scenarios, flags, onReport) {
    const settings = parseVmFlags(flags as VmFlags).settings!;
    assertVmPreconditions();
    removeLoudly(ctx.say, false);
    return runOnKernels(ctx, scenarios, settings, flags, onReport);
  },
  removeLeftovers: async (ctx) => removeLoudly(ctx.say, true),
};


export { kernelVersionOf };
