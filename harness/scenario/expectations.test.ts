import { describe, expect, it } from 'vitest';
import { selectExpectation, type Expectation } from './expectations.js';

const list: Expectation[] = [
  { scenario: 'over-window', driver: 'kind', proxyMode: 'ipvs', expect: 'not-reproduced' },
  { scenario: 'over-window', driver: 'netns', proxyMode: 'ipvs', kernel: '=6.1', expect: 'not-reproduced' },
  { scenario: 'over-window', driver: 'netns', proxyMode: 'iptables', kernel: '=6.1', expect: 'reproduced' },
  { scenario: 'over-window', driver: 'vm', proxyMode: 'ipvs', kernel: '=5.10', expect: 'reproduced' },
] as Expectation[];

describe('selectExpectation', () => {
  it.each([
    [{ kernel: '6.1.0-56-amd64', proxyMode: 'ipvs', driver: 'netns' }, 1],
    [{ kernel: '6.1.0-56-amd64', proxyMode: 'iptables', driver: 'netns' }, 2],
    // the vm driver runs the netns lab in its guest: netns rows apply to it
    [{ kernel: '6.1.0-56-amd64', proxyMode: 'ipvs', driver: 'vm' }, 1],
    [{ kernel: '5.10.0-46-amd64', proxyMode: 'ipvs', driver: 'vm' }, 3],
    // ...but vm and kind rows never apply to another driver
    [{ kernel: '5.10.0-46-amd64', proxyMode: 'ipvs', driver: 'netns' }, null],
    [{ kernel: '6.1.0-56-amd64', proxyMode: 'ipvs', driver: 'kind' }, 0],
    // an unmeasured kernel matches nothing
    [{ kernel: '6.12.118+deb13-amd64', proxyMode: 'ipvs', driver: 'netns' }, null],
  ])('%o -> row %s', (facts, row) => {
    const e = selectExpectation(list, 'over-window', facts);
    expect(e === null ? null : list.indexOf(e)).toBe(row);
  });
});

describe('rows of the real kube-proxy (kubeProxyBinary)', () => {
  const rows: Expectation[] = [
    { scenario: 'over-window', driver: 'netns', proxyMode: 'iptables', kernel: '=6.18', kubeProxyBinary: 'v1.20.2', expect: 'not-reproduced' },
    { scenario: 'over-window', driver: 'netns', proxyMode: 'iptables', kernel: '=6.18', kubeProxy: '<1.15', expect: 'reproduced' },
    { scenario: 'over-window', driver: 'netns', proxyMode: 'iptables', kernel: '=6.18', expect: 'not-reproduced', note: 'the model, default version' },
  ] as Expectation[];
  const host = { kernel: '6.18.44-fc', proxyMode: 'iptables', driver: 'netns' };
  it.each([
    ['the binary v1.20.2 matches only its own row', { ...host, kubeProxyBinary: 'v1.20.2' }, 0],
    ['another binary matches nothing (unmeasured)', { ...host, kubeProxyBinary: 'v1.31.4' }, null],
    ['a --kube-proxy folder before the run matches nothing', { ...host, kubeProxyBinary: '/opt/k8s/server/bin' }, null],
    ['the model at v1.14 matches the model row for <1.15', { ...host, kubeProxyVersion: 'v1.14' }, 1],
    ['the model at its default version never matches the binary row', host, 2],
    ['the model at v1.20 (the flavour) matches no row here, not the binary one', { ...host, kubeProxyVersion: 'v1.20' }, null],
  ])('%s', (_name, facts, row) => {
    const e = selectExpectation(rows, 'over-window', facts);
    expect(e === null ? null : rows.indexOf(e)).toBe(row);
  });
});
