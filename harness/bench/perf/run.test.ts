import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../errors.js';
import type { Runner } from '../../exec/runner.js';
import type { Lab } from '../../lab/lab.js';
import { runHarnessBench, type HarnessBenchDeps } from './run.js';

/** Deps whose labs only count provision/destroy calls; `onProvision` runs at each provision. */
function fakeDeps(controller: AbortController, onProvision: (n: number) => void) {
  const calls = { provisioned: 0, destroyed: 0 };
  const said: string[] = [];
  const deps: HarnessBenchDeps = {
    provision: async () => {
      calls.provisioned += 1;
      onProvision(calls.provisioned);
      return { destroy: async () => (calls.destroyed += 1, ['lab note']) } as unknown as Lab;
    },
    runner: {} as Runner,
    say: (l) => said.push(l),
    signal: controller.signal,
  };
  return { deps, calls, said };
}

const opts = { quick: true, baselineFile: '/nonexistent/baseline.json', reproduce: async () => ({ timeToVerdictSec: null, note: 'skipped' }) };

describe('runHarnessBench interrupted', () => {
  it('stops after the lab being timed is destroyed and throws InterruptedError (exit 130), not a plain Error', async () => {
    const controller = new AbortController();
    const { deps, calls, said } = fakeDeps(controller, () => controller.abort('SIGINT'));
    const error = await runHarnessBench(opts, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(error).toMatchObject({ exitCode: 130, signal: 'SIGINT' });
    expect(calls).toEqual({ provisioned: 1, destroyed: 1 });
    expect(said).toContain('  note: lab note');
  });

  it('a step that fails because of the signal also ends as InterruptedError', async () => {
    const controller = new AbortController();
    const { deps } = fakeDeps(controller, () => {
      controller.abort('SIGTERM');
      throw new Error('ip netns add: interrupted');
    });
    await expect(runHarnessBench(opts, deps)).rejects.toMatchObject({ name: 'InterruptedError', exitCode: 130, signal: 'SIGTERM' });
  });

  it('a failure without a signal stays what it is', async () => {
    const { deps } = fakeDeps(new AbortController(), () => {
      throw new Error('no veth support');
    });
    await expect(runHarnessBench(opts, deps)).rejects.toThrow(/^no veth support$/);
  });
});
