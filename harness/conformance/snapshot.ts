/**
 * What node-a's data plane wrote, read back and normalised for the conformance comparison:
 * `iptables-save` (both modes), plus in IPVS mode `ipvsadm -Ln`, `ipset list` and the
 * `kube-ipvs0` link. Read-only. The apiserver's own `kubernetes` Service is taken out of every
 * table (only the real control plane has it).
 */
import { normaliseIptables, withoutService, type NormalRule } from '../dataplane/conformance.js';
import { normaliseIpset, normaliseIpvsadm, normaliseIpvsLink } from '../dataplane/conformance-ipvs.js';
import type { DataPlaneNode } from '../dataplane/dataplane.js';
import { IPVS_DUMMY } from '../dataplane/model/ipvs.js';

/** The ClusterIP of the apiserver's `kubernetes` Service (first address of the lab's Service CIDR). */
export const KUBERNETES_SERVICE_VIP = '10.96.0.1';

/** The modes conformance compares (the real kube-proxy v1.20 has no nftables mode). */
export type ConformanceMode = 'iptables' | 'ipvs';

/** The raw read-back, per command (kept in the report for whoever reads a difference). */
export type RawRules = Record<string, string>;

/** Reads node-a's rules (raw). */
export async function readRules(node: DataPlaneNode, mode: ConformanceMode): Promise<RawRules> {
  const argvs = [['iptables-save'], ...(mode === 'ipvs' ? [['ipvsadm', '-Ln'], ['ipset', 'list'], ['ip', '-o', '-4', 'addr', 'show', 'dev', IPVS_DUMMY], ['ip', '-o', 'link', 'show', 'dev', IPVS_DUMMY]] : [])];
  const out: RawRules = {};
  for (const argv of argvs) out[argv.join(' ')] = (await node.exec(argv, { check: false })).stdout;
  return out;
}

/** Normalises a raw read-back (pure). */
export function normaliseRules(raw: RawRules, mode: ConformanceMode): NormalRule[] {
  const rules = normaliseIptables(withoutService(raw['iptables-save'] ?? '', KUBERNETES_SERVICE_VIP));
  if (mode === 'ipvs') {
    rules.push(
      ...normaliseIpvsadm(raw['ipvsadm -Ln'] ?? '', KUBERNETES_SERVICE_VIP),
      ...normaliseIpset(raw['ipset list'] ?? '', KUBERNETES_SERVICE_VIP),
      ...normaliseIpvsLink(raw[`ip -o -4 addr show dev ${IPVS_DUMMY}`] ?? '', raw[`ip -o link show dev ${IPVS_DUMMY}`] ?? '', KUBERNETES_SERVICE_VIP),
    );
  }
  return rules;
}
