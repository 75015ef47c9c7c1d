import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../exec/fake-runner.js';
import { removeKindLeftovers, removeLabelledContainers } from './cleanup.js';
import { useTempRunDir } from '../../../test/helpers/temp-run-dir.js';

const runDirOf = useTempRunDir();

describe('kind leftovers', () => {
  it('removeLabelledContainers: nothing to do when no container carries the label', async () => {
    const runner = new FakeRunner();
    await removeLabelledContainers(runner, 'rl-0a1b2c');
    expect(runner.lines).toEqual(['docker ps -aq --filter label=resetlab.prefix=rl-0a1b2c']);
  });

  it('removes containers and run-named clusters of dead runs; leaves live runs and kept clusters alone', async () => {
    writeFileSync(join(runDirOf(), 'rl-111111.pid'), `${process.ppid}\n`); // a live process: another run
    const runner = new FakeRunner()
      .on(/^docker ps -a --filter label=resetlab.prefix --format/, { stdout: 'rl-111111\nrl-222222\nrl-222222\n' })
      .on(/^kind get clusters$/, { stdout: 'resetlab\nrl-222222\nrl-333333\n' })
      .on(/^docker ps -aq --filter label=resetlab.prefix=rl-222222$/, { stdout: 'c0ffee\n' });
    const report = await removeKindLeftovers(runner);
    expect(report).toEqual({ removed: ['rl-222222', 'rl-333333'], inUse: [`rl-111111 (pid ${process.ppid})`], problems: [] });
    expect(runner.lines.slice(2)).toEqual([
      'docker ps -aq --filter label=resetlab.prefix=rl-222222',
      'docker rm -f c0ffee',
      'kind delete cluster --name rl-222222',
      'docker ps -aq --filter label=resetlab.prefix=rl-333333',
      'kind delete cluster --name rl-333333',
    ]);
  });
});
