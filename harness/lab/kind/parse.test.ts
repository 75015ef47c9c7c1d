import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTabLines } from '../cluster/parse-tab.js';
import { parseKubeProxyConfig, parseKubeProxyPods, parseProxierFromLogs } from '../cluster/parse-kube-proxy.js';
import {
  invalidRules,
  nftInvalidRules,
  parseCrictlInspectp,
  parseIpvsadm,
  parseKindClusters,
} from './parse-runtime.js';

/** Modelled on real upstream output; see test/fixtures/kind/README.md. */
const fixture = (name: string): string => readFileSync(new URL(`../../../test/fixtures/kind/${name}`, import.meta.url), 'utf8');

describe('parseKubeProxyConfig', () => {
  it('reads mode, masqueradeAll and tcpBeLiberal from a kubeadm-written ipvs config', () => {
    expect(parseKubeProxyConfig(fixture('kube-proxy-config-ipvs.conf'))).toEqual({
      mode: 'ipvs',
      modeDefaulted: false,
      masqueradeAll: false,
      tcpBeLiberal: false,
    });
  });

  it('an empty mode is iptables (kube-proxy default); an absent tcpBeLiberal is null', () => {
    expect(parseKubeProxyConfig(fixture('kube-proxy-config-iptables-default-masq.conf'))).toEqual({
      mode: 'iptables',
      modeDefaulted: true,
      masqueradeAll: true,
      tcpBeLiberal: null,
    });
  });

  it('nftables mode reads nftables.masqueradeAll', () => {
    const text = 'kind: KubeProxyConfiguration\nmode: nftables\niptables:\n  masqueradeAll: false\nnftables:\n  masqueradeAll: true\n';
    expect(parseKubeProxyConfig(text)).toMatchObject({ mode: 'nftables', masqueradeAll: true });
  });

  it.each([
    ['not YAML', 'mode: [ipvs', /failed to parse the kube-proxy ConfigMap \(config.conf\)/],
    ['empty (ConfigMap missing the key)', '', /expected a KubeProxyConfiguration document/],
    ['another kind', 'kind: KubeletConfiguration\n', /expected a KubeProxyConfiguration document/],
    ['unknown mode', 'kind: KubeProxyConfiguration\nmode: kernelspace\n', /unsupported mode "kernelspace"/],
  ])('throws on %s', (_name, text, message) => {
    expect(() => parseKubeProxyConfig(text)).toThrow(message);
  });
});

describe('parseKubeProxyPods', () => {
  it('reads name, node, image and the version tag of each pod', () => {
    const pods = parseKubeProxyPods(fixture('kube-proxy-pods.txt'));
    expect(pods).toHaveLength(3);
    expect(pods.find((p) => p.node === 'rl-0a1b2c-worker')).toEqual({
      name: 'kube-proxy-w8v4n',
      node: 'rl-0a1b2c-worker',
      image: 'registry.k8s.io/kube-proxy:v1.33.1',
      version: 'v1.33.1',
    });
  });

  it('a digest-pinned or non-version tag gives version null', () => {
    const [pinned, custom] = parseKubeProxyPods(
      'kp-1\tn1\tregistry.k8s.io/kube-proxy:v1.30.2@sha256:' + 'ab'.repeat(32) + '\nkp-2\tn2\tlocalhost:5000/kube-proxy:dev\n',
    );
    expect(pinned!.version).toBe('v1.30.2');
    expect(custom!.version).toBeNull();
  });

  it('throws on no pod and on a malformed line', () => {
    expect(() => parseKubeProxyPods('\n')).toThrow(/no kube-proxy pod found/);
    expect(() => parseKubeProxyPods('kube-proxy-x rl-worker image\n')).toThrow(/line 1: expected "name<TAB>node<TAB>image"/);
  });
});

describe('parseProxierFromLogs', () => {
  it('current klog text: "Using ipvs Proxier"', () => {
    expect(parseProxierFromLogs(fixture('kube-proxy-ipvs.log'))).toBe('ipvs');
  });
  it('an old kube-proxy that fell back from IPVS: the last "Using ... Proxier" wins (iptables)', () => {
    expect(parseProxierFromLogs(fixture('kube-proxy-old-fallback.log'))).toBe('iptables');
  });
  it('null when the log does not say', () => {
    expect(parseProxierFromLogs('I0612 09:14:03.026297       1 server.go:516] "Version info" version="v1.33.1"\n')).toBeNull();
  });
});

describe('parseIpvsadm', () => {
  const vs = parseIpvsadm(fixture('ipvsadm-Ln.txt'));

  it('reads every virtual server with its real servers', () => {
    expect(vs.map((v) => `${v.protocol} ${v.address} ${v.reals.length}`)).toEqual([
      'TCP 10.96.0.1:443 1',
      'TCP 10.96.0.10:53 2',
      'TCP 10.96.0.10:9153 2',
      'TCP 10.96.112.40:80 1',
      'TCP 10.96.201.17:443 1',
      'UDP 10.96.0.10:53 2',
    ]);
    expect(vs[3]).toEqual({
      protocol: 'TCP',
      address: '10.96.112.40:80',
      scheduler: 'rr',
      flags: '',
      reals: [{ address: '10.244.2.3:8080', forward: 'Masq', weight: 1, activeConn: 50, inActConn: 3 }],
    });
    expect(vs[4]!.flags).toBe('persistent 10800');
  });

  it('an empty table (ip_vs loaded, no services) is an empty list', () => {
    expect(parseIpvsadm('IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n')).toEqual([]);
  });

  it('throws on a real server first and on an unknown line (e.g. the "Can not initialize ipvs" error)', () => {
    expect(() => parseIpvsadm('  -> 10.244.2.3:8080              Masq    1      0          0\n')).toThrow(/line 1: real server before any virtual server/);
    expect(() => parseIpvsadm('Can not initialize ipvs: Protocol not available\n')).toThrow(/unrecognised line/);
  });
});

describe('parseCrictlInspectp', () => {
  it('takes the sandbox pid (node PID namespace) and the pod IP', () => {
    expect(parseCrictlInspectp(fixture('crictl-inspectp-server.json'))).toEqual({
      pid: 2291,
      netnsPath: '/proc/2291/ns/net',
      ip: '10.244.2.3',
      state: 'SANDBOX_READY',
    });
  });
  it('throws on non-JSON and on a runtime without info.pid', () => {
    expect(() => parseCrictlInspectp('FATA[0000] no such sandbox')).toThrow(/crictl inspectp output: not JSON/);
    expect(() => parseCrictlInspectp('{"status":{"state":"SANDBOX_READY"}}')).toThrow(/no info.pid/);
  });
});

describe('small kubectl/kind outputs', () => {
  it('kind get clusters: names, and nothing for "No kind clusters found."', () => {
    expect(parseKindClusters('kind\nresetlab\n')).toEqual(['kind', 'resetlab']);
    expect(parseKindClusters('No kind clusters found.\n')).toEqual([]);
  });

  it('tab lines: records by field name; a wrong field count throws with the source', () => {
    expect(parseTabLines('a\tb\n\nc\td\n', ['x', 'y'], 'test')).toEqual([{ x: 'a', y: 'b' }, { x: 'c', y: 'd' }]);
    expect(() => parseTabLines('a\tb\tc\n', ['x', 'y'], 'pods of web')).toThrow(/failed to parse pods of web: line 1: expected 2/);
  });
});

describe('INVALID rules', () => {
  it("finds kube-proxy's KUBE-FORWARD drop in iptables mode, not the RELATED,ESTABLISHED,DNAT rule", () => {
    expect(invalidRules(fixture('iptables-save-filter-iptables-mode.txt'))).toEqual([
      '-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP',
    ]);
  });
  it('IPVS mode has no kube-proxy INVALID drop; only the run\'s own counted rule', () => {
    expect(invalidRules(fixture('iptables-save-filter-ipvs-mode.txt'))).toEqual([
      '-A FORWARD -m conntrack --ctstate INVALID -m comment --comment rl-0a1b2c-invalid-drop -j DROP',
    ]);
  });
  it('reads iptables-save -c lines too, and nft ct state invalid rules', () => {
    expect(invalidRules('*filter\n[5:300] -A FORWARD -m conntrack --ctstate INVALID -j DROP\nCOMMIT\n')).toEqual(['-A FORWARD -m conntrack --ctstate INVALID -j DROP']);
    expect(nftInvalidRules('table ip x {\n\tchain forward {\n\t\tct state invalid counter packets 3 bytes 180 drop comment "rl-0a1b2c-invalid-drop"\n\t\tct state { established, related } accept\n\t}\n}\n')).toEqual([
      'ct state invalid counter packets 3 bytes 180 drop comment "rl-0a1b2c-invalid-drop"',
    ]);
  });
});
