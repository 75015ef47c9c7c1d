/**
 * The container layer (harness/containers, testcontainers) against a real Docker engine:
 * the one that answers, or Debian's dockerd started for this file (test/helpers/docker-engine.ts)
 * and stopped afterwards. The agent image is built without a registry (host node + tools +
 * dist/, FROM scratch). A stand-in kind node is a container with its own network namespace
 * and a "pod" network namespace inside it (a process under `unshare -n`, its pid found like
 * crictl's); the kind driver's own KindNode starts agents and toolboxes in it, exactly as on
 * a cluster. What a real kind node adds (privileged, kubelet, CNI, kube-proxy) is not here.
 * Host iptables-save, nft list ruleset, sysctl -a, links, routes and modules must be
 * identical before and after, and nothing labelled with the run's prefix may remain.
 */
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testcontainersEngine } from '../../harness/containers/engine.js';
import { removeImage } from '../../harness/containers/image.js';
import { containerLabels } from '../../harness/containers/labels.js';
import { listLabelled } from '../../harness/containers/leftovers.js';
import { containerRuntime } from '../../harness/containers/runtime.js';
import { startAgent } from '../../harness/exec/agent-process.js';
import { ExecaRunner } from '../../harness/exec/runner.js';
import { KindContainer, KindNode, stopToolboxes, type AgentContainers, type KindTarget } from '../../harness/lab/kind/node.js';
import { claimPrefix } from '../../harness/lab/owner.js';
import { newPrefix } from '../../harness/lab/prefix.js';
import { REPO_ROOT } from '../../harness/repo-root.js';
import { useDockerEngine } from '../helpers/docker-engine.js';
import { diffHost, snapshotHost, type HostState } from '../helpers/host-state.js';

const IS_ROOT = process.getuid?.() === 0;
const hostBefore: HostState | null = IS_ROOT ? await snapshotHost() : null;
const engine = IS_ROOT ? await useDockerEngine() : { skip: 'needs root (to start dockerd and read the host state)' };
const skip = engine.skip;
const prefix = newPrefix();
const image = `resetlab-agent-test:${prefix}`;
const timings: Record<string, number> = {};
const docker = (args: string[]) => execa('docker', args, { reject: false, env: { DOCKER_HOST: process.env.DOCKER_HOST } });
/** Names of every container labelled with `p`, via the docker CLI (independent of testcontainers). */
const labelled = async (p: string) => {
  const r = await docker(['ps', '-a', '--filter', `label=resetlab.prefix=${p}`, '--format', '{{.Names}}']);
  if (r.exitCode !== 0) throw new Error(`docker ps failed: ${r.stderr || r.message}`);
  return r.stdout.split('\n').filter((l) => l !== '');
};

describe.skipIf(skip !== null)(`containers on a real Docker engine${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let node: StartedTestContainer;
  let podPid: number;
  const runner = new ExecaRunner();

  // This file is a live run: it owns its prefix, so `resetlab cleanup` must leave its containers alone.
  const runDir = mkdtempSync(join(tmpdir(), 'rl-test-'));
  let release: (() => Promise<void>) | null = null;

  beforeAll(async () => {
    process.env.RESETLAB_RUN_DIR = runDir;
    release = claimPrefix(prefix);
    if (engine.skip === null) timings.engineStartMs = engine.startMs;
    let t = performance.now();
    await testcontainersEngine.buildImage(image, 'local');
    timings.imageBuildMs = performance.now() - t;
    t = performance.now();
    // The stand-in kind node: its own network namespace (`none`), and a pod namespace inside it.
    const pod = 'unshare -n sh -c \'ip link set lo up && echo $$ > /tmp/pod.pid && exec node -e "setInterval(()=>{},1<<30)"\'';
    node = await new GenericContainer(image)
      .withName(`${prefix}-node`)
      .withLabels(containerLabels(prefix, 'stand-in-node'))
      .withNetworkMode('none')
      .withAddedCapabilities('NET_ADMIN', 'SYS_ADMIN')
      .withCommand(['sh', '-c', `${pod} & while [ ! -s /tmp/pod.pid ]; do :; done; echo node-ready; wait`])
      .withWaitStrategy(Wait.forLogMessage('node-ready'))
      .start();
    podPid = Number((await node.exec(['cat', '/tmp/pod.pid'])).stdout.trim());
    timings.nodeStartMs = performance.now() - t;
  }, 300_000);

  afterAll(async () => {
    // Every step runs whatever failed before it: the engine is always stopped.
    const problems: string[] = [];
    const step = async (what: string, f: () => Promise<unknown>) => f().catch((e: unknown) => void problems.push(`${what}: ${(e as Error).message}`));
    await step('stop the stand-in node', async () => node?.stop());
    await step('release the prefix', async () => release?.());
    delete process.env.RESETLAB_RUN_DIR;
    rmSync(runDir, { recursive: true, force: true });
    let remaining: string[] = [];
    await step('list containers', async () => (remaining = await labelled(prefix)));
    await step('remove the image', () => removeImage(image));
    const stopped = engine.skip === null ? await engine.stop() : { stopMs: 0, leftovers: [] };
    timings.engineStopMs = stopped.stopMs;
    console.log(`containers.test timings (ms): ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])))}`);
    expect(problems).toEqual([]);
    expect(remaining).toEqual([]);
    expect(stopped.leftovers).toEqual([]);
    expect(diffHost(hostBefore!, await snapshotHost())).toEqual({});
  }, 120_000);

  const containersOf = (missing: string[] = []): AgentContainers => ({
    prefix,
    image,
    missingTools: new Set(missing),
    sequence: { next: 0 },
    engine: testcontainersEngine,
    toolboxes: new Map(),
  });
  const podTarget = (): KindTarget => ({ container: node.getId(), pod: { name: `${prefix}-pod`, netnsPath: `/proc/${podPid}/ns/net` } });

  it('Ryuk: decided once per process; off here exactly when its image cannot be had', async () => {
    const { ryuk } = await containerRuntime();
    console.log(`Ryuk: ${ryuk.enabled ? 'on' : 'off'} (${ryuk.reason})`);
    expect(process.env.TESTCONTAINERS_RYUK_DISABLED === 'true').toBe(!ryuk.enabled);
  });

  it('agents join the node and a pod inside it, report ready, return their result, are stopped, and nothing remains', { timeout: 180_000 }, async () => {
    const t = performance.now();
    const c = containersOf();
    const server = new KindNode('server', podTarget(), runner, c);
    const onNode = new KindNode('node-a', { container: node.getId() }, runner, c);
    const srv = startAgent(server, 'server', { port: 8080, responseBytes: 1024 }, 120_000);
    const ready = await srv.ready;
    expect(ready.event).toBe('ready');
    // Each agent container carries the run's label and testcontainers' session label (what Ryuk reaps).
    const running = await listLabelled(prefix);
    expect(running.map((r) => r.name).sort()).toEqual([`${prefix}-node`, `${prefix}-server-1`]);
    const info = await (await containerRuntime()).client.container.inspect((await containerRuntime()).client.container.getById(running.find((r) => r.name.endsWith('server-1'))!.id));
    expect(info.Config.Labels['org.testcontainers.session-id']).toMatch(/\w/);
    expect(info.HostConfig.NetworkMode).toBe(`container:${node.getId()}`);

    // The injector (dry run: it forges, sends nothing) watches the pod's traffic. Between two
    // segments its socket pauses; a container agent has no stdin, and on a real kind cluster it
    // then ended by itself, silently, after its first segment. It must last until stopped.
    const inj = startAgent(server, 'inject', { serverPort: 8080, offset: 10_000_000, ratePerSecond: 5, maxSegments: 100, payloadBytes: 100, marker: 'resetlab-test', dryRun: true }, 60_000);
    await inj.ready;

    // In the pod namespace the server answers on 127.0.0.1; in the node's own namespace nothing listens.
    const inPod = await startAgent(server, 'load', { url: 'http://127.0.0.1:8080/', connections: 2, durationSec: 2, pipelining: 1 }, 30_000).finished;
    expect(inPod.killedAtDeadline).toBe(false);
    expect(Number(inPod.result?.requests)).toBeGreaterThan(100);
    const injOut = await inj.stop(5000);
    expect(injOut.result?.event, injOut.stderr).toBe('result');
    expect(injOut.result?.sent).toBe(0);
    // 5 per second over the 2 s of load: more than the one segment it forged before it ended.
    expect(Number(injOut.result?.wouldHaveSent)).toBeGreaterThanOrEqual(5);
    const onNodeOut = await startAgent(onNode, 'load', { url: 'http://127.0.0.1:8080/', connections: 1, durationSec: 1, pipelining: 1 }, 30_000).finished;
    expect(Number(onNodeOut.result?.requests ?? 0)).toBe(0);
    expect(JSON.stringify(onNodeOut.result?.connectionErrors ?? onNodeOut.result?.errors)).toMatch(/ECONNREFUSED/);

    const out = await srv.stop(5000);
    expect(out.killedAtDeadline).toBe(false);
    expect(out.result?.event).toBe('result');
    expect(await labelled(prefix)).toEqual([`${prefix}-node`]);
    timings.agentsMs = performance.now() - t;
  });

  it('a toolbox runs the tools a node image lacks in the pod namespace, with stdin, and is stopped', { timeout: 120_000 }, async () => {
    const t = performance.now();
    const c = containersOf(['ip', 'cat']);
    const pod = new KindContainer(podTarget(), runner, c);
    const links = await pod.exec(['ip', '-o', 'link']);
    expect(links.stdout.trim().split('\n').map((l) => l.split(':')[1]!.trim())).toEqual(['lo']);
    expect((await pod.exec(['cat'], { input: 'hello from stdin\n' })).stdout).toBe('hello from stdin\n');
    await expect(pod.exec(['ip', 'link', 'show', 'nope0'])).rejects.toThrow(/failed to run `ip link show nope0 \(in toolbox .*toolbox-1\)` \(exit 1\)/);
    expect(await stopToolboxes(c)).toEqual([]);
    expect(await labelled(prefix)).toEqual([`${prefix}-node`]);
    timings.toolboxMs = performance.now() - t;
  });

  it('an agent that fails to start is reported with its output, and its container is gone', { timeout: 120_000 }, async () => {
    const c = containersOf();
    const server = new KindNode('server', podTarget(), runner, c);
    // No responseBytes: the agent crashes before its ready line.
    const bad = startAgent(server, 'server', { port: 8080 }, 30_000);
    await expect(bad.ready).rejects.toThrow(/failed to start the server agent in container .*(?:\n.*)*(?:TypeError|ERR_INVALID_ARG_TYPE)/);
    await bad.stop(1000);
    expect(await labelled(prefix)).toEqual([`${prefix}-node`]);
  });

  it('a SIGKILLed run leaves its agent container; `resetlab cleanup` removes it by label', { timeout: 180_000 }, async () => {
    const t = performance.now();
    const killed = newPrefix();
    const env = { RESETLAB_RUN_DIR: runDir };
    {
      const child = execa('node', [join(REPO_ROOT, 'test/fixtures/containers/killed-run.mjs'), killed, image, node.getId()], { env, reject: false });
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        void child.then((r) => reject(new Error(`the run exited before it was ready: ${r.stderr}`)));
      });
      child.kill('SIGKILL');
      await child;
      expect(await labelled(killed)).toEqual([`${killed}-server-1`]);
      const r = await execa('node', [join(REPO_ROOT, 'bin/resetlab.js'), 'cleanup'], { env, reject: false });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).toContain(`removed containers of runs that did not finish: ${killed} (${killed}-server-1)`);
      expect(r.stderr).toContain(`left alone (a live run owns their containers): ${prefix} (pid ${process.pid})`);
      expect(await labelled(killed)).toEqual([]);
      expect(await labelled(prefix)).toEqual([`${prefix}-node`]);
    }
    timings.killedRunMs = performance.now() - t;
  });
});
