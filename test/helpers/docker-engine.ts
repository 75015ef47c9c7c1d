/**
 * A Docker engine for the container tests: the one that answers (DOCKER_HOST, or the default
 * socket), or else Debian's `dockerd` started here with everything of its own under one
 * temporary folder (data root, exec root, socket, pid file, log; its own containerd) and a
 * cgroup parent of its own, and with every host-touching feature off: `--iptables=false
 * --ip6tables=false --ip-forward=false --ip-masq=false --bridge=none --userland-proxy=false`,
 * an empty config file (never /etc/docker/daemon.json). `stop()` stops what was started
 * (SIGTERM, SIGKILL after 20 s, then any process still running from the folder, by pid),
 * unmounts what is left under the folder, removes the folder and the cgroup parent. A
 * watchdog (sh, detached) does the same if this process dies without `stop()`. When no
 * engine can be had, `skip` says why. The test process's env gets DOCKER_HOST (and
 * TESTCONTAINERS_HOST_OVERRIDE=localhost: testcontainers would otherwise look for the
 * `bridge` network, which `--bridge=none` does not have); `stop()` restores it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { basename, join } from 'node:path';

/** An engine for the tests, or why there is none. */
export type TestEngine =
  | { skip: string }
  | { skip: null; dockerHost: string; started: boolean; startMs: number; stop(): Promise<{ stopMs: number; leftovers: string[] }> };

/** GET /_ping on a unix socket: true when the engine answers OK. */
function ping(socketPath: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(res.statusCode === 200 && body.trim() === 'OK'));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pids of processes whose command line mentions `dir` (what the started engine runs from it). */
export function processesUsing(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids.filter((p) => p !== process.pid);
}

/** Mount points under `dir`, deepest first. */
function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m.startsWith(dir))
    .sort((a, b) => b.length - a.length);
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** See module doc. Call `stop()` in afterAll when `skip` is null. */
export async function useDockerEngine(): Promise<TestEngine> {
  const previous = { DOCKER_HOST: process.env.DOCKER_HOST, TESTCONTAINERS_HOST_OVERRIDE: process.env.TESTCONTAINERS_HOST_OVERRIDE };
  const restoreEnv = () => {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  const existing = process.env.DOCKER_HOST?.startsWith('unix://') ? process.env.DOCKER_HOST.slice('unix://'.length) : process.env.DOCKER_HOST ? null : '/var/run/docker.sock';
  if (existing && (await ping(existing))) {
    return { skip: null, dockerHost: `unix://${existing}`, started: false, startMs: 0, stop: async () => ({ stopMs: 0, leftovers: [] }) };
  }
  if (process.env.DOCKER_HOST && !existing) return { skip: `DOCKER_HOST=${process.env.DOCKER_HOST} is not a unix socket this test can check` };
  if (process.getuid?.() !== 0) return { skip: 'no Docker engine answers and starting dockerd needs root' };
  const which = spawnSync('sh', ['-c', 'command -v dockerd'], { encoding: 'utf8', env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` } });
  const dockerd = which.stdout.trim();
  if (which.status !== 0 || dockerd === '') return { skip: 'no Docker engine answers and dockerd is not installed (Debian: apt-get install docker.io; npm run setup does it)' };

  const dir = mkdtempSync('/tmp/rl-dockerd-');
  const cgroupParent = `/${basename(dir)}`;
  const socket = join(dir, 'docker.sock');
  writeFileSync(join(dir, 'daemon.json'), '{}\n');
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  const t0 = performance.now();
  const child = spawn(
    dockerd,
    [
      '--config-file', join(dir, 'daemon.json'),
      '--data-root', join(dir, 'data'),
      '--exec-root', join(dir, 'exec'),
      '--pidfile', join(dir, 'dockerd.pid'),
      '-H', `unix://${socket}`,
      '--cgroup-parent', cgroupParent,
      '--iptables=false', '--ip6tables=false', '--ip-forward=false', '--ip-masq=false',
      '--bridge=none', '--userland-proxy=false',
    ],
    { stdio: ['ignore', log, log] },
  );
  child.on('error', () => undefined);
  // If this process dies without stop() (a crashed or killed worker), the engine goes too.
  const base = basename(dir);
  const watchdog = spawn(
    'sh',
    [
      '-c',
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -TERM ${child.pid} 2>/dev/null; i=0; ` +
        `while kill -0 ${child.pid} 2>/dev/null && [ $i -lt 30 ]; do sleep 1; i=$((i+1)); done; kill -KILL ${child.pid} 2>/dev/null; sleep 1; ` +
        `grep -q ${dir} /proc/self/mountinfo || rm -rf ${dir}; rmdir /sys/fs/cgroup/*/${base} 2>/dev/null; true`,
    ],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.unref();

  const stop = async () => {
    const s0 = performance.now();
    if (!exited(watchdog)) watchdog.kill('SIGKILL');
    if (!exited(child)) {
      child.kill('SIGTERM');
      for (let i = 0; i < 200 && !exited(child); i++) await sleep(100);
      if (!exited(child)) child.kill('SIGKILL');
    }
    for (let i = 0; i < 50 && processesUsing(dir).length > 0; i++) await sleep(100);
    const leftovers = processesUsing(dir).map((p) => `pid ${p}: ${readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`);
    for (const p of processesUsing(dir)) process.kill(p, 'SIGKILL');
    for (const m of mountsUnder(dir)) spawnSync('umount', ['-l', m]);
    rmSync(dir, { recursive: true, force: true });
    for (const controller of existsSync('/sys/fs/cgroup') ? readdirSync('/sys/fs/cgroup') : []) {
      try {
        rmdirSync(join('/sys/fs/cgroup', controller, cgroupParent));
      } catch {
        // not there (or not empty: reported by the caller's container checks)
      }
    }
    restoreEnv();
    return { stopMs: performance.now() - s0, leftovers };
  };

  for (let i = 0; i < 300; i++) {
    if (await ping(socket, 500)) {
      process.env.DOCKER_HOST = `unix://${socket}`;
      process.env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';
      return { skip: null, dockerHost: `unix://${socket}`, started: true, startMs: performance.now() - t0, stop };
    }
    if (exited(child)) break;
    await sleep(100);
  }
  const why = readFileSync(join(dir, 'dockerd.log'), 'utf8').trim().split('\n').slice(-3).join(' | ');
  await stop();
  return { skip: `dockerd did not start: ${why.slice(0, 400)}` };
}
