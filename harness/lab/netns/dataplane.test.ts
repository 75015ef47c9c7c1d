import { describe, expect, it } from 'vitest';
import {
  iptablesProxyRules,
  ipvsCommands,
  ipvsCompanionRules,
  nftablesProxyRules,
  ruleComments,
  type DataPlaneKnobs,
} from './dataplane.js';

const P = 'rl-0a1b2c';
const K: DataPlaneKnobs = { servicePort: 80, serverPort: 8080, masquerade: false, dropInvalid: false };
const KNOB_TABLE: DataPlaneKnobs[] = [
  K,
  { ...K, masquerade: true },
  { ...K, dropInvalid: true },
  { servicePort: 443, serverPort: 9443, masquerade: true, dropInvalid: true },
];

/** `*table ... COMMIT` blocks of iptables-restore input, by table name. */
function tables(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let current: string[] | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) out[line.slice(1)] = current = [];
    else if (line === 'COMMIT') current = null;
    else if (line !== '') {
      expect(current, `line outside a table: ${line}`).not.toBeNull();
      current?.push(line);
    }
  }
  expect(current, 'last table not committed').toBeNull();
  return out;
}

describe('ruleComments', () => {
  it('names the counting rules after the prefix', () => {
    expect(ruleComments(P)).toEqual({ invalidDrop: 'rl-0a1b2c-invalid-drop', leak: 'rl-0a1b2c-leak', natted: 'rl-0a1b2c-natted' });
  });
});

describe('iptablesProxyRules', () => {
  // This exact text (and the masquerade/dropInvalid variant) was checked once by hand with
  // `iptables-restore --test` in a throwaway namespace; the test itself runs no command.
  it('is the kube-proxy-like nat and filter tables', () => {
    expect(tables(iptablesProxyRules(P, K))).toEqual({
      nat: [
        ':PREROUTING ACCEPT [0:0]',
        ':OUTPUT ACCEPT [0:0]',
        ':POSTROUTING ACCEPT [0:0]',
        ':KUBE-SERVICES - [0:0]',
        '-A PREROUTING -m comment --comment rl-0a1b2c-svc -j KUBE-SERVICES',
        '-A OUTPUT -m comment --comment rl-0a1b2c-svc -j KUBE-SERVICES',
        '-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -m comment --comment rl-0a1b2c-svc -j DNAT --to-destination 10.244.2.10:8080',
      ],
      filter: [':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]'],
    });
    expect(iptablesProxyRules(P, K).endsWith('COMMIT\n')).toBe(true);
  });

  it.each(KNOB_TABLE)('masquerade=$masquerade dropInvalid=$dropInvalid ports $servicePort->$serverPort', (k) => {
    const t = tables(iptablesProxyRules(P, k));
    expect(t.nat).toContain(
      `-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport ${k.servicePort} -m comment --comment ${P}-svc -j DNAT --to-destination 10.244.2.10:${k.serverPort}`,
    );
    const masq = `-A POSTROUTING -d 10.244.2.10/32 -p tcp -m tcp --dport ${k.serverPort} -m comment --comment ${P}-masq -j MASQUERADE`;
    expect(t.nat?.includes(masq)).toBe(k.masquerade);
    const drop = `-A FORWARD -m conntrack --ctstate INVALID -m comment --comment ${P}-invalid-drop -j DROP`;
    expect(t.filter?.includes(drop)).toBe(k.dropInvalid);
    expect(t.filter?.filter((l) => l.startsWith('-A'))).toHaveLength(k.dropInvalid ? 1 : 0);
  });
});

describe('nftablesProxyRules', () => {
  it.each(KNOB_TABLE)('masquerade=$masquerade dropInvalid=$dropInvalid ports $servicePort->$serverPort', (k) => {
    const text = nftablesProxyRules(P, k);
    expect(text.startsWith('table ip rl_0a1b2c {\n')).toBe(true);
    expect(text).toContain(`ip daddr 10.96.0.10 tcp dport ${k.servicePort} dnat to 10.244.2.10:${k.serverPort} comment "${P}-svc"`);
    expect(text.includes(`ip daddr 10.244.2.10 tcp dport ${k.serverPort} masquerade comment "${P}-masq"`)).toBe(k.masquerade);
    expect(text.includes(`ct state invalid counter drop comment "${P}-invalid-drop"`)).toBe(k.dropInvalid);
    expect(text.split('{').length).toBe(text.split('}').length);
  });
});

describe('IPVS mode', () => {
  it('puts the VIP on lo and adds a masq-mode virtual server with the pod as real server', () => {
    expect(ipvsCommands({ ...K, servicePort: 443, serverPort: 9443 })).toEqual([
      ['ip', 'addr', 'add', '10.96.0.10/32', 'dev', 'lo'],
      ['ipvsadm', '-A', '-t', '10.96.0.10:443', '-s', 'rr'],
      ['ipvsadm', '-a', '-t', '10.96.0.10:443', '-r', '10.244.2.10:9443', '-m'],
    ]);
  });

  it.each(KNOB_TABLE)('companion rules: masquerade=$masquerade dropInvalid=$dropInvalid', (k) => {
    const t = tables(ipvsCompanionRules(P, k));
    expect(Object.keys(t)).toEqual(['nat', 'filter']);
    expect(t.nat?.includes(`-A POSTROUTING -m ipvs --vaddr 10.96.0.10/32 --vport ${k.servicePort} -m comment --comment ${P}-masq -j MASQUERADE`)).toBe(k.masquerade);
    expect(t.filter?.includes(`-A FORWARD -m conntrack --ctstate INVALID -m comment --comment ${P}-invalid-drop -j DROP`)).toBe(k.dropInvalid);
    expect(ipvsCompanionRules(P, k)).not.toContain('DNAT');
  });
});
