import { describe, expect, it } from 'vitest';
import { DRIVERS, driverFlagProblems, driverFor, driverOptions } from './registry.js';

const fields = (flags: Record<string, unknown>) => driverFlagProblems(flags).map((p) => `${p.field}: ${p.message}`);

describe('driver registry', () => {
  it('knows netns (default), kind, vm and kube, each with its own options', () => {
    expect(DRIVERS.map((d) => d.name)).toEqual(['netns', 'kind', 'vm', 'kube']);
    expect(driverFor({})?.name).toBe('netns');
    expect(driverFor({ driver: 'vm' })?.name).toBe('vm');
    expect(driverOptions().filter((o) => o.driver === 'vm').map((o) => o.key)).toContain('kernel');
  });
  it('rejects an unknown driver and options of another driver, listing all', () => {
    expect(fields({ driver: 'docker' })[0]).toBe('--driver: unknown driver "docker"; expected one of netns, kind, vm, kube');
    expect(fields({ keepCluster: true, kernel: '6.1' })).toEqual(['--keep-cluster: only applies with --driver kind', '--kernel: only applies with --driver kind or vm']);
    // --kube-proxy-mode is a flag of every driver now, checked with the scenarios (scenario/kube-proxy-flags.ts).
    // kind takes --kernel (the cluster in a guest), but not the vm driver's --parallel.
    expect(fields({ driver: 'kind', kernel: '6.1', kubeProxyMode: 'userspace' })).toEqual([]);
    expect(fields({ driver: 'kind', kernel: '6.1', parallel: '2' })).toEqual(['--parallel: only applies with --driver vm']);
    expect(fields({ driver: 'kind', memory: '4096' })).toEqual(['--memory: only applies with --kernel (kind hosted in a guest)']);
    expect(fields({ driver: 'kind', kernel: '6.1', nodeImage: 'kindest/node:v1.33.1' })).toEqual([expect.stringMatching(/^--node-image: kind in a guest runs resetlab's offline node image/)]);
  });
  it('validates the chosen driver\'s flags and the hidden time scale', () => {
    expect(fields({ driver: 'vm' })).toEqual([expect.stringMatching(/^--kernel: the vm driver needs a kernel/)]);
    expect(fields({ driver: 'vm', kernel: '6.1', timeScale: '0.5' })).toEqual(['--time-scale: must be a number from 1 to 1000, got "0.5"']);
    expect(fields({ driver: 'vm', kernel: '5.10,6.1' })).toEqual([]);
  });
  it('tells the proxy mode and kernels each driver will run with', () => {
    const vm = driverFor({ driver: 'vm' })!;
    expect(vm.kernelsFor({ driver: 'vm', kernel: '5.10,6.1' })).toEqual(['5.10', '6.1']);
    expect(vm.proxyModeFor({ topology: { proxyMode: 'auto' } } as never, {})).toBe('ipvs');
  });
});
