/**
 * The modelled data plane: writes node-a's rules as kube-proxy of the requested version and mode
 * writes them (iptables.ts, nftables.ts, ipvs.ts, decided by resolve.ts). Everything lives in
 * node-a's namespace (rules, ipsets, the `kube-ipvs0` dummy, start-up sysctls), so deleting the
 * namespace removes it; `stop()` has nothing else to do.
 */
import { sysctlWriteArgv } from '../../lab/sysctl.js';
import type { DataPlaneProvider, DataPlaneRequest, StartedDataPlane } from '../dataplane.js';
import { iptablesProxyRules } from './iptables.js';
import { ipvsCommands, ipvsFlavour, ipvsIpsets, ipvsIptablesRules } from './ipvs.js';
import type { ProxyKnobs } from './kube-proxy.js';
import { ipvsSysctls } from './kube-proxy.js';
import { nftablesProxyRules } from './nftables.js';
import { resolveKubeProxy } from './resolve.js';

/** The modelled kube-proxy. */
export const modelDataPlane: DataPlaneProvider = {
  source: 'model',
  async start(node, r: DataPlaneRequest): Promise<StartedDataPlane> {
    const plan = resolveKubeProxy(r.mode, r.kubeProxy);
    const knobs: ProxyKnobs = { masquerade: r.masquerade, dropInvalid: plan.dropInvalid, markOp: plan.markOp, forwardConntrack: plan.forwardConntrack, ipvs: ipvsFlavour(r.kubeProxy.version) };
    if (r.mode === 'iptables') {
      await node.exec(['iptables-restore', '-w'], { input: iptablesProxyRules(r.prefix, r.path, knobs) });
    } else if (r.mode === 'nftables') {
      await node.exec(['nft', '-f', '-'], { input: nftablesProxyRules(r.prefix, r.path, knobs) });
    } else {
      // kube-proxy's start-up sysctls, then its dummy link, virtual servers, ipsets and chains.
      await node.exec(sysctlWriteArgv(ipvsSysctls(r.kernelRelease, r.kubeProxy.version.minor)));
      for (const argv of ipvsCommands(r.path)) await node.exec(argv);
      await node.exec(['ipset', 'restore'], { input: ipvsIpsets(r.path, knobs.ipvs) });
      await node.exec(['iptables-restore', '-w'], { input: ipvsIptablesRules(r.prefix, r.path, knobs) });
    }
    return { facts: { source: 'model', ...plan }, stop: async () => {} };
  },
};
