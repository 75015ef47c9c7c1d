import { describe, expect, it } from 'vitest';
import { refFromExpectations } from '../../scenario/load.js';
import { modesFor } from './check.js';

describe('check: which scenarios and modes an expectations file names', () => {
  it('finds a scenario file next to the expectations file; built-in names and absolute paths stay', () => {
    expect(refFromExpectations('./mine.yaml', '/ci/gate/expect.yaml')).toBe('/ci/gate/mine.yaml');
    expect(refFromExpectations('paths/mine.yml', '/ci/gate/expect.yaml')).toBe('/ci/gate/paths/mine.yml');
    expect(refFromExpectations('/abs/mine.yaml', '/ci/gate/expect.yaml')).toBe('/abs/mine.yaml');
    expect(refFromExpectations('over-window', '/ci/gate/expect.yaml')).toBe('over-window');
  });
  it('checks a scenario on the modes its entries name, plus the own mode when an entry names none', () => {
    const list = [
      { scenario: './mine.yaml', proxyMode: 'ipvs' as const, expect: 'reproduced' as const },
      { scenario: './mine.yaml', proxyMode: 'iptables' as const, expect: 'reproduced' as const },
      { scenario: 'none', expect: 'not-reproduced' as const },
      { scenario: 'none', proxyMode: 'nftables' as const, expect: 'not-reproduced' as const },
    ];
    expect(modesFor(list, './mine.yaml', 'ipvs')).toEqual(['ipvs', 'iptables']);
    expect(modesFor(list, 'none', 'iptables')).toEqual(['iptables', 'nftables']);
    expect(modesFor(list, 'my-masq', 'ipvs')).toEqual([]);
  });
  it("with --kube-proxy, only the modes of that binary's rows (a real v1.20.2 has no nftables mode to be run in)", () => {
    const list = [
      { scenario: 'over-window', proxyMode: 'ipvs' as const, expect: 'not-reproduced' as const },
      { scenario: 'over-window', proxyMode: 'nftables' as const, expect: 'reproduced' as const },
      { scenario: 'over-window', proxyMode: 'iptables' as const, kubeProxyBinary: 'v1.20.2', expect: 'not-reproduced' as const },
    ];
    expect(modesFor(list, 'over-window', 'iptables', 'v1.20.2')).toEqual(['iptables']);
    expect(modesFor(list, 'over-window', 'iptables')).toEqual(['ipvs', 'nftables']);
    expect(modesFor(list, 'over-window', 'iptables', 'v1.31.4')).toEqual([]);
  });
});
