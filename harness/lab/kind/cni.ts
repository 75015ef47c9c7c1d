/**
 * The pod network of a cluster made from resetlab's offline node image, which has no kindnet
 * (kindnetd's go.mod needs a Go this machine cannot fetch): what kindnetd does, done once
 * after `kind create cluster`. Each node gets a CNI conflist for its own `spec.podCIDR`
 * (Debian's `ptp` + `host-local` plugins: one veth per pod, the node as its gateway, no
 * masquerade, as kindnetd leaves pod-to-pod traffic alone) and a route to every other node's
 * podCIDR via that node's InternalIP. `ptpConflist` and `nodeRoutes` are pure; `installPtpCni`
 * does the I/O through the Runner (`kubectl`, `docker exec`).
 */
import type { Runner } from '../../exec/runner.js';
import { parseTabLines } from '../cluster/parse-tab.js';

/** Where the conflist goes in each node (containerd's CRI `conf_dir`). */
export const CNI_CONFLIST_PATH = '/etc/cni/net.d/10-resetlab-ptp.conflist';

/** One node as the cluster reports it. */
export interface PodNetworkNode {
  name: string;
  podCIDR: string;
  internalIP: string;
}

/** The conflist for a node with `podCIDR` (JSON text). Pure. */
export function ptpConflist(podCIDR: string): string {
  return (
    JSON.stringify(
      {
        cniVersion: '0.4.0',
        name: 'resetlab-ptp',
        plugins: [
          { type: 'ptp', ipMasq: false, mtu: 1500, ipam: { type: 'host-local', ranges: [[{ subnet: podCIDR }]], routes: [{ dst: '0.0.0.0/0' }] } },
          { type: 'portmap', capabilities: { portMappings: true } },
        ],
      },
      null,
      2,
    ) + '\n'
  );
}

/** `ip route replace` argvs for `node`: every other node's podCIDR via its InternalIP. Pure. */
export function nodeRoutes(node: PodNetworkNode, all: PodNetworkNode[]): string[][] {
  return all.filter((n) => n.name !== node.name).map((n) => ['ip', 'route', 'replace', n.podCIDR, 'via', n.internalIP]);
}

const NODES_JSONPATH = 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.spec.podCIDR}{"\\t"}{.status.addresses[?(@.type=="InternalIP")].address}{"\\n"}{end}';

/**
 * Waits until every node has a podCIDR (kube-controller-manager assigns them), then writes
 * each node's conflist and routes. Returns the nodes as configured.
 */
export async function installPtpCni(runner: Runner, kubectlArgv: (...args: string[]) => string[], o: { timeoutMs: number; expectNodes: number }): Promise<PodNetworkNode[]> {
  const deadline = Date.now() + o.timeoutMs;
  let nodes: PodNetworkNode[] = [];
  for (;;) {
    // A starved API server may not answer at all: keep polling until the deadline.
    const out = await runner.run(kubectlArgv('get', 'nodes', '-o', NODES_JSONPATH), { check: false, timeoutMs: 120_000 }).catch((error: Error) => ({ exitCode: -1, stdout: '', stderr: error.message }));
    nodes = out.exitCode === 0 ? parseTabLines(out.stdout, ['name', 'podCIDR', 'internalIP'], 'nodes').map((n) => ({ name: n.name, podCIDR: n.podCIDR, internalIP: n.internalIP })) : [];
    if (nodes.length >= o.expectNodes && nodes.every((n) => n.podCIDR !== '' && n.internalIP !== '')) break;
    if (Date.now() > deadline) {
      throw new Error(`failed to set up the pod network: after ${Math.round(o.timeoutMs / 1000)} s the nodes are ${nodes.map((n) => `${n.name} podCIDR=${n.podCIDR || 'none'}`).join(', ') || 'not listed'}`);
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  for (const n of nodes) {
    await runner.run(['docker', 'exec', '-i', n.name, 'sh', '-c', `mkdir -p /etc/cni/net.d && cat > ${CNI_CONFLIST_PATH}`], { input: ptpConflist(n.podCIDR) });
    for (const argv of nodeRoutes(n, nodes)) await runner.run(['docker', 'exec', n.name, ...argv]);
  }
  return nodes;
}
