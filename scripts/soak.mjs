#!/usr/bin/env node
// Soak: runs `resetlab reproduce` many times in a row, interrupting some runs at random
// moments (SIGINT, or SIGKILL followed by `resetlab cleanup`), and reports the verdict
// distribution, false `reproduced` on the path that must not reset (`over-window`, which
// kube-proxy's INVALID rule protects; must be 0), missed
// reproductions of over-window-masquerade (goal 0), leftovers after each run (must be 0) and
// the CLI's peak memory over time.
//
//   node scripts/soak.mjs [--runs 50] [--duration D] [--interrupt-rate 0.3] [--out DIR] [--fixed]
// `--duration` is each arm's maximum (arms stop once decided; default: reproduce's own, 4 s);
// `--fixed` runs every arm for all of it.
// Needs root and a build (`npm run build`). Exit 1 if any must-be-0 figure is not 0.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '50' },
    duration: { type: 'string' },
    'interrupt-rate': { type: 'string', default: '0.3' },
    out: { type: 'string' },
    fixed: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const rate = Number(values['interrupt-rate']);
const out = values.out ?? mkdtempSync(join(tmpdir(), 'rl-soak-'));
const bin = new URL('../bin/resetlab.js', import.meta.url).pathname;
/** What each of reproduce's scenarios must conclude (scenarios/expectations.yaml, host rows). */
const MUST_NOT_REPRODUCE = ['over-window'];
const MUST_REPRODUCE = ['over-window-masquerade'];
const duration = values.duration ?? '4s';

function parseDurationMs(text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text);
  if (!m) throw new Error(`--duration: expected e.g. 10s, got ${text}`);
  return Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000 }[m[2] ?? 's']);
}

const leftovers = () => {
  const names = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]).filter((n) => /^rl-[0-9a-f]{6}-/.test(n));
  return names.filter((n) => {
    const pidFile = `/run/resetlab/${n.slice(0, 9)}.pid`;
    if (!existsSync(pidFile)) return true;
    return !existsSync(`/proc/${readFileSync(pidFile, 'utf8').trim()}`);
  });
};
const peakRss = (pid) => {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};

const stats = { outcomes: {}, falseReproduced: 0, missed: 0, leftoverRuns: 0, interrupted: 0, killed: 0, exitCodes: {}, rssKb: [], ttv: [] };
for (let i = 1; i <= runs; i++) {
  const interrupt = Math.random() < rate ? (Math.random() < 0.5 ? 'SIGINT' : 'SIGKILL') : null;
  const child = spawn('node', [bin, 'reproduce', ...(values.duration ? ['--duration', values.duration] : []), ...(values.fixed ? ['--fixed'] : []), '--json', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.resume();
  let rss = 0;
  const sampler = setInterval(() => (rss = Math.max(rss, peakRss(child.pid))), 250);
  // Interrupt somewhere within the expected length of a run (on the netns driver the two
  // scenarios run side by side: two arms of load each plus set-up).
  const expectedMs = 2 * parseDurationMs(duration) + 6000;
  let delivered = false;
  if (interrupt) {
    setTimeout(() => {
      delivered = child.exitCode === null && child.signalCode === null;
      child.kill(interrupt);
    }, 500 + Math.random() * expectedMs);
  }
  const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? s)));
  clearInterval(sampler);
  stats.rssKb.push(rss);
  stats.exitCodes[code] = (stats.exitCodes[code] ?? 0) + 1;
  if (code === 'SIGKILL') {
    stats.killed += 1;
    execFileSync('node', [bin, 'cleanup'], { stdio: 'ignore' });
  } else if (code === 130) stats.interrupted += 1;
  if (code === 0) {
    const doc = JSON.parse(stdout);
    if (typeof doc.timeToVerdictSec === 'number') stats.ttv.push(doc.timeToVerdictSec);
    for (const run of doc.runs) {
      const o = run.verdict.outcome;
      stats.outcomes[`${run.scenario.name}: ${o}`] = (stats.outcomes[`${run.scenario.name}: ${o}`] ?? 0) + 1;
      if (MUST_NOT_REPRODUCE.includes(run.scenario.name) && o === 'reproduced') stats.falseReproduced += 1;
      if (MUST_REPRODUCE.includes(run.scenario.name) && o !== 'reproduced') stats.missed += 1;
    }
  }
  const left = leftovers();
  if (left.length > 0) stats.leftoverRuns += 1;
  process.stderr.write(`run ${i}/${runs}: ${interrupt && delivered ? interrupt : 'uninterrupted'} -> exit ${code}, peak RSS ${(rss / 1024).toFixed(0)} MiB, leftovers ${left.length}\n`);
}
const complete = stats.rssKb.filter((x) => x > 0);
const firstHalf = complete.slice(0, Math.ceil(complete.length / 2));
const secondHalf = complete.slice(Math.ceil(complete.length / 2));
const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const report = {
  runs,
  durationPerArm: duration,
  stopping: values.fixed ? 'fixed' : 'sequential',
  timeToVerdictSec: stats.ttv.length ? { mean: mean(stats.ttv), min: Math.min(...stats.ttv), max: Math.max(...stats.ttv) } : null,
  interruptRate: rate,
  interruptedBySigint: stats.interrupted,
  killedAndCleanedUp: stats.killed,
  exitCodes: stats.exitCodes,
  verdicts: stats.outcomes,
  falseReproducedOnProtectedOrControl: stats.falseReproduced,
  mustNotReproduce: MUST_NOT_REPRODUCE,
  missedReproductions: stats.missed,
  mustReproduce: MUST_REPRODUCE,
  runsWithLeftovers: stats.leftoverRuns,
  cliPeakRssMiB: { firstHalfMean: mean(firstHalf) / 1024, secondHalfMean: mean(secondHalf) / 1024, max: Math.max(0, ...complete) / 1024 },
  resultsDir: out,
  leftoverResultTempFiles: readdirSync(out).flatMap((d) => { try { return readdirSync(join(out, d)).filter((f) => f.includes('.rl-tmp-')); } catch { return []; } }).length,
};
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
process.exit(stats.falseReproduced === 0 && stats.leftoverRuns === 0 ? 0 : 1);
