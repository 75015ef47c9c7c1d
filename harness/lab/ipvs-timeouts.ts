/**
 * IPVS timeouts of a node (per network namespace): read with `ipvsadm -L --timeout` and set
 * with `ipvsadm --set tcp tcpfin udp`, as kube-proxy's --ipvs-tcp-timeout,
 * --ipvs-tcpfin-timeout and --ipvs-udp-timeout do (0 in `--set` keeps a value; resetlab always
 * writes all three). Every write is read back; a difference throws.
 */
import { parseIpvsTimeouts, type IpvsTimeouts } from '../counters/parse-ipvs.js';
import type { LabNode } from './lab.js';

/** Reads the node's IPVS timeouts. */
export async function readIpvsTimeouts(node: LabNode): Promise<IpvsTimeouts> {
  const r = await node.exec(['ipvsadm', '-L', '--timeout']);
  return parseIpvsTimeouts(r.stdout);
}

/** Sets the node's IPVS timeouts to `base` overridden by `wanted`, and returns the values read back. */
export async function setIpvsTimeouts(node: LabNode, base: IpvsTimeouts, wanted: Partial<IpvsTimeouts>): Promise<IpvsTimeouts> {
  const want: IpvsTimeouts = { ...base, ...Object.fromEntries(Object.entries(wanted).filter(([, v]) => v !== undefined)) };
  await node.exec(['ipvsadm', '--set', String(want.tcp), String(want.tcpFin), String(want.udp)]);
  const got = await readIpvsTimeouts(node);
  if (got.tcp !== want.tcp || got.tcpFin !== want.tcpFin || got.udp !== want.udp) {
    throw new Error(`failed to set IPVS timeouts on ${node.id}: wanted ${want.tcp} ${want.tcpFin} ${want.udp}, read back ${got.tcp} ${got.tcpFin} ${got.udp}`);
  }
  return got;
}
