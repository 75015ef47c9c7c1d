/**
 * Resumable build steps: each finished step leaves `<build>/steps/<name>.json` (its timing);
 * a later fetch skips the steps that have one. A step writes its product elsewhere first and
 * renames it into place, so a step without a stamp left nothing that a later step trusts.
 */
import { cpus } from 'node:os';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StepTiming } from './cache.js';

/** The 1-minute load average (`/proc/loadavg`), or NaN where unreadable. */
export async function loadAverage(): Promise<number> {
  const text = await readFile('/proc/loadavg', 'utf8').catch(() => '');
  return Number(text.split(' ')[0] ?? NaN);
}

/** Runs named steps in one build folder, skipping those stamped done. */
export class BuildSteps {
  /** Timings of the steps, done now or earlier (`resumed`). */
  readonly timings: Record<string, StepTiming> = {};
  constructor(
    private readonly dir: string,
    private readonly say: (line: string) => void,
  ) {}

  /** Runs `fn` unless the step is stamped; stamps it (with its timing and `data`) when it returns. */
  async step<T extends object>(name: string, what: string, fn: () => Promise<T>): Promise<T> {
    const stamp = join(this.dir, 'steps', `${name}.json`);
    const done = await readFile(stamp, 'utf8').then((t) => JSON.parse(t) as { timing: StepTiming; data: T }, () => null);
    if (done) {
      this.timings[name] = { ...done.timing, resumed: true };
      this.say(`  ${name}: done by an earlier fetch (${(done.timing.ms / 1000).toFixed(0)} s then), reused`);
      return done.data;
    }
    this.say(`  ${name}: ${what} (load ${(await loadAverage()).toFixed(2)} on ${cpus().length} cores)`);
    const loadBefore = await loadAverage();
    const t = performance.now();
    const data = await fn();
    const timing: StepTiming = { ms: Math.round(performance.now() - t), loadBefore, loadAfter: await loadAverage() };
    await mkdir(join(this.dir, 'steps'), { recursive: true });
    await writeFile(stamp, JSON.stringify({ timing, data }, null, 2) + '\n');
    this.timings[name] = timing;
    this.say(`  ${name}: ${(timing.ms / 1000).toFixed(0)} s (load ${loadBefore.toFixed(2)} -> ${timing.loadAfter.toFixed(2)})`);
    return data;
  }
}
