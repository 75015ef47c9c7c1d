import { describe, expect, it } from 'vitest';
import type { ClusterNode } from './facts.js';
import { permissionRefusal } from './discover.js';
import { chooseNodes, runPermissions, tolerationsFor } from './preflight.js';

const node = (name: string, extra: Partial<ClusterNode> = {}): ClusterNode => ({
  name, ready: true, unschedulable: false, taints: [], internalIP: '172.18.0.2', kernelVersion: '6.1.0-57-amd64', kubeletVersion: 'v1.20.2', osImage: 'Debian', containerRuntime: 'containerd://1.6', os: 'linux', ...extra,
});
const cp = node('kind-control-plane', { taints: [{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }] });

describe('chooseNodes', () => {
  it('prefers nodes without blocking taints, then names; node B tolerates exactly its own taints', () => {
    const c = chooseNodes([cp, node('kind-worker')], null);
    if ('problems' in c) throw new Error(c.problems.join());
    expect([c.a.name, c.b.name]).toEqual(['kind-worker', 'kind-control-plane']);
    expect(c.tolerations).toEqual({ a: [], b: [{ key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' }] });
    expect(c.how).toMatch(/node B carries taints node-role.kubernetes.io\/master/);
    const three = chooseNodes([cp, node('w2'), node('w1')], null);
    expect('a' in three && [three.a.name, three.b.name]).toEqual(['w1', 'w2']);
  });

  it('needs two Ready, schedulable Linux nodes; given names must be such nodes', () => {
    expect(chooseNodes([node('w1'), node('w2', { ready: false }), node('w3', { unschedulable: true }), node('win', { os: 'windows' })], null)).toEqual({
      problems: ['the cluster needs at least 2 Ready, schedulable Linux nodes (the failure is cross-node); it has 4 node(s), 3 Ready'],
    });
    expect(chooseNodes([node('w1'), node('w2', { ready: false })], ['w1', 'w2'])).toEqual({ problems: ['node "w2" is not usable: not Ready'] });
    expect(chooseNodes([node('w1')], ['w1', 'nope'])).toEqual({ problems: ['node "nope" is not in the cluster (it has w1)'] });
    const given = chooseNodes([node('w1'), node('w2')], ['w2', 'w1']);
    expect('a' in given && [given.a.name, given.b.name, given.how]).toEqual(['w2', 'w1', 'given with --nodes']);
  });

  it('PreferNoSchedule taints need no toleration', () => {
    expect(tolerationsFor(node('w', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }, { key: 'hard', effect: 'NoExecute' }] }))).toEqual([{ key: 'hard', operator: 'Exists', effect: 'NoExecute' }]);
  });
});

describe('permissions', () => {
  it('asks namespaced permissions in the run namespace, exec as create on pods/exec', () => {
    const perms = runPermissions('rl-1a2b3c');
    expect(perms.find((p) => p.subresource === 'exec')).toMatchObject({ verb: 'create', resource: 'pods', namespace: 'rl-1a2b3c' });
    expect(perms.filter((p) => !p.namespace).map((p) => p.resource)).toEqual(['nodes', 'namespaces', 'namespaces', 'namespaces', 'namespaces']);
  });
  it('refuses naming every denied required permission; optional ones alone do not refuse', () => {
    const perms = runPermissions('rl-1a2b3c');
    const exec = perms.find((p) => p.subresource === 'exec')!;
    const cm = perms.find((p) => p.resource === 'configmaps')!;
    expect(permissionRefusal('kind-x', [cm])).toBeNull();
    expect(permissionRefusal('kind-x', [exec, cm])).toBe(
      'context "kind-x" may not do what a run needs: create pods/exec in rl-1a2b3c (to run the agents in the pods (kubectl exec; needed since v1.35)); the README\'s "Your own cluster" section has a ClusterRole that grants it',
    );
  });
});
