import { describe, expect, it } from 'vitest';
import { FakeContainerEngine } from '../../containers/fake-engine.js';
import { startAgent } from '../../exec/agent-process.js';
import { FakeRunner } from '../../exec/fake-runner.js';
import { agentModule } from '../../repo-root.js';
import { agentInImage, KindContainer, KindNode, stopToolboxes, type AgentContainers } from './node.js';

const containers = (missing: string[] = [], engine = new FakeContainerEngine()): AgentContainers => ({
  prefix: 'rl-0a1b2c',
  image: 'resetlab-agent:local',
  missingTools: new Set(missing),
  sequence: { next: 0 },
  engine,
  toolboxes: new Map(),
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

  it('a tool the node image lacks runs in a toolbox from our image, one per target, stopped with the lab', async () => {
    const engine = new FakeContainerEngine();
    engine.toolboxAnswers.push({ match: /^nft list ruleset$/, result: { stdout: 'table ip x {\n}\n' } });
    const c = containers(['nft'], engine);
    const runner = new FakeRunner();
    const cp = new KindContainer({ container: 'rl-0a1b2c-control-plane' }, runner, c);
    expect((await cp.exec(['nft', 'list', 'ruleset'])).stdout).toBe('table ip x {\n}\n');
    await cp.exec(['nft', '-f', '-'], { input: 'flush ruleset\n' });
    await cp.exec(['cat', '/proc/net/snmp']);
    expect(runner.lines).toEqual(['docker exec rl-0a1b2c-control-plane cat /proc/net/snmp']);
    expect(engine.lines).toEqual([
      'toolbox rl-0a1b2c-toolbox-1 container:rl-0a1b2c-control-plane',
      'exec rl-0a1b2c-toolbox-1 nft list ruleset',
      'exec rl-0a1b2c-toolbox-1 nft -f -',
    ]);
    expect(engine.inputs).toEqual([{ line: 'nft -f -', input: 'flush ruleset\n' }]);
    expect(engine.configs[0]).toMatchObject({ labels: { 'resetlab.prefix': 'rl-0a1b2c', 'resetlab.role': 'toolbox' }, image: 'resetlab-agent:local' });
    expect(await stopToolboxes(c)).toEqual([]);
    expect(engine.lines.at(-1)).toBe('stop rl-0a1b2c-toolbox-1');
    expect(c.toolboxes.size).toBe(0);
  });
});

describe('KindNode.spawnAgent (agents in containers)', () => {
  it('maps the host agent argv to the image and runs it in the pod namespace (shared PID namespace + nsenter)', async () => {
    const engine = new FakeContainerEngine();
    const node = new KindNode('server', POD, new FakeRunner(), containers([], engine));
    const agent = startAgent(node, 'inject', { serverPort: 8080 }, 30_000);
    await agent.ready;
    expect(engine.configs[0]).toEqual({
      name: 'rl-0a1b2c-inject-1',
      image: 'resetlab-agent:local',
      labels: { 'resetlab.prefix': 'rl-0a1b2c', 'resetlab.role': 'inject' },
      networkMode: 'container:rl-0a1b2c-worker2',
      pidMode: 'container:rl-0a1b2c-worker2',
      capAdd: ['NET_ADMIN', 'NET_RAW', 'SYS_ADMIN', 'SYS_PTRACE'],
      securityOpt: ['apparmor=unconfined'],
      env: { RESETLAB_AGENT_STDIN: 'none', RESETLAB_AGENT_LIFETIME_MS: '60000' },
      command: ['nsenter', '--net=/proc/2291/ns/net', '--', 'node', 'dist/harness/agents/inject.js', '{"serverPort":8080}', `--rl-node=${node.id}`],
    });
    expect((await agent.stop()).result).toEqual({ event: 'result' });
    expect(engine.lines.at(-1)).toBe('stop rl-0a1b2c-inject-1');
    node.spawnAgent('server', [process.execPath, agentModule('server'), '{}'], 1000);
    expect(engine.configs[1]!.name).toBe('rl-0a1b2c-server-2');
  });

  it('on a node (client: node): only the node network namespace', () => {
    const engine = new FakeContainerEngine();
    const node = new KindNode('node-a', { container: 'rl-0a1b2c-worker' }, new FakeRunner(), containers([], engine));
    node.spawnAgent('load', ['/usr/local/bin/node', '/home/u/resetlab/dist/harness/agents/load.js', '{"url":"http://10.96.112.40:80/"}'], 1000);
    expect(engine.configs[0]!.command).toEqual(['node', 'dist/harness/agents/load.js', '{"url":"http://10.96.112.40:80/"}']);
    expect(engine.configs[0]!.pidMode).toBeUndefined();
    expect(engine.configs[0]!.capAdd).toEqual(['NET_ADMIN', 'NET_RAW']);
  });

  it('wrap is refused: long-running processes start in containers', () => {
    const node = new KindNode('node-a', { container: 'rl-0a1b2c-worker' }, new FakeRunner(), containers());
    expect(() => node.wrap(['sleep', '5'])).toThrow(/kind nodes start long-running processes in containers/);
  });

  it('agentInImage keeps any other argv as it is', () => {
    expect(agentInImage(['sleep', '5'])).toEqual({ name: 'sleep', argv: ['sleep', '5'] });
    expect(agentInImage(['/usr/bin/node', '/x/other.js'])).toEqual({ name: 'node', argv: ['/usr/bin/node', '/x/other.js'] });
  });
});
