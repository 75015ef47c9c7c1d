import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { claimPrefix, liveOwner, ownerDir, releasePrefix, removeStaleOwnerFiles } from './owner.js';
import { useTempRunDir } from '../../test/helpers/temp-run-dir.js';

/** Above the largest pid_max Linux allows (2^22), so never a live process. */
const DEAD_PID = 2 ** 22 + 12345;

const runDirOf = useTempRunDir();
const file = (prefix: string) => join(runDirOf(), `${prefix}.pid`);
const own = (prefix: string, content: string) => writeFileSync(file(prefix), content);

describe('ownerDir', () => {
  it('is RESETLAB_RUN_DIR when set, else /run/resetlab', () => {
    expect(ownerDir()).toBe(runDirOf());
    vi.stubEnv('RESETLAB_RUN_DIR', undefined);
    expect(ownerDir()).toBe('/run/resetlab');
  });
});

describe('claimPrefix', () => {
  it('writes <prefix>.pid holding our pid; the undo removes it and may run twice', async () => {
    const undo = claimPrefix('rl-0a1b2c');
    expect(readFileSync(file('rl-0a1b2c'), 'utf8')).toBe(`${process.pid}\n`);
    expect(liveOwner('rl-0a1b2c')).toBe(process.pid);
    await undo();
    expect(existsSync(file('rl-0a1b2c'))).toBe(false);
    await expect(undo()).resolves.toBeUndefined();
  });

  it('creates the directory when missing', () => {
    const nested = join(runDirOf(), 'a', 'b');
    vi.stubEnv('RESETLAB_RUN_DIR', nested);
    claimPrefix('rl-0a1b2c');
    expect(readdirSync(nested)).toEqual(['rl-0a1b2c.pid']);
  });

  it('throws when the prefix is already claimed, and keeps the first claim', () => {
    claimPrefix('rl-0a1b2c');
    expect(() => claimPrefix('rl-0a1b2c')).toThrow(/another run owns it/);
    own('rl-ffffff', `${DEAD_PID}\n`);
    expect(() => claimPrefix('rl-ffffff')).toThrow(/another run owns it/);
    expect(readFileSync(file('rl-ffffff'), 'utf8')).toBe(`${DEAD_PID}\n`);
    expect(readFileSync(file('rl-0a1b2c'), 'utf8')).toBe(`${process.pid}\n`);
  });
});

describe('liveOwner', () => {
  it.each<[string, string | null, number | null]>([
    ['our pid', `${process.pid}\n`, process.pid],
    ['the parent pid (another live process)', `${process.ppid}`, process.ppid],
    ['a dead pid', `${DEAD_PID}\n`, null],
    ['no owner file', null, null],
    ['an empty file', '', null],
    ['garbage', 'not-a-pid\n', null],
    ['zero', '0\n', null],
    ['a negative pid', '-1\n', null],
    ['a fractional pid', '1.5\n', null],
  ])('%s', (_name, content, expected) => {
    if (content !== null) own('rl-0a1b2c', content);
    expect(liveOwner('rl-0a1b2c')).toBe(expected);
  });
});

describe('releasePrefix', () => {
  it('removes only that prefix\'s file and is fine when it is missing', () => {
    own('rl-0a1b2c', `${DEAD_PID}\n`);
    own('rl-ffffff', `${DEAD_PID}\n`);
    releasePrefix('rl-0a1b2c');
    releasePrefix('rl-123456');
    expect(readdirSync(runDirOf())).toEqual(['rl-ffffff.pid']);
  });
});

describe('removeStaleOwnerFiles', () => {
  it('removes files of dead or unreadable owners, keeps live ones and other files', () => {
    own('rl-000001', `${process.pid}\n`);
    own('rl-000002', `${process.ppid}\n`);
    own('rl-000003', `${DEAD_PID}\n`);
    own('rl-000004', 'garbage\n');
    writeFileSync(join(runDirOf(), 'notes.txt'), `${DEAD_PID}\n`);
    expect(removeStaleOwnerFiles().sort()).toEqual(['rl-000003', 'rl-000004']);
    expect(readdirSync(runDirOf()).sort()).toEqual(['notes.txt', 'rl-000001.pid', 'rl-000002.pid']);
  });

  it('returns [] when the directory does not exist', () => {
    vi.stubEnv('RESETLAB_RUN_DIR', join(runDirOf(), 'missing'));
    expect(removeStaleOwnerFiles()).toEqual([]);
  });
});
