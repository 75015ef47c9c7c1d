import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../repo-root.js';

// A real child process runs the compiled module (npm test builds first).
const protocol = join(REPO_ROOT, 'dist', 'harness', 'agents', 'protocol.js');

/** A child whose only handle pauses at once (as the injector's socket does between segments). */
function child(env: Record<string, string>) {
  const code = `const { onStop, emit } = await import(${JSON.stringify(protocol)});
onStop(() => { emit({ event: 'result', at: Math.round(performance.now()) }); process.exit(0); });
emit({ event: 'ready' });`;
  if (!existsSync(protocol)) throw new Error(`${protocol} is missing: run npm run build first`);
  return execa(process.execPath, ['--input-type=module', '-e', code], { env, reject: false, timeout: 20_000 });
}

describe('an agent without stdin (containers)', () => {
  it('lives until its lifetime and then prints its result, instead of ending silently when its handles pause', async () => {
    const r = await child({ RESETLAB_AGENT_STDIN: 'none', RESETLAB_AGENT_LIFETIME_MS: '800' });
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; at?: number });
    expect(lines.map((l) => l.event), r.stderr).toEqual(['ready', 'result']);
    expect(lines[1]!.at).toBeGreaterThanOrEqual(700);
  });
  it('answers SIGTERM with its result when it has no lifetime', { timeout: 20_000 }, async () => {
    const p = child({ RESETLAB_AGENT_STDIN: 'none' });
    await new Promise((resolve) => p.stdout!.once('data', resolve));
    p.kill('SIGTERM');
    const r = await p;
    expect(r.stdout).toContain('"event":"result"');
  });
});

describe("an agent's events file (kube agents, whose kubectl exec stream may end early)", () => {
  it('holds every event line the agent printed, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-events-'));
    try {
      const file = join(dir, 'server-1.events');
      const r = await child({ RESETLAB_AGENT_STDIN: 'none', RESETLAB_AGENT_LIFETIME_MS: '300', RESETLAB_AGENT_EVENTS_FILE: file });
      expect(readFileSync(file, 'utf8')).toBe(r.stdout.endsWith('\n') ? r.stdout : r.stdout + '\n');
      expect(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { event: string }).event)).toEqual(['ready', 'result']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
