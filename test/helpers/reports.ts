/**
 * Report fixtures for unit tests: real runs captured on this project's CI machine
 * (test/fixtures/reports/ci-*.json), parsed with the schema, and a helper that rewrites an
 * arm's counts consistently (rate and interval recomputed as the pipeline does).
 */
import { readFileSync } from 'node:fs';
import { RunReport, type ArmResult } from '../../harness/report/schema.js';
import { poissonInterval } from '../../harness/verdict/index.js';

/** Path of a fixture report. */
export const fixturePath = (name: 'ci-over-window' | 'ci-none'): string =>
  new URL(`../fixtures/reports/${name}.json`, import.meta.url).pathname;

/** A fresh, validated copy of a fixture report (safe to mutate). */
export function loadFixture(name: 'ci-over-window' | 'ci-none'): RunReport {
  return RunReport.parse(JSON.parse(readFileSync(fixturePath(name), 'utf8')));
}

/** The arm with new request and reset counts, its reset rate recomputed. */
export function withCounts(arm: ArmResult, requests: number, resets: number): ArmResult {
  return { ...arm, requests, resets, errors: resets ? { ECONNRESET: resets } : {}, resetRate: poissonInterval(resets, requests) };
}
