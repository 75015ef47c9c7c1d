/**
 * Readable numbers for verdict explanations. Pure and locale-independent (same text everywhere).
 */
import type { ArmResult } from '../report/schema.js';

/** A p-value with 3 significant digits, or "< 1e-12" below that (plain decimals down to 1e-4). */
export function formatP(p: number): string {
  if (p < 1e-12) return '< 1e-12';
  if (p >= 1e-4) return String(Number(p.toPrecision(3)));
  const [mantissa = '0', exponent = '0'] = p.toExponential(2).split('e');
  return `${mantissa}e${Number(exponent)}`;
}

/** A rate (e.g. per million): whole numbers from 100 up, else 3 significant digits; "0" for 0. */
export function formatRate(x: number): string {
  if (x === 0) return '0';
  if (x >= 100) return String(Math.round(x));
  return String(Number(x.toPrecision(3)));
}

/**
 * "332 resets in 102751 requests (3231 per million, 95% CI 2893-3598)" for an arm; as the
 * verdict counts it, "16 resets (3 ECONNRESET + 13 the client had not seen) in ..." when
 * `resets` includes `unseen` such resets (verdict/unseen.ts).
 */
export function describeArm(arm: ArmResult, unseen = 0): string {
  const r = arm.resetRate;
  const split = unseen > 0 ? ` (${arm.resets - unseen} ECONNRESET + ${unseen} the client had not seen)` : '';
  return (
    `${arm.resets} reset${arm.resets === 1 ? '' : 's'}${split} in ${arm.requests} requests with ${arm.name} ` +
    `(${formatRate(r.perMillion)} per million, 95% CI ${formatRate(r.low)}-${formatRate(r.high)})`
  );
}

/** Parses "6.18.44-foo" into [6, 18]; null when the release does not start with major.minor. */
export function parseKernel(release: string): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(release.trim());
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** True when `release` parses and is at least major.minor. */
export function kernelAtLeast(release: string, major: number, minor: number): boolean {
  const v = parseKernel(release);
  return v !== null && (v[0] > major || (v[0] === major && v[1] >= minor));
}
