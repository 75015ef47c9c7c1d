import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../repo-root.js';
import { validateScenario, type Scenario } from '../../scenario/schema.js';
import { cellBudgetMs, cellProxyMode, durationChanges, lightenForVm, planCells } from './cells.js';
import { applyConsoleLine, initialBootState, parseMarker } from './console-markers.js';
import { defaultParallel, parseVmFlags } from './flags.js';
import { stage1Init, stage2Script } from './guest-init.js';
import { kernelVersionOf } from './driver.js';
import { ConsoleTail } from '../../qemu/console-tail.js';

const fixture = (name: string) => readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'vm', name), 'utf8');

function scenario(data: Record<string, unknown>, source = 'built-in:x'): Scenario {
  const r = validateScenario({ name: 'x', ...data }, 'x.yaml', source);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.scenario;
}

function replay(text: string) {
  const tail = new ConsoleTail(40);
  const state = initialBootState();
  for (const line of [...tail.push(text), ...tail.flush()]) applyConsoleLine(state, line);
  return state;
}

describe('console markers (captured real output)', () => {
  it('follows a TCG boot of 6.1 through one scenario to power-off', () => {
    const s = replay(fixture('console-6.1-tcg-over-window.log'));
    expect(s.uname).toBe('6.1.0-56-amd64');
    expect(s.reachedInitramfs && s.reachedRoot && s.done).toBe(true);
    expect(s.fatal).toBeNull();
    expect(s.modulesMissing).toEqual([]);
    expect(s.calibration).toEqual({ guestMs: 6274, hostMs: 78.6, scale: 79.82, rate: 32, durationSec: 60 });
    expect([...s.cells]).toEqual([[0, 0]]);
    expect(s.panic).toBeNull();
  });
  it('a KVM start that qemu aborts never reaches the initramfs', () => {
    const s = replay(fixture('console-kvm-nested-fails.log'));
    expect(s.reachedInitramfs).toBe(false);
    expect(s.uname).toBeNull();
  });
  it('parses fatal lines, panics and cells still running', () => {
    const s = initialBootState();
    for (const l of ['RL-VM stage=initramfs uname=5.10.0-32-amd64', 'RL-VM cell-start=0', 'RL-VM cell-end=0 exit=2', 'RL-VM cell-start=1', '[   12.5] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100', 'RL-VM fatal=module ip_vs is missing or does not load in kernel 5.10.0-32-amd64']) applyConsoleLine(s, l);
    expect(s.fatal).toBe('module ip_vs is missing or does not load in kernel 5.10.0-32-amd64');
    expect(s.panic).toBe('Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100');
    expect([...s.cells]).toEqual([[0, 2], [1, null]]);
    expect(parseMarker('noise RL-VM a=1 b c=x y')).toEqual({ a: '1', b: '', c: 'x', y: '' });
    expect(parseMarker('plain line')).toBeNull();
  });
});

describe('vm flags', () => {
  it('reads series, package versions and a path with its modules', () => {
    expect(parseVmFlags({ kernel: '6.1,6.1.192-2' }).settings?.kernels).toEqual([{ kind: 'series', series: '6.1' }, { kind: 'package', version: '6.1.192-2' }]);
    expect(parseVmFlags({ kernel: '/k/vmlinuz', modules: '/k/lib/modules/6.1.0-56-amd64' }).settings?.kernels).toEqual([{ kind: 'path', vmlinuz: '/k/vmlinuz', modulesDir: '/k/lib/modules/6.1.0-56-amd64' }]);
    expect(parseVmFlags({ kernel: '5.10,6.1' }).settings).toMatchObject({ memoryMiB: 3072, cpus: 1, accel: 'auto', timeoutMs: null });
  });
  it('lists every problem at once', () => {
    expect(parseVmFlags({ kernel: '/k/vmlinuz,6.1,6.1', memory: '12', accel: 'fast', vmTimeout: 'soon', parallel: '0' }).problems.map((p) => p.field)).toEqual([
      '--modules', '--kernel', '--memory', '--parallel', '--accel', '--vm-timeout',
    ]);
    expect(parseVmFlags({}).problems[0]?.message).toMatch(/needs a kernel/);
  });
  it('boots as many guests at once as the cores hold, at most one per kernel, unless told', () => {
    expect([defaultParallel(1, 2, 2), defaultParallel(1, 3, 2), defaultParallel(1, 1, 8), defaultParallel(2, 4, 2), defaultParallel(4, 4, 2), defaultParallel(1, 4, 16)]).toEqual([2, 2, 1, 1, 1, 4]);
    expect(parseVmFlags({ kernel: '5.10,6.1,6.12', parallel: '3' }).settings?.parallel).toBe(3);
    expect(parseVmFlags({ kernel: '6.1' }).settings?.parallel).toBe(1);
  });
  it('names kernels for expectations before they are resolved', () => {
    expect(kernelVersionOf({ kind: 'series', series: '5.10' })).toBe('5.10');
    expect(kernelVersionOf({ kind: 'path', vmlinuz: '/v', modulesDir: '/m/6.1.0-56-amd64' })).toBe('6.1.0-56-amd64');
  });
});

describe('cells', () => {
  it('lightens only the built-in defaults and says so', () => {
    const { scenario: s, adjusted } = lightenForVm(scenario({ fault: { kind: 'inject', offset: 'above-window', ratePerSecond: 50 } }));
    expect([s.load.connections, s.load.responseBytes, s.fault.kind === 'inject' && s.fault.ratePerSecond]).toEqual([10, 8192, 20]);
    expect(adjusted).toHaveLength(3);
    expect(lightenForVm(scenario({ load: { connections: 4 } })).adjusted).toEqual(['load.responseBytes 65536 -> 8192', 'fault.ratePerSecond 50 -> 20']);
    expect(lightenForVm(scenario({}, '/tmp/mine.yaml')).adjusted).toEqual([]);
  });
  it('one cell per scenario and pinned mode; arms auto-sized only for lightened built-ins without --duration', () => {
    const a = scenario({});
    const cells = planCells([a], { asWritten: false, durationGiven: false, modesOf: () => ['ipvs', 'iptables'] });
    expect(cells.map((c) => [c.index, c.proxyMode, cellProxyMode(c), c.autoDuration])).toEqual([[0, 'ipvs', 'ipvs', true], [1, 'iptables', 'iptables', true]]);
    expect(planCells([a], { asWritten: true, durationGiven: false })[0]).toMatchObject({ adjusted: [], autoDuration: false, stretchDuration: true });
    expect(planCells([a], { asWritten: false, durationGiven: true })[0]).toMatchObject({ autoDuration: false, stretchDuration: false });
    expect(cells.every((c) => !c.stretchDuration)).toBe(true);
    expect(cellProxyMode(planCells([a], { asWritten: false, durationGiven: true })[0]!)).toBe('ipvs');
    expect(cellBudgetMs(cells[0]!, 10)).toBe(2 * (180_000 + 200_000) + 600_000);
  });
});

describe('arm durations in a slow guest', () => {
  const calibration = { durationSec: 46, rate: 174 };
  it('a lightened built-in takes the probe size', () => {
    const [cell] = planCells([scenario({})], { asWritten: false, durationGiven: false });
    expect(durationChanges(cell!, calibration)).toEqual([`load.duration 10s -> 46s (to reach about 12000 requests per arm at the guest's measured 174 req/s)`]);
  });
  it("a user's shorter written duration becomes a maximum of the probe size; a longer one stays", () => {
    const [short] = planCells([scenario({ load: { duration: '15s' } }, '/tmp/mine.yaml')], { asWritten: false, durationGiven: false });
    expect(short!.stretchDuration).toBe(true);
    expect(durationChanges(short!, calibration)).toEqual([`load.duration 15s -> at most 46s (to reach about 12000 requests per arm at the guest's measured 174 req/s; arms still stop once decided)`]);
    const [long] = planCells([scenario({ load: { duration: '90s' } }, '/tmp/mine.yaml')], { asWritten: false, durationGiven: false });
    expect(durationChanges(long!, calibration)).toEqual([]);
    const [given] = planCells([scenario({}, '/tmp/mine.yaml')], { asWritten: false, durationGiven: true });
    expect(durationChanges(given!, calibration)).toEqual([]);
  });
  it('the guest script takes the longer of the probe size and the written duration', () => {
    const s = stage2Script({ busybox: '/b', node: '/n', resetlab: '/r', required: [], optional: [], hostProbeMs: 1, cells: [{ index: 0, file: 'cells/0.yaml', autoDuration: false, floorSec: 12.5 }] });
    expect(s).toContain('--duration "$(( duration > 13 ? duration : 13 ))"s 2>&1');
  });
});

describe('guest scripts', () => {
  it('stage 1 mounts the host root read-only with an overlay and switches root into stage 2', () => {
    const s = stage1Init({ modulesDir: '/var/tmp/k/lib/modules/6.1.0-56-amd64', overlaySize: '1g' });
    expect(s).toContain('mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=loose,ro hostroot /lower');
    expect(s).toContain("mount --bind /newroot'/var/tmp/k/lib/modules/6.1.0-56-amd64' /newroot/usr/lib/modules/$(uname -r)");
    expect(s).toContain('exec switch_root /newroot /bin/sh /rl-out/stage2.sh');
  });
  it('stage 2 loads modules, calibrates, runs each cell with the netns driver and powers off', () => {
    const s = stage2Script({ busybox: '/bin/busybox', node: '/usr/bin/node', resetlab: '/w/bin/resetlab.js', required: ['ip_vs'], optional: ['sch_netem'], hostProbeMs: 78.6, cells: [{ index: 0, file: 'cells/0.yaml', autoDuration: true }, { index: 1, file: 'cells/1.yaml', autoDuration: false }] });
    expect(s).toContain('modprobe $m || { say "fatal=module $m is missing');
    expect(s).toContain("'/usr/bin/node' /rl-out/calibrate.mjs 78.6");
    expect(s).toContain(`run /rl-out/cells/0.yaml --driver netns --json --out /rl-out/results --time-scale "$scale" --duration "$duration"s 2>&1 > /rl-out/cells/0.json`);
    expect(s).toContain(`run /rl-out/cells/1.yaml --driver netns --json --out /rl-out/results --time-scale "$scale" 2>&1 > /rl-out/cells/1.json`);
    expect(s).toContain('trap off EXIT');
    // A heartbeat feeds the host's silence watchdog while a command is quiet (measured: a namespace deletion over 300 s in a 6.1 TCG guest).
    expect(s).toContain("( while sleep 60; do say alive uptime=$(cut -d' ' -f1 /proc/uptime)");
    // A fresh tmpfs on /tmp would hide a checkout under the host's /tmp (and resetlab with it).
    expect(s).toContain('mount -t tmpfs tmpfs /run');
    expect(s).not.toMatch(/mount -t tmpfs \S+ \/tmp\b/);
    // The stopping mode reaches every cell.
    expect(stage2Script({ busybox: '/b', node: '/n', resetlab: '/r', required: [], optional: [], hostProbeMs: 1, runArgs: ['--fixed'], cells: [{ index: 0, file: 'cells/0.yaml', autoDuration: false }] })).toContain('--time-scale "$scale" \'--fixed\' 2>&1');
    expect(s).toContain("off() { sync; '/bin/busybox' poweroff -f 2>/dev/null; echo o > /proc/sysrq-trigger; sleep 600; }");
  });
});

describe('guest commands with an interrupt (the commands block of stage 2, run by this machine\'s sh)', () => {
  /** Runs stage 2's commands block with `/rl-out` in a temporary folder and the fake resetlab `script` (run by node) as the command. */
  function runCommands(script: string, commands: NonNullable<Parameters<typeof stage2Script>[0]['commands']>) {
    const dir = mkdtempSync(join(tmpdir(), 'rl-stage2-'));
    try {
      writeFileSync(join(dir, 'fake.mjs'), script);
      const s = stage2Script({ busybox: '/b', node: process.execPath, resetlab: join(dir, 'fake.mjs'), required: [], optional: [], hostProbeMs: 1, cells: [], commands });
      const block = s.slice(s.indexOf('mkdir -p /rl-out/cells'), s.indexOf('say done')).replaceAll('/rl-out', dir);
      const r = spawnSync('/bin/sh', ['-c', `say() { echo "RL-VM $*"; }\nscale=1\n${block}`], { encoding: 'utf8', timeout: 60_000 });
      const file = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : null);
      return { console: r.stdout, out: file('command-0.out'), err: file('command-0.out.err'), out1: file('command-1.out'), err1: file('command-1.out.err'), err2: file('command-2.out.err'), out3: file('command-3.out') };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // A resetlab stand-in (run by node, as in the guest: node resets the SIGINT that sh ignores in
  // background jobs): progress on stderr, and on SIGINT it says it cleaned up and exits 130.
  const fake = `process.on('SIGINT', () => { process.stderr.write('cleaned up\\n'); process.stdout.write('{"complete": false}\\n'); process.exit(130); });
process.stderr.write('setting up\\n');
setTimeout(() => process.stderr.write('arm liberal=1 (trial 1/1)\\n'), 500);
setTimeout(() => { process.stdout.write('{"complete": true}\\n'); }, process.argv.includes('quick') ? 600 : 8_000);
`;
  it('signals the command once its stderr shows the pattern, keeps its stderr and streams it, and reports its exit code', { timeout: 30_000 }, () => {
    const r = runCommands(fake, [
      { index: 0, args: ['run', 'x'], outFile: 'command-0.out', interrupt: { after: 'arm liberal=1', delaySec: 1, signal: 'INT' } },
      { index: 1, args: ['run', 'quick'], outFile: 'command-1.out' },
      { index: 2, args: ['run', 'quick'], outFile: 'command-2.out', keepStderr: true },
    ]);
    expect(r.console).toContain('RL-VM interrupt=0 signal=INT');
    expect(r.console).toContain('RL-VM cell-end=0 exit=130');
    // The progress reached the console as it does for every command, and the file keeps it.
    expect(r.console).toMatch(/setting up\n(.|\n)*arm liberal=1 \(trial 1\/1\)\n(.|\n)*cleaned up/);
    expect(r.err).toBe('setting up\narm liberal=1 (trial 1/1)\ncleaned up\n');
    expect(r.out).toBe('{"complete": false}\n');
    // The next command runs as before, unsignalled.
    expect(r.console).toContain('RL-VM cell-end=1 exit=0');
    expect(r.out1).toBe('{"complete": true}\n');
    expect(r.err1).toBeNull();
    // keepStderr alone: kept, never signalled.
    expect(r.err2).toBe('setting up\narm liberal=1 (trial 1/1)\n');
    expect(r.console).toContain('RL-VM cell-end=2 exit=0');
    expect(r.console).not.toContain('interrupt=2');
  });
  it('never signals a command that ends before its pattern shows', { timeout: 30_000 }, () => {
    const r = runCommands("process.stderr.write('quick\\n'); process.exitCode = 3;\n", [
      { index: 0, args: [], outFile: 'command-0.out', interrupt: { after: 'never printed', delaySec: 0, signal: 'KILL' } },
      { index: 3, shell: 'echo "it\'s out"; echo shell-err >&2; exit 4', outFile: 'command-3.out' },
    ]);
    expect(r.console).not.toContain('interrupt=');
    expect(r.console).toContain('RL-VM cell-end=0 exit=3');
    expect(r.err).toBe('quick\n');
    // A shell command: stdout into its file, stderr on the console, its exit code reported.
    expect(r.out3).toBe("it's out\n");
    expect(r.console).toContain('shell-err');
    expect(r.console).toContain('RL-VM cell-end=3 exit=4');
  });
});

describe('console markers: why a cell gave no report', () => {
  it("keeps the guest resetlab's failure line with its next line (captured: r22d, kubectl apply on a starved API server)", () => {
    const s = replay(fixture('console-6.1-tcg-kind-apply-failed.log'));
    expect(s.cells.get(0)).toBe(1);
    // The retry lines before it are progress, not the failure.
    expect(s.cellErrors.get(0)).toBe('failed to run `kubectl --context kind-rl-8d1b5b apply -f -` (exit 1): Unable to connect to the server: net/http: TLS handshake timeout');
    expect(s.runningCell).toBeNull();
  });
});

describe('console markers: a panic after the job is done is not a failure', () => {
  it('ignores the shutdown panic of the old sysrq power-off', () => {
    const s = replay(fixture('console-6.1-debian-over-window-panic-after-done.log'));
    expect(s.done).toBe(true);
    expect(s.panic).toBeNull();
    expect(s.calibration?.scale).toBe(21.86);
  });
  it('powers off cleanly with busybox poweroff -f', () => {
    const text = fixture('console-6.1-tcg-clean-poweroff.log');
    const s = replay(text);
    expect([s.done, s.panic, [...s.cells]]).toEqual([true, null, [[0, 0]]]);
    expect(text).toContain('reboot: Power down');
    expect(text).not.toContain('Kernel panic');
  });
});
