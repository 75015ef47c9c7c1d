import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeContainerEngine } from '../../containers/fake-engine.js';
import { FakeRunner } from '../../exec/fake-runner.js';
import { removeKindLeftovers } from './cleanup.js';
import { useTempRunDir } from '../../../test/helpers/temp-run-dir.js';

const runDirOf = useTempRunDir();

describe('kind leftovers', () => {
  it('removes run-named clusters of dead runs (their containers first); leaves live runs and kept clusters alone', async () => {
    writeFileSync(join(runDirOf(), 'rl-111111.pid'), `${process.ppid}\n`); // a live process: another run
    const runner = new FakeRunner().on(/^kind get clusters$/, { stdout: 'resetlab\nrl-111111\nrl-222222\nrl-333333\n' });
    const engine = new FakeContainerEngine((line) => runner.calls.push({ argv: [], line: `engine: ${line}` }));
    const report = await removeKindLeftovers(runner, engine);
    expect(report).toEqual({ removed: ['rl-222222', 'rl-333333'], inUse: [`rl-111111 (pid ${process.ppid})`], problems: [] });
    expect(runner.lines).toEqual([
      'kind get clusters',
      'engine: remove rl-222222',
      'kind delete cluster --name rl-222222',
      'engine: remove rl-333333',
      'kind delete cluster --name rl-333333',
    ]);
  });
});
