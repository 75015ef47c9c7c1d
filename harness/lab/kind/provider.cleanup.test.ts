import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CommandError, UnsupportedError } from '../../errors.js';
import type { FakeRunner } from '../../exec/fake-runner.js';
import type { LabTopology } from '../topology.js';
import { fakeEngine, fakeKind } from '../../../test/helpers/fake-kind.js';
import { provisionKindLab, type KindLabOptions } from './provider.js';
import { useTempRunDir } from '../../../test/helpers/temp-run-dir.js';

const P = 'rl-0a1b2c';
const TOPO: LabTopology = { proxyMode: 'auto', client: 'pod', masquerade: false, dropInvalid: false, servicePort: 80, serverPort: 8080 };
const FAST = { endpointsMs: 0, pollMs: 0 };

const runDirOf = useTempRunDir();

const provision = (runner: FakeRunner, o: Partial<KindLabOptions> = {}, topology: Partial<LabTopology> = {}) =>
  provisionKindLab({ prefix: P, topology: { ...TOPO, ...topology }, runner, wait: FAST, engine: fakeEngine(runner), ...o });

/** The lines run after the first `n`. */
const after = (runner: FakeRunner, n: number) => runner.lines.slice(n);
const ownerFile = () => join(runDirOf(), `${P}.pid`);

describe('KindLab.destroy', () => {
  it('a created cluster: stops the toolboxes, sweeps the containers by label, then deletes the cluster and the owner file', async () => {
    const runner = fakeKind();
    const lab = await provision(runner);
    expect(existsSync(ownerFile())).toBe(true);
    const n = runner.lines.length;
    expect(await lab.destroy()).toEqual([]);
    expect(after(runner, n)).toEqual([
      `engine: stop ${P}-toolbox-1`,
      `engine: stop ${P}-toolbox-2`,
      `engine: remove ${P}`,
      `kind delete cluster --name ${P}`,
    ]);
    expect(existsSync(ownerFile())).toBe(false);
  });

  it("a kept cluster: never deleted; the run's rules, containers and namespace go (containers first)", async () => {
    const runner = fakeKind({ cluster: 'resetlab', existing: ['resetlab'] });
    const lab = await provision(runner, { keepCluster: true }, { dropInvalid: true });
    const n = runner.lines.length;
    expect(await lab.destroy()).toEqual([]);
    expect(after(runner, n)).toEqual([
      `docker exec resetlab-worker iptables -w -D FORWARD -m conntrack --ctstate INVALID -m comment --comment ${P}-invalid-drop -j DROP`,
      `engine: exec ${P}-toolbox-2 nft delete table ip rl_0a1b2c_evidence`,
      `engine: stop ${P}-toolbox-1`,
      `engine: stop ${P}-toolbox-2`,
      `engine: remove ${P}`,
      `kubectl --context kind-resetlab delete namespace ${P} --ignore-not-found --wait=false`,
    ]);
    expect(existsSync(ownerFile())).toBe(false);
  });

  it('cleanup problems are returned, not thrown, and later undos still run', async () => {
    const runner = fakeKind();
    const engine = fakeEngine(runner);
    const lab = await provision(runner, { engine });
    engine.removeFails = '(HTTP code 409) cannot remove container: device or resource busy';
    const problems = await lab.destroy();
    expect(problems).toEqual([expect.stringMatching(/containers labelled resetlab.prefix=rl-0a1b2c.*device or resource busy/)]);
    expect(runner.lines.at(-1)).toBe(`kind delete cluster --name ${P}`);
  });
});

describe('provisionKindLab: failures', () => {
  it('a failure part-way deletes the cluster it created and rethrows the original error with the command line', async () => {
    const runner = fakeKind();
    runner.on(/rollout status deployment\/rl-0a1b2c-server/, { exitCode: 1, stderr: 'error: timed out waiting for the condition\n' });
    const error = await provision(runner).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as Error).message).toMatch(/rollout status deployment\/rl-0a1b2c-server --timeout=120s` \(exit 1\):\nerror: timed out waiting for the condition/);
    const i = runner.lines.findIndex((l) => l.includes('rollout status'));
    // What the pods say is read once, then everything is removed.
    expect(runner.lines[i + 1]).toMatch(new RegExp(`^kubectl --context kind-${P} -n ${P} get pods -l app=${P}-server -o `));
    expect(after(runner, i + 2)).toEqual([`engine: remove ${P}`, `kind delete cluster --name ${P}`]);
    expect(existsSync(ownerFile())).toBe(false);
  });

  it('with keepCluster a failure keeps the cluster but removes the run\'s namespace and containers', async () => {
    const runner = fakeKind({ cluster: 'resetlab', existing: ['resetlab'] });
    runner.on(/get endpointslices/, { stdout: '' });
    await expect(provision(runner, { keepCluster: true })).rejects.toThrow(
      /failed to wait for the endpoints of service rl-0a1b2c-svc: 10.244.2.3 is not ready after 0 ms \(ready: none\)/,
    );
    expect(runner.lines.some((l) => l.startsWith('kind delete'))).toBe(false);
    expect(runner.lines.slice(-2)).toEqual([
      `engine: remove ${P}`,
      `kubectl --context kind-resetlab delete namespace ${P} --ignore-not-found --wait=false`,
    ]);
  });

  it('a failed `kind create cluster` still deletes what kind may have left (registered before creating)', async () => {
    const runner = fakeKind();
    runner.on(/^kind create cluster/, { exitCode: 1, stderr: 'ERROR: failed to create cluster: failed to init node with kubeadm\n' });
    await expect(provision(runner)).rejects.toThrow(/failed to init node with kubeadm/);
    expect(runner.lines.slice(-1)).toEqual([`kind delete cluster --name ${P}`]);
  });

  it('a same-named cluster that we would delete is refused before anything is created', async () => {
    const runner = fakeKind({ existing: [P] });
    const error = await provision(runner).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toBe(
      `a kind cluster named "${P}" already exists and would be deleted at the end: pass --keep-cluster to reuse it, or choose another --cluster name`,
    );
    expect(runner.lines).toEqual(['kind version', 'kubectl version --client', "docker info --format '{{.ServerVersion}}'", 'kind get clusters']);
    expect(existsSync(ownerFile())).toBe(false);
  });

  it('no Docker engine: one sentence, exit 2, nothing run but the three probes', async () => {
    const runner = fakeKind();
    runner.on(/^docker info /, { exitCode: 1, stdout: '\n', stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n' });
    const error = await provision(runner).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as UnsupportedError).exitCode).toBe(2);
    expect((error as Error).message).toBe(
      'the kind driver cannot run on this machine: it needs a Docker engine (`docker info` failed: Cannot connect to the Docker daemon at unix:///var/run/docker.sock).',
    );
    expect(runner.lines).toHaveLength(3);
  });
});

describe('provisionKindLab: owner file', () => {
  it('an unwritable owner directory (not root) says what to do, and nothing is created', async () => {
    // A path below a regular file cannot become a directory (root ignores permission bits).
    const file = join(runDirOf(), 'a-file');
    writeFileSync(file, '');
    vi.stubEnv('RESETLAB_RUN_DIR', join(file, 'owners'));
    const runner = fakeKind();
    await expect(provision(runner)).rejects.toThrow(
      /^failed to record the run's owner file in .*a-file\/owners \((EACCES|EPERM|EROFS|ENOTDIR)\): run as root or set RESETLAB_RUN_DIR/,
    );
    expect(runner.lines).toHaveLength(4);
  });
});
