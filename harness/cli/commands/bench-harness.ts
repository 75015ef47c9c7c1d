/**
 * `resetlab bench harness [--quick] [--skip-reproduce] [--baseline FILE] [--write-baseline]
 * [--json]` (what `npm run bench` runs): measures the harness itself (perf/run.ts), prints a
 * table of ratios, writes bench/latest.json (git-ignored) and, with --write-baseline, the new
 * bench/baseline.json. Needs root, wrk and iperf3 (scripts/bench.mjs installs them).
 */
import { splitReproduce, type TimedLine } from '../../bench/perf/reproduce-split.js';
import type { HarnessBenchDoc } from '../../bench/perf/doc.js';
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baselineFrom, writeBaseline } from '../../bench/perf/baseline.js';
import { renderHarnessTable } from '../../bench/perf/render.js';
import { runHarnessBench } from '../../bench/perf/run.js';
import { UnsupportedError } from '../../errors.js';
import { provisionNetnsLab } from '../../lab/netns/provider.js';
import { newPrefix } from '../../lab/prefix.js';
import { writeAtomic } from '../../report/write.js';
import { REPO_ROOT } from '../../repo-root.js';
import type { CliContext } from '../context.js';
import { removeNetnsLeftoversLoudly as removeLeftoversLoudly } from '../../lab/netns/leftovers.js';
import { checkNetnsPreconditions } from './run.js';

/** Flags of `bench harness`. */
export interface BenchHarnessFlags {
  quick?: boolean;
  skipReproduce?: boolean;
  baseline?: string;
  writeBaseline?: boolean;
  json?: boolean;
}

/** Where the harness benchmark keeps its files. */
export const BENCH_DIR = join(REPO_ROOT, 'bench');

/**
 * Runs what `npm run reproduce` runs after its package check: the build check
 * (scripts/build-if-stale.mjs), then `resetlab reproduce --json` (with `--fixed` when `fixed`)
 * in a child process, results to a temporary directory removed afterwards. Reads its time to
 * verdict and verdicts, and splits the whole (build check + process) into phases from the
 * progress lines as they arrive (perf/reproduce-split.ts).
 */
export async function timeReproduce(fixed = false): Promise<HarnessBenchDoc['reproduce']> {
  const out = await mkdtemp(join(tmpdir(), 'rl-bench-'));
  try {
    const b0 = performance.now();
    await execa(process.execPath, [join(REPO_ROOT, 'scripts', 'build-if-stale.mjs')], { reject: false, timeout: 300_000 });
    const buildCheckSec = (performance.now() - b0) / 1000;
    const args = ['reproduce', '--json', '--out', out, ...(fixed ? ['--fixed'] : [])];
    const t0 = performance.now();
    const lines: TimedLine[] = [];
    const child = execa(process.execPath, [join(REPO_ROOT, 'bin', 'resetlab.js'), ...args], { reject: false, timeout: 300_000, lines: false });
    let partial = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      const atSec = (performance.now() - t0) / 1000;
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      for (const text of parts) lines.push({ atSec, text });
    });
    const r = await child;
    const exitSec = (performance.now() - t0) / 1000;
    if (r.exitCode !== 0) return { timeToVerdictSec: null, note: `reproduce exited ${r.exitCode}: ${String(r.stderr).trim().split('\n').slice(-2).join(' ')}` };
    const doc = JSON.parse(String(r.stdout)) as { timeToVerdictSec?: number; runs?: Array<{ verdict: { outcome: string } }> };
    const outcomes = (doc.runs ?? []).map((x) => x.verdict.outcome).join(', ');
    return {
      timeToVerdictSec: doc.timeToVerdictSec ?? null,
      note: `node bin/resetlab.js ${args.filter((a) => a !== out && a !== '--out').join(' ')} (verdicts: ${outcomes})`,
      wallSec: buildCheckSec + exitSec,
      ...(() => {
        const { phases, lanes } = splitReproduce(buildCheckSec, lines, exitSec);
        return { split: phases, ...(lanes ? { lanes } : {}) };
      })(),
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

async function checkTools(ctx: CliContext): Promise<void> {
  const missing: string[] = [];
  for (const tool of ['wrk', 'iperf3']) {
    const r = await ctx.runner.run(['sh', '-c', `command -v ${tool}`], { check: false });
    if (r.exitCode !== 0) missing.push(tool);
  }
  if (missing.length > 0) {
    throw new UnsupportedError(`missing ${missing.join(' and ')}: run \`npm run bench\` (installs them) or \`apt-get install -y ${missing.join(' ')}\``);
  }
}

/** The `bench harness` command. */
export async function benchHarnessCommand(ctx: CliContext, flags: BenchHarnessFlags): Promise<void> {
  checkNetnsPreconditions();
  await checkTools(ctx);
  await removeLeftoversLoudly(ctx);
  const baselineFile = flags.baseline ?? join(BENCH_DIR, 'baseline.json');
  ctx.say(`resetlab: harness benchmark${flags.quick ? ' (quick)' : ''}: about ${flags.quick ? 1 : flags.skipReproduce ? 2 : 3} min`);
  const doc = await runHarnessBench(
    {
      quick: Boolean(flags.quick),
      baselineFile,
      reproduce: flags.skipReproduce ? async () => ({ timeToVerdictSec: null, note: 'skipped (--skip-reproduce)' }) : (fixed) => timeReproduce(fixed),
    },
    {
      provision: (topology) => provisionNetnsLab({ prefix: newPrefix(), topology, runner: ctx.runner }),
      runner: ctx.runner,
      say: ctx.say,
      signal: ctx.signal,
    },
  );
  const latest = join(BENCH_DIR, 'latest.json');
  await writeAtomic(latest, JSON.stringify(doc, null, 2) + '\n');
  ctx.say(`resetlab: wrote ${latest}`);
  if (flags.writeBaseline) {
    await writeBaseline(baselineFile, baselineFrom(doc));
    ctx.say(`resetlab: wrote ${baselineFile} (commit it)`);
  }
  process.stdout.write(flags.json ? JSON.stringify(doc, null, 2) + '\n' : '\n' + renderHarnessTable(doc));
}
