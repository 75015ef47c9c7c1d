/**
 * Report fixtures for unit tests: real runs captured on this project's CI machine
 * (test/fixtures/reports/ci-*.json), parsed with the schema, and a helper that rewrites an
 * arm's counts consistently (rate and interval recomputed as the pipeline does).
 */
import { readFileSync } from 'node:fs';
import { RunReport, type ArmResult } from '../../harness/report/schema.js';
import { poissonInterval } from '../../harness/verdict/index.js';

/**
 * The captured runs: over-window and none at full length (1 s ticks only), an early-stopped
 * over-window run of `resetlab reproduce` with 0.2 s samples, and a four-arm over-window run.
 */
export type FixtureName = 'ci-over-window' | 'ci-none' | 'ci-early-stopped' | 'ci-four-arms';

/** Path of a fixture report. */
export const fixturePath = (name: FixtureName): string =>
  new URL(`../fixtures/reports/${name}.json`, import.meta.url).pathname;

/** A fresh, validated copy of a fixture report (safe to mutate). */
export function loadFixture(name: FixtureName): RunReport {
  return RunReport.parse(JSON.parse(readFileSync(fixturePath(name), 'utf8')));
}

/** The arm with new request and reset counts, its reset rate recomputed. */
export function withCounts(arm: ArmResult, requests: number, resets: number): ArmResult {
  return { ...arm, requests, resets, errors: resets ? { ECONNRESET: resets } : {}, resetRate: poissonInterval(resets, requests) };
}
