import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../repo-root.js';
import { normaliseIpset, normaliseIpvsadm, normaliseIpvsLink } from './conformance-ipvs.js';

const fixture = (f: string) => readFileSync(join(REPO_ROOT, 'test/fixtures/kube-proxy/v1.20.2-ipvs-6.1', f), 'utf8');

describe('IPVS conformance normalisers (real kube-proxy v1.20.2 output)', () => {
  it('ipvsadm: the Service and its real server, without the apiserver and the counters', () => {
    expect(normaliseIpvsadm(fixture('ipvsadm.txt'), '10.96.0.1')).toEqual([
      { table: 'ipvs', chain: 'TCP 10.96.0.10:80', rule: 'scheduler rr' },
      { table: 'ipvs', chain: 'TCP 10.96.0.10:80', rule: '-> 10.244.2.10:8080 Masq 1' },
    ]);
  });
  it('ipvsadm: keeps scheduler flags and NodePort virtual servers', () => {
    const out = 'TCP  172.18.0.2:30080 rr persistent 10800\n  -> 10.244.2.10:8080   Masq  1  3  7\n';
    expect(normaliseIpvsadm(out, '10.96.0.1').map((r) => `${r.chain} ${r.rule}`)).toEqual(['TCP 172.18.0.2:30080 scheduler rr persistent 10800', 'TCP 172.18.0.2:30080 -> 10.244.2.10:8080 Masq 1']);
  });
  it('ipset: every set with its type, members without the apiserver, headers (hash seeds) dropped', () => {
    const rules = normaliseIpset(fixture('ipset.txt'), '10.96.0.1');
    expect(rules.filter((r) => r.rule.startsWith('type ')).length).toBe(15);
    expect(rules.filter((r) => r.rule.startsWith('member '))).toEqual([{ table: 'ipset', chain: 'KUBE-CLUSTER-IP', rule: 'member 10.96.0.10,tcp:80' }]);
    expect(rules).toContainEqual({ table: 'ipset', chain: 'KUBE-LOOP-BACK', rule: 'type hash:ip,port,ip' });
    expect(rules.some((r) => /initval|hashsize/.test(r.rule))).toBe(false);
  });
  it('kube-ipvs0: addresses without the apiserver, and the link state', () => {
    const addr = '5: kube-ipvs0    inet 10.96.0.1/32 scope global kube-ipvs0\\       valid_lft forever preferred_lft forever\n5: kube-ipvs0    inet 10.96.0.10/32 scope global kube-ipvs0\\       valid_lft forever preferred_lft forever\n';
    const link = '5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN mode DEFAULT group default \\    link/ether 1a:2b:3c:4d:5e:6f brd ff:ff:ff:ff:ff:ff\n';
    expect(normaliseIpvsLink(addr, link, '10.96.0.1').map((r) => r.rule)).toEqual(['inet 10.96.0.10/32', 'state DOWN']);
  });
});
