import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../exec/fake-runner.js';
import { agentModule } from '../../repo-root.js';
import { agentInImage, KindContainer, KindNode, type AgentContainers } from './node.js';

const containers = (missing: string[] = []): AgentContainers => ({
  prefix: 'rl-0a1b2c',
  image: 'resetlab-agent:local',
  missingTools: new Set(missing),
  sequence: { next: 0 },
});
const POD = { container: 'rl-0a1b2c-worker2', pod: { name: 'rl-0a1b2c-server-7d9c6b5f4-x2x9q', netnsPath: '/proc/2291/ns/net' } };

describe('KindNode.exec', () => {
  it('node: docker exec in the node container; -i only with stdin', async () => {
    const runner = new FakeRunner();
    const node = new KindNode('node-a', { container: 'rl-0a1b2c-worker' }, runner, containers());
    await node.exec(['cat', '/proc/net/stat/nf_conntrack']);
    await node.exec(['iptables-restore', '-w', '--noflush'], { input: '*filter\nCOMMIT\n' });
    expect(runner.lines).toEqual([
      'docker exec rl-0a1b2c-worker cat /proc/net/stat/nf_conntrack',
      'docker exec -i rl-0a1b2c-worker iptables-restore -w --noflush',
    ]);
    expect(runner.calls[1]!.input).toBe('*filter\nCOMMIT\n');
    expect(node.id).toBe('rl-0a1b2c-worker');
  });

  it('pod: nsenter into the pod network namespace inside the node', async () => {
    const runner = new FakeRunner();
    const node = new KindNode('server', POD, runner, containers());
    await node.exec(['cat', '/proc/net/snmp']);
    expect(runner.lines).toEqual(['docker exec rl-0a1b2c-worker2 nsenter --net=/proc/2291/ns/net -- cat /proc/net/snmp']);
    expect(node.id).toBe('rl-0a1b2c-worker2/rl-0a1b2c-server-7d9c6b5f4-x2x9q');
  });

  it('a tool the node image lacks runs from our image in the same namespaces', () => {
    const cp = new KindContainer({ container: 'rl-0a1b2c-control-plane' }, new FakeRunner(), containers(['nft']));
    expect(cp.execArgv(['nft', 'list', 'ruleset'])).toEqual([
      'docker', 'run', '--rm', '-i', '--name', 'rl-0a1b2c-nft-1', '--label', 'resetlab.prefix=rl-0a1b2c',
      '--network', 'container:rl-0a1b2c-control-plane', '--cap-add', 'NET_ADMIN', '--cap-add', 'NET_RAW',
      'resetlab-agent:local', 'nft', 'list', 'ruleset',
    ]);
    expect(cp.execArgv(['cat', '/proc/net/snmp'])).toEqual(['docker', 'exec', 'rl-0a1b2c-control-plane', 'cat', '/proc/net/snmp']);
  });
});

describe('KindNode.wrap (agents)', () => {
  it('maps the host agent argv to the image and runs it in the pod namespace (shared PID namespace + nsenter)', () => {
    const c = containers();
    const node = new KindNode('server', POD, new FakeRunner(), c);
    const argv = node.wrap([process.execPath, agentModule('inject'), '{"serverPort":8080}']);
    expect(argv).toEqual([
      'docker', 'run', '--rm', '-i', '--name', 'rl-0a1b2c-inject-1', '--label', 'resetlab.prefix=rl-0a1b2c',
      '--network', 'container:rl-0a1b2c-worker2', '--cap-add', 'NET_ADMIN', '--cap-add', 'NET_RAW',
      '--pid', 'container:rl-0a1b2c-worker2', '--cap-add', 'SYS_ADMIN', '--cap-add', 'SYS_PTRACE', '--security-opt', 'apparmor=unconfined',
      'resetlab-agent:local', 'nsenter', '--net=/proc/2291/ns/net', '--', 'node', 'dist/harness/agents/inject.js', '{"serverPort":8080}',
    ]);
    expect(node.wrap([process.execPath, agentModule('server'), '{}'])[5]).toBe('rl-0a1b2c-server-2');
  });

  it('on a node (client: node): only the node network namespace', () => {
    const node = new KindNode('node-a', { container: 'rl-0a1b2c-worker' }, new FakeRunner(), containers());
    const argv = node.wrap(['/usr/local/bin/node', '/home/u/resetlab/dist/harness/agents/load.js', '{"url":"http://10.96.112.40:80/"}']);
    expect(argv.slice(-4)).toEqual(['resetlab-agent:local', 'node', 'dist/harness/agents/load.js', '{"url":"http://10.96.112.40:80/"}']);
    expect(argv).not.toContain('--pid');
  });

  it('agentInImage keeps any other argv as it is', () => {
    expect(agentInImage(['sleep', '5'])).toEqual({ name: 'sleep', argv: ['sleep', '5'] });
    expect(agentInImage(['/usr/bin/node', '/x/other.js'])).toEqual({ name: 'node', argv: ['/usr/bin/node', '/x/other.js'] });
  });
});
