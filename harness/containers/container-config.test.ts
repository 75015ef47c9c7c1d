import { describe, expect, it } from 'vitest';
import { agentContainerConfig, toolboxContainerConfig } from './container-config.js';
import { toolboxArgv } from './toolbox.js';

const node = { node: 'rl-0a1b2c-worker' };
const pod = { node: 'rl-0a1b2c-worker2', podNetns: '/proc/2291/ns/net' };

describe('agentContainerConfig', () => {
  it.each([
    ['node', node, undefined, ['NET_ADMIN', 'NET_RAW'], ['node', 'dist/harness/agents/load.js', '{}']],
    ['pod', pod, 'container:rl-0a1b2c-worker2', ['NET_ADMIN', 'NET_RAW', 'SYS_ADMIN', 'SYS_PTRACE'], ['nsenter', '--net=/proc/2291/ns/net', '--', 'node', 'dist/harness/agents/load.js', '{}']],
  ] as const)('in a %s', (_what, target, pidMode, caps, command) => {
    const c = agentContainerConfig({ prefix: 'rl-0a1b2c', name: 'rl-0a1b2c-load-1', image: 'resetlab-agent:local', agent: 'load', target, argv: ['node', 'dist/harness/agents/load.js', '{}'], lifetimeMs: 40_000 });
    expect(c).toMatchObject({
      name: 'rl-0a1b2c-load-1',
      labels: { 'resetlab.prefix': 'rl-0a1b2c', 'resetlab.role': 'load' },
      networkMode: `container:${target.node}`,
      capAdd: caps,
      env: { RESETLAB_AGENT_STDIN: 'none', RESETLAB_AGENT_LIFETIME_MS: '40000' },
      command,
    });
    expect(c.pidMode).toBe(pidMode);
  });
});

describe('toolbox', () => {
  it('idles with node, labelled as toolbox', () => {
    const c = toolboxContainerConfig({ prefix: 'rl-0a1b2c', name: 'rl-0a1b2c-toolbox-3', image: 'img', target: pod, lifetimeMs: 1000 });
    expect(c.labels['resetlab.role']).toBe('toolbox');
    expect(c.command[0]).toBe('node');
    expect(c.pidMode).toBe('container:rl-0a1b2c-worker2');
  });
  it.each([
    ['node, no input', node, undefined, ['nft', 'list', 'ruleset']],
    ['pod, no input', pod, undefined, ['nsenter', '--net=/proc/2291/ns/net', '--', 'nft', 'list', 'ruleset']],
    ['node, input from a file', node, '/tmp/in-1', ['sh', '-c', 'exec "$@" < "$0"', '/tmp/in-1', 'nft', 'list', 'ruleset']],
  ] as const)('argv: %s', (_what, target, file, argv) => {
    expect(toolboxArgv(target, ['nft', 'list', 'ruleset'], file)).toEqual(argv);
  });
});
