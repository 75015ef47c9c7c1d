import { describe, expect, it } from 'vitest';
import { toScenarioFile, validateScenario, type Scenario } from './schema.js';

const FILE = 's.yaml';
const KINDS = 'expected one of none, inject, delayed-duplicates, conntrack-flush, ipvs-idle-expiry';
const ALLOWED =
  'not an allowed sysctl; allowed: net.netfilter.nf_conntrack_tcp_be_liberal, net.netfilter.nf_conntrack_tcp_loose, ' +
  'net.netfilter.nf_conntrack_tcp_ignore_invalid_rst, net.netfilter.nf_conntrack_log_invalid, net.ipv4.vs.*';
const LIBERAL = 'net.netfilter.nf_conntrack_tcp_be_liberal';

const DEFAULTS: Scenario = {
  name: 'x',
  topology: { proxyMode: 'auto', client: 'pod', service: 'clusterIP', hairpin: false, masquerade: false, dropInvalid: 'auto', kubeProxyVersion: 'v1.37', beLiberalAtStart: 0, servicePort: 80, serverPort: 8080 },
  load: { connections: 50, durationMs: 10_000, responseBytes: 65_536, pipelining: 1 },
  fault: { kind: 'inject', offset: 'above-window', ratePerSecond: 50 },
  arms: [
    { name: 'liberal=0', sysctls: { [LIBERAL]: 0 } },
    { name: 'liberal=1', sysctls: { [LIBERAL]: 1 } },
  ],
  trials: 1,
  source: 'src',
};

function problemsOf(data: unknown): Array<[string, string]> {
  const r = validateScenario(data, FILE, 'src');
  if (r.ok) throw new Error(`expected problems, got ${JSON.stringify(r.scenario)}`);
  for (const p of r.problems) expect(p.file).toBe(FILE);
  return r.problems.map((p) => [p.field, p.message]);
}

function scenarioOf(data: unknown): Scenario {
  const r = validateScenario(data, FILE, 'src');
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.field}: ${p.message}`).join('\n'));
  return r.scenario;
}

describe('validateScenario: defaults', () => {
  it('fills in every default from just a name', () => {
    expect(scenarioOf({ name: 'x' })).toEqual(DEFAULTS);
  });

  it.each<[string, Record<string, unknown>, Partial<Scenario>]>([
    ['partial topology', { topology: { proxyMode: 'ipvs' } }, { topology: { ...DEFAULTS.topology, proxyMode: 'ipvs' } }],
    ['duration as a number of seconds', { load: { duration: 90 } }, { load: { ...DEFAULTS.load, durationMs: 90_000 } }],
    ['duration with two units', { load: { duration: '2m30s' } }, { load: { ...DEFAULTS.load, durationMs: 150_000 } }],
    ['fault none', { fault: { kind: 'none' } }, { fault: { kind: 'none' } }],
    ['fault inject', { fault: { kind: 'inject', offset: 'below-window' } }, { fault: { kind: 'inject', offset: 'below-window', ratePerSecond: 50 } }],
    ['fault delayed-duplicates', { fault: { kind: 'delayed-duplicates' } }, { fault: { kind: 'delayed-duplicates', fraction: 0.0005, delayMs: 200 } }],
    ['fault conntrack-flush', { fault: { kind: 'conntrack-flush' } }, { fault: { kind: 'conntrack-flush', intervalMs: 2000 } }],
    ['fault ipvs-idle-expiry', { fault: { kind: 'ipvs-idle-expiry' } }, { fault: { kind: 'ipvs-idle-expiry', tcpTimeoutSec: 3 } }],
    ['description kept', { description: 'hello' }, { description: 'hello' }],
    ['one arm', { arms: [{ name: 'a', sysctls: { 'net.ipv4.vs.conntrack': 1 } }] }, { arms: [{ name: 'a', sysctls: { 'net.ipv4.vs.conntrack': 1 } }] }],
    ['trials', { trials: 50 }, { trials: 50 }],
  ])('%s', (_, fields, expected) => {
    expect(scenarioOf({ name: 'x', ...fields })).toEqual({ ...DEFAULTS, ...expected });
  });

  it('does not share default objects between scenarios', () => {
    const a = scenarioOf({ name: 'a' });
    a.arms[0]!.sysctls[LIBERAL] = 7;
    expect(scenarioOf({ name: 'b' }).arms[0]!.sysctls[LIBERAL]).toBe(0);
  });

  it('toScenarioFile writes back what validates to the same scenario', () => {
    const s = scenarioOf({ name: 'x', load: { duration: '1m0.5s' }, fault: { kind: 'none' }, trials: 3 });
    expect(toScenarioFile(s)).toMatchObject({ load: { duration: '1m0.5s' } });
    expect(scenarioOf(toScenarioFile(s))).toEqual(s);
  });
});

describe('validateScenario: problems', () => {
  const x = (fields: Record<string, unknown>) => ({ name: 'x', ...fields });
  it.each<[string, unknown, Array<[string, string]>]>([
    ['name missing', {}, [['name', 'required']]],
    ['name with capitals and a space', { name: 'Bad Name' }, [['name', `must be 1-40 lowercase letters, digits or '-', not starting with '-' (got "Bad Name")`]]],
    ['name starting with -', { name: '-x' }, [['name', `must be 1-40 lowercase letters, digits or '-', not starting with '-' (got "-x")`]]],
    ['name of 41 characters', { name: 'a'.repeat(41) }, [['name', `must be 1-40 lowercase letters, digits or '-', not starting with '-' (got "${'a'.repeat(41)}")`]]],
    ['name a number', { name: 123 }, [['name', 'expected a string, got 123 (quote it to make it text: "123")']]],
    ['description not a string', x({ description: ['a'] }), [['description', 'expected a string, got a list']]],
    ['unknown top-level key', x({ colour: 'blue' }), [['colour', 'unknown key']]],
    ['unknown key with a space', x({ 'two words': 1 }), [['["two words"]', 'unknown key']]],
    ['topology unknown key', x({ topology: { colour: 'blue' } }), [['topology.colour', 'unknown key']]],
    ['topology not a mapping', x({ topology: 'ipvs' }), [['topology', 'expected a mapping, got "ipvs"']]],
    ['topology null', x({ topology: null }), [['topology', 'expected a mapping, got null (an empty value)']]],
    ['proxyMode unknown', x({ topology: { proxyMode: 'userspace' } }), [['topology.proxyMode', 'must be one of auto, ipvs, iptables, nftables (got "userspace")']]],
    ['client unknown', x({ topology: { client: 'host' } }), [['topology.client', 'must be one of pod, node, external (got "host")']]],
    ['service unknown', x({ topology: { service: 'LoadBalancer' } }), [['topology.service', 'must be one of clusterIP, nodePort (got "LoadBalancer")']]],
    ['nodePort below the range', x({ topology: { service: 'nodePort', nodePort: 80 } }), [['topology.nodePort', 'must be >= 30000 (got 80)']]],
    ['nodePort without service nodePort', x({ topology: { nodePort: 30080 } }), [['topology.nodePort', 'nodePort is only used with service: nodePort']]],
    ['hairpin from the node', x({ topology: { hairpin: true, client: 'node' } }), [['topology.hairpin', "hairpin needs client: pod (the backend is the client's own pod), got client: node"]]],
    ['hairpin not boolean', x({ topology: { hairpin: 'yes' } }), [['topology.hairpin', 'expected true or false, got "yes"']]],
    ['masquerade not boolean', x({ topology: { masquerade: 'yes' } }), [['topology.masquerade', 'expected true or false, got "yes"']]],
    ['servicePort 0', x({ topology: { servicePort: 0 } }), [['topology.servicePort', 'must be >= 1 (got 0)']]],
    ['serverPort 70000', x({ topology: { serverPort: 70000 } }), [['topology.serverPort', 'must be <= 65535 (got 70000)']]],
    ['servicePort fractional', x({ topology: { servicePort: 80.5 } }), [['topology.servicePort', 'expected an integer, got 80.5']]],
    ['servicePort quoted', x({ topology: { servicePort: '80' } }), [['topology.servicePort', 'expected a number, got "80" (a string; write the number without quotes)']]],
    ['connections 5000', x({ load: { connections: 5000 } }), [['load.connections', 'must be <= 2000 (got 5000)']]],
    ['connections 0', x({ load: { connections: 0 } }), [['load.connections', 'must be >= 1 (got 0)']]],
    ['connections 1e20 (one problem)', x({ load: { connections: 1e20 } }), [['load.connections', 'must be <= 2000 (got 100000000000000000000)']]],
    ['connections Infinity', x({ load: { connections: Infinity } }), [['load.connections', 'expected a number, got Infinity']]],
    ['connections NaN', x({ load: { connections: NaN } }), [['load.connections', 'expected a number, got NaN']]],
    ['duration 700s', x({ load: { duration: '700s' } }), [['load.duration', 'must be between 1s and 600s (got 700s)']]],
    ['duration 500ms', x({ load: { duration: '500ms' } }), [['load.duration', 'must be between 1s and 600s (got 500ms)']]],
    ['duration 0', x({ load: { duration: 0 } }), [['load.duration', 'must be between 1s and 600s (got 0ms)']]],
    ['duration unknown unit', x({ load: { duration: '5x' } }), [['load.duration', 'invalid duration "5x": unknown unit "x"; expected ms, s, m or h']]],
    ['duration negative', x({ load: { duration: -1 } }), [['load.duration', 'invalid duration -1: must not be negative']]],
    ['duration empty', x({ load: { duration: '' } }), [['load.duration', 'invalid duration "": is empty; e.g. "10s", "500ms", "1.5s", "2m30s", or a number of seconds']]],
    ['duration boolean', x({ load: { duration: true } }), [['load.duration', 'expected a duration such as "10s", "500ms" or "2m30s", got true']]],
    ['duration null', x({ load: { duration: null } }), [['load.duration', 'expected a duration such as "10s", "500ms" or "2m30s", got null (an empty value)']]],
    ['responseBytes too big', x({ load: { responseBytes: 16_777_217 } }), [['load.responseBytes', 'must be <= 16777216 (got 16777217)']]],
    ['pipelining 65', x({ load: { pipelining: 65 } }), [['load.pipelining', 'must be <= 64 (got 65)']]],
    ['load durationMs is not a file key', x({ load: { durationMs: 5000 } }), [['load.durationMs', 'unknown key']]],
    ['fault unknown kind', x({ fault: { kind: 'foo' } }), [['fault.kind', `unknown fault "foo"; ${KINDS}`]]],
    ['fault kind missing', x({ fault: { ratePerSecond: 5 } }), [['fault.kind', `required; ${KINDS}`]]],
    ['fault kind a number', x({ fault: { kind: 5 } }), [['fault.kind', `${KINDS}, got 5`]]],
    ['fault a string', x({ fault: 'inject' }), [['fault', 'expected a mapping, got "inject"']]],
    ['fault key of another kind', x({ fault: { kind: 'none', offset: 'above-window' } }), [['fault.offset', 'unknown key']]],
    ['inject offset', x({ fault: { kind: 'inject', offset: 'sideways' } }), [['fault.offset', 'must be one of above-window, below-window (got "sideways")']]],
    ['inject rate 0', x({ fault: { kind: 'inject', ratePerSecond: 0 } }), [['fault.ratePerSecond', 'must be > 0 (got 0)']]],
    ['inject rate 20000', x({ fault: { kind: 'inject', ratePerSecond: 20000 } }), [['fault.ratePerSecond', 'must be <= 10000 (got 20000)']]],
    ['duplicates fraction 0.6', x({ fault: { kind: 'delayed-duplicates', fraction: 0.6 } }), [['fault.fraction', 'must be <= 0.5 (got 0.6)']]],
    ['duplicates delay 0', x({ fault: { kind: 'delayed-duplicates', delayMs: 0 } }), [['fault.delayMs', 'must be >= 1 (got 0)']]],
    ['flush interval 50', x({ fault: { kind: 'conntrack-flush', intervalMs: 50 } }), [['fault.intervalMs', 'must be >= 100 (got 50)']]],
    ['arms not a list', x({ arms: 'liberal' }), [['arms', 'expected a list, got "liberal"']]],
    ['arms empty', x({ arms: [] }), [['arms', 'must have at least 1 item (got 0)']]],
    ['17 arms', x({ arms: Array.from({ length: 17 }, (_, i) => ({ name: `a${i}`, sysctls: { [LIBERAL]: 0 } })) }), [['arms', 'must have at most 16 items (got 17)']]],
    ['arm without sysctls', x({ arms: [{ name: 'a' }] }), [['arms[0].sysctls', 'required: an arm sets sysctls, ipvsTimeouts, keepalive or dropInvalid']]],
    ['arm dropInvalid false', x({ arms: [{ name: 'a', dropInvalid: false }] }), [['arms[0].dropInvalid', 'set true to add an INVALID drop on node-a for this arm (omit it otherwise)']]],
    ['arm keepalive not a duration', x({ arms: [{ name: 'a', keepalive: { idle: 'soon' } }] }), [['arms[0].keepalive.idle', expect.stringMatching(/duration/)]]],
    ['arm ipvs timeout 0', x({ arms: [{ name: 'a', ipvsTimeouts: { tcp: 0 } }] }), [['arms[0].ipvsTimeouts.tcp', 'must be >= 1 (got 0)']]],
    ['idle gap without afterRequests', x({ load: { idle: { gap: '5s' } } }), [['load.idle.afterRequests', 'required']]],
    ['arm with empty sysctls', x({ arms: [{ name: 'a', sysctls: {} }] }), [['arms[0].sysctls', 'must set at least one sysctl']]],
    ['arm sysctls a list', x({ arms: [{ name: 'a', sysctls: [1] }] }), [['arms[0].sysctls', 'expected a mapping of sysctl: value, got a list']]],
    ['arm name empty', x({ arms: [{ name: '', sysctls: { [LIBERAL]: 0 } }] }), [['arms[0].name', 'must not be empty']]],
    ['arm name 41 chars', x({ arms: [{ name: 'n'.repeat(41), sysctls: { [LIBERAL]: 0 } }] }), [['arms[0].name', `must be at most 40 characters (got "${'n'.repeat(41)}")`]]],
    ['arm unknown key', x({ arms: [{ name: 'a', sysctls: { [LIBERAL]: 0 }, extra: 1 }] }), [['arms[0].extra', 'unknown key']]],
    [
      'arm names duplicated',
      x({ arms: [{ name: 'a', sysctls: { [LIBERAL]: 0 } }, { name: 'b', sysctls: { [LIBERAL]: 1 } }, { name: 'a', sysctls: { [LIBERAL]: 1 } }] }),
      [['arms[2].name', 'duplicate arm name "a" (same as arms[0].name)']],
    ],
    ['sysctl not allowed', x({ arms: [{ name: 'a', sysctls: { 'net.core.somaxconn': 1024 } }] }), [['arms[0].sysctls.net.core.somaxconn', ALLOWED]]],
    ['ipvs sysctl with capitals', x({ arms: [{ name: 'a', sysctls: { 'net.ipv4.vs.Conntrack': 1 } }] }), [['arms[0].sysctls.net.ipv4.vs.Conntrack', ALLOWED]]],
    ['liberal 2', x({ arms: [{ name: 'a', sysctls: { [LIBERAL]: 2 } }] }), [[`arms[0].sysctls.${LIBERAL}`, 'must be 0 or 1 (got 2)']]],
    ['liberal quoted', x({ arms: [{ name: 'a', sysctls: { [LIBERAL]: '1' } }] }), [[`arms[0].sysctls.${LIBERAL}`, 'expected an integer, got "1"']]],
    ['log_invalid 256', x({ arms: [{ name: 'a', sysctls: { 'net.netfilter.nf_conntrack_log_invalid': 256 } }] }), [['arms[0].sysctls.net.netfilter.nf_conntrack_log_invalid', 'must be between 0 and 255 (got 256)']]],
    ['ipvs 2^31', x({ arms: [{ name: 'a', sysctls: { 'net.ipv4.vs.conntrack': 2 ** 31 } }] }), [['arms[0].sysctls.net.ipv4.vs.conntrack', 'must be between 0 and 2147483647 (got 2147483648)']]],
    ['trials 0', x({ trials: 0 }), [['trials', 'must be >= 1 (got 0)']]],
    ['trials 51', x({ trials: 51 }), [['trials', 'must be <= 50 (got 51)']]],
    ['trials 1.5', x({ trials: 1.5 }), [['trials', 'expected an integer, got 1.5']]],
    ['dropInvalid yes', x({ topology: { dropInvalid: 'yes' } }), [['topology.dropInvalid', 'expected auto, true or false, got "yes"']]],
    ['kube-proxy v1.38', x({ topology: { kubeProxyVersion: 'v1.38' } }), [['topology.kubeProxyVersion', 'kube-proxy v1.38 is not modelled (modelled: v1.11 to v1.37)']]],
    ['kube-proxy latest', x({ topology: { kubeProxyVersion: 'latest' } }), [['topology.kubeProxyVersion', '"latest" is not a kube-proxy version; expected e.g. v1.37 or v1.20.2 (modelled: v1.11 to v1.37)']]],
    ['nftables on v1.28', x({ topology: { proxyMode: 'nftables', kubeProxyVersion: 'v1.28' } }), [['topology.proxyMode', 'kube-proxy v1.28 has no nftables mode (alpha in v1.29, beta v1.31, GA v1.33; pkg/proxy/nftables/proxier.go, KEP-3866)']]],
    ['beLiberalAtStart 2', x({ topology: { beLiberalAtStart: 2 } }), [['topology.beLiberalAtStart', 'expected 0 or 1 (nf_conntrack_tcp_be_liberal when kube-proxy started), got 2']]],
  ])('%s', (_, data, expected) => {
    expect(problemsOf(data)).toEqual(expected);
  });

  it('reports every problem at once', () => {
    expect(
      problemsOf({
        name: 'Bad',
        topology: { proxyMode: 'ipvs', colour: 'blue' },
        load: { connections: 5000, duration: '1h' },
        fault: { kind: 'foo' },
        arms: [{ name: 'a', sysctls: { 'net.core.rmem_max': 1 } }, { name: 'a', sysctls: { [LIBERAL]: 1 } }],
        trials: 0,
        extra: true,
      }),
    ).toEqual([
      ['name', `must be 1-40 lowercase letters, digits or '-', not starting with '-' (got "Bad")`],
      ['topology.colour', 'unknown key'],
      ['load.connections', 'must be <= 2000 (got 5000)'],
      ['load.duration', 'must be between 1s and 600s (got 3600s)'],
      ['fault.kind', `unknown fault "foo"; ${KINDS}`],
      ['arms[0].sysctls.net.core.rmem_max', ALLOWED],
      ['trials', 'must be >= 1 (got 0)'],
      ['extra', 'unknown key'],
      ['arms[1].name', 'duplicate arm name "a" (same as arms[0].name)'],
    ]);
  });

  it.each<[string, unknown]>([
    ['a list', [{ name: 'x' }]],
    ['a string', 'name: x'],
    ['null', null],
  ])('rejects %s at the top level', (_, data) => {
    expect(problemsOf(data)).toHaveLength(1);
  });
});

describe('fix arms and idle load shapes', () => {
  const file = {
    name: 'idle',
    load: { idle: { afterRequests: 50, gap: '6s' } },
    fault: { kind: 'ipvs-idle-expiry', tcpTimeoutSec: 3 },
    arms: [
      { name: 'base', sysctls: { 'net.netfilter.nf_conntrack_tcp_be_liberal': 0 } },
      { name: 'ka', keepalive: { idle: '1s' } },
      { name: 'timeout', ipvsTimeouts: { tcp: 30 } },
      { name: 'drop', dropInvalid: true },
    ],
  };
  it('validates to milliseconds and an empty sysctls map, and writes back the same file', () => {
    const r = validateScenario(file, 'f.yaml', 'f.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.scenario.load.idle).toEqual({ afterRequests: 50, gapMs: 6000 });
    expect(r.scenario.arms.map((a) => [a.sysctls, a.keepalive, a.ipvsTimeouts, a.dropInvalid])).toEqual([
      [{ 'net.netfilter.nf_conntrack_tcp_be_liberal': 0 }, undefined, undefined, undefined],
      [{}, { idleMs: 1000 }, undefined, undefined],
      [{}, undefined, { tcp: 30 }, undefined],
      [{}, undefined, undefined, true],
    ]);
    const again = validateScenario(toScenarioFile(r.scenario), 'f.yaml', 'f.yaml');
    expect(again.ok && again.scenario).toEqual(r.scenario);
  });
});
