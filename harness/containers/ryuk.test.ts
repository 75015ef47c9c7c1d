import { describe, expect, it } from 'vitest';
import { configureRyuk, ryukFromEnv, ryukFromImage, type RyukProbe } from './ryuk.js';

describe('ryukFromEnv', () => {
  it.each([
    [{ TESTCONTAINERS_RYUK_DISABLED: 'true' }, false],
    [{ TESTCONTAINERS_RYUK_DISABLED: 'false' }, true],
    [{}, null],
    [{ TESTCONTAINERS_RYUK_DISABLED: 'maybe' }, null],
  ] as const)('%j -> %s', (env, enabled) => {
    expect(ryukFromEnv({ ...env })?.enabled ?? null).toBe(enabled);
  });
});

describe('ryukFromImage', () => {
  it.each([
    [true, null, true, /is present/],
    [false, null, true, /was pulled/],
    [false, 'getaddrinfo EAI_AGAIN registry-1.docker.io', false, /cannot be pulled .*EAI_AGAIN.*resetlab cleanup/],
  ] as const)('present=%s pullError=%s -> enabled=%s', (present, pullError, enabled, reason) => {
    const d = ryukFromImage('testcontainers/ryuk:0.14.0', present, pullError);
    expect(d.enabled).toBe(enabled);
    expect(d.reason).toMatch(reason);
  });
});

/** A probe with a fixed answer; records pulls. */
function probe(present: boolean, pull: 'ok' | 'fail' | 'hang'): RyukProbe & { pulls: string[] } {
  const pulls: string[] = [];
  return {
    pulls,
    exists: async () => present,
    pull: async (image) => {
      pulls.push(image);
      if (pull === 'fail') throw new Error('(HTTP code 500) server error - Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host');
      if (pull === 'hang') await new Promise(() => undefined);
    },
  };
}

describe('configureRyuk (the decision, with a fake engine)', () => {
  it('Ryuk on where the image is present: nothing pulled, env untouched', async () => {
    const env: NodeJS.ProcessEnv = {};
    const p = probe(true, 'fail');
    expect((await configureRyuk(p, env)).enabled).toBe(true);
    expect(p.pulls).toEqual([]);
    expect(env.TESTCONTAINERS_RYUK_DISABLED).toBeUndefined();
  });

  it('Ryuk on where the image can be pulled', async () => {
    const env: NodeJS.ProcessEnv = { RYUK_CONTAINER_IMAGE: 'mirror.local/ryuk:0.14.0' };
    const p = probe(false, 'ok');
    expect(await configureRyuk(p, env)).toEqual({ enabled: true, reason: 'mirror.local/ryuk:0.14.0 was pulled' });
    expect(p.pulls).toEqual(['mirror.local/ryuk:0.14.0']);
    expect(env.TESTCONTAINERS_RYUK_DISABLED).toBeUndefined();
  });

  it('Ryuk off where nothing can be pulled: sets TESTCONTAINERS_RYUK_DISABLED=true', async () => {
    const env: NodeJS.ProcessEnv = {};
    const d = await configureRyuk(probe(false, 'fail'), env);
    expect(d.enabled).toBe(false);
    expect(d.reason).toMatch(/no such host/);
    expect(env.TESTCONTAINERS_RYUK_DISABLED).toBe('true');
  });

  it('a pull that never answers is bounded', async () => {
    const env: NodeJS.ProcessEnv = {};
    const d = await configureRyuk(probe(false, 'hang'), env, 20);
    expect(d).toMatchObject({ enabled: false });
    expect(d.reason).toMatch(/no answer after 20 ms/);
    expect(env.TESTCONTAINERS_RYUK_DISABLED).toBe('true');
  });

  it("the user's setting wins without asking the engine", async () => {
    const p = probe(false, 'ok');
    expect((await configureRyuk(p, { TESTCONTAINERS_RYUK_DISABLED: 'true' })).enabled).toBe(false);
    expect((await configureRyuk(p, { TESTCONTAINERS_RYUK_DISABLED: 'false' })).enabled).toBe(true);
    expect(p.pulls).toEqual([]);
  });
});
