import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../errors.js';
import { commandLine, ExecaRunner } from './runner.js';

describe('commandLine', () => {
  it.each<[string[], string]>([
    [['ip', 'netns', 'add', 'rl-0a1b2c-client'], 'ip netns add rl-0a1b2c-client'],
    [['ipvsadm', '-a', '-t', '10.96.0.10:80', '-r', '10.244.2.10:8080', '-m'], 'ipvsadm -a -t 10.96.0.10:80 -r 10.244.2.10:8080 -m'],
    [['sysctl', '-w', 'net.ipv4.ip_forward=1', 'a,b', '@x', '%y', '+z'], 'sysctl -w net.ipv4.ip_forward=1 a,b @x %y +z'],
    [['sh', '-c', 'echo out; exit 3'], "sh -c 'echo out; exit 3'"],
    [['echo', "it's"], "echo 'it'\\''s'"],
    [['echo', "'"], "echo ''\\'''"],
    [['echo', ''], "echo ''"],
    [['echo', '$HOME', '*', 'a"b', 'a\\b'], "echo '$HOME' '*' 'a\"b' 'a\\b'"],
    [['printf', 'a\nb'], "printf 'a\nb'"],
  ])('%j -> %s', (argv, line) => {
    expect(commandLine(argv)).toBe(line);
  });
});

describe('ExecaRunner (harmless local commands only)', () => {
  const runner = new ExecaRunner();

  it('returns stdout, stderr and exit code 0, keeping the final newline', async () => {
    expect(await runner.run(['sh', '-c', 'echo out; echo err >&2'])).toEqual({ stdout: 'out\n', stderr: 'err\n', exitCode: 0 });
    expect(await runner.run(['true'])).toEqual({ stdout: '', stderr: '', exitCode: 0 });
  });

  it('onLine hears every line of stdout and stderr as printed; the result is what it would be without it', async () => {
    const heard: string[] = [];
    const argv = ['sh', '-c', 'echo one; echo two >&2; printf "three"; sleep 0.2; echo; echo four'];
    const r = await runner.run(argv, { onLine: (l) => heard.push(l) });
    expect(r).toEqual(await runner.run(argv));
    // Live: the command goes on only once its first line was heard (it would wait for its timeout otherwise).
    const dir = mkdtempSync(join(tmpdir(), 'rl-online-'));
    const flag = join(dir, 'heard');
    const live = await runner.run(['sh', '-c', `echo first; until [ -e ${flag} ]; do sleep 0.05; done; echo second`], { timeoutMs: 20_000, onLine: (l) => l === 'first' && writeFileSync(flag, '') });
    rmSync(dir, { recursive: true, force: true });
    expect(live.stdout).toBe('first\nsecond\n');
    expect(r.stdout).toBe('one\nthree\nfour\n');
    expect([...heard].sort()).toEqual(['four', 'one', 'three', 'two']);
  });

  it('writes `input` to stdin and runs with LC_ALL=C', async () => {
    expect((await runner.run(['cat'], { input: 'line 1\nline 2\n' })).stdout).toBe('line 1\nline 2\n');
    expect((await runner.run(['sh', '-c', 'echo "$LC_ALL"'])).stdout).toBe('C\n');
  });

  it('does not go through a shell: metacharacters reach the command as they are', async () => {
    expect((await runner.run(['echo', '$HOME;', '*', '`id`'])).stdout).toBe('$HOME; * `id`\n');
  });

  it('makes a line that a shell runs as the same argv (pasteable)', async () => {
    const args = ["it's", 'a b', '', '$HOME', '*', 'x\ny', '"q"', 'back\\slash', '-n'];
    const line = commandLine(['printf', '[%s]', ...args]);
    expect((await runner.run(['sh', '-c', line])).stdout).toBe(args.map((a) => `[${a}]`).join(''));
  });

  it('throws CommandError with the exit code and command line for `false`', async () => {
    const error = await runner.run(['false']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({ commandLine: 'false', exitCodeOfCommand: 1 });
    expect((error as Error).message).toMatch(/^failed to run `false` \(exit 1\)/);
  });

  it('shows the stderr tail with a pasteable command line', async () => {
    const argv = ['sh', '-c', 'echo out; echo err >&2; exit 3'];
    const error = (await runner.run(argv).catch((e: unknown) => e)) as CommandError;
    expect(error).toBeInstanceOf(CommandError);
    expect(error.exitCodeOfCommand).toBe(3);
    expect(error.outputTail).toBe('err');
    expect(error.message).toBe("failed to run `sh -c 'echo out; echo err >&2; exit 3'` (exit 3):\nerr");
  });

  it('keeps only the last 8 lines of long stderr, and falls back to stdout when stderr is empty', async () => {
    const long = (await runner.run(['sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo "line $i" >&2; done; exit 1']).catch((e: unknown) => e)) as CommandError;
    expect(long.outputTail).toBe(['line 5', 'line 6', 'line 7', 'line 8', 'line 9', 'line 10', 'line 11', 'line 12'].join('\n'));
    const quiet = (await runner.run(['sh', '-c', 'echo only-stdout; exit 2']).catch((e: unknown) => e)) as CommandError;
    expect(quiet.outputTail).toBe('only-stdout');
  });

  it('returns a failing result instead of throwing with check: false', async () => {
    expect(await runner.run(['sh', '-c', 'echo out; echo err >&2; exit 3'], { check: false })).toEqual({ stdout: 'out\n', stderr: 'err\n', exitCode: 3 });
  });

  it('kills a command at its timeout and says it timed out (even with check: false)', async () => {
    const started = Date.now();
    const error = (await runner.run(['sleep', '5'], { timeoutMs: 200 }).catch((e: unknown) => e)) as CommandError;
    expect(Date.now() - started).toBeLessThan(4000);
    expect(error).toBeInstanceOf(CommandError);
    expect(error.exitCodeOfCommand).toBeUndefined();
    expect(error.message).toBe('failed to run `sleep 5`:\ntimed out after 200 ms');
    await expect(runner.run(['sleep', '5'], { timeoutMs: 200, check: false })).rejects.toThrow(/timed out/);
  });

  it('throws CommandError naming a missing program', async () => {
    const error = (await runner.run(['resetlab-no-such-program-7f3a']).catch((e: unknown) => e)) as CommandError;
    expect(error).toBeInstanceOf(CommandError);
    expect(error.message).toMatch(/^failed to run `resetlab-no-such-program-7f3a`/);
    expect(error.message).toMatch(/ENOENT/);
  });

  it('rejects an empty argv without running anything', async () => {
    await expect(runner.run([])).rejects.toThrow('failed to run command: empty argv');
  });
});
