/**
 * The `rps:` knob (scenario level, or per arm to override it): Receive Packet Steering on node
 * interfaces, i.e. `rps_cpus` and `rps_flow_cnt` of every receive queue. Pure: masks are
 * checked against a CPU count that the caller passes (the schema uses this machine's).
 *
 * ```yaml
 * rps: { cpus: "3", flowCnt: 0, nodes: [node-a, node-b], interfaces: [wire0] }
 * ```
 * `cpus` is the hex mask the kernel takes ("0" = RPS off); `flowCnt` is the per-queue RFS
 * flow table size (0 or a power of two). RFS itself also needs the global
 * `net.core.rps_sock_flow_entries`, which only exists in the host's namespace: resetlab never
 * sets it, so with its default (0) RFS stays inactive whatever `flowCnt` says.
 */
import { cpus as hostCpus } from 'node:os';
import { z } from 'zod';
import { describeValue } from './messages.js';

/** Largest `flowCnt` accepted: 2^20 entries per queue (the kernel rejects 2^31 and more). */
export const MAX_RPS_FLOW_CNT = 2 ** 20;

/** Interface names as the kernel allows them (1-15 chars, no '/', no spaces); also keeps shell scripts safe. */
export const IFNAME_PATTERN = /^[A-Za-z0-9_.-]{1,15}$/;

/** The node roles whose interfaces `rps` may change. */
export const RPS_NODES = ['node-a', 'node-b'] as const;

/**
 * Why `mask` is not a valid `rps_cpus` value for a machine with `cpuCount` CPUs, or undefined.
 * Accepts hex digits with optional comma-separated 32-bit groups ("3", "0f", "00000000,00000003").
 */
export function rpsMaskProblem(mask: string, cpuCount: number): string | undefined {
  if (!/^[0-9a-fA-F]+(,[0-9a-fA-F]+)*$/.test(mask)) {
    return `expected a hex CPU mask such as "3" (CPUs 0 and 1) or "0" (RPS off), got ${describeValue(mask)}`;
  }
  const value = rpsMaskValue(mask);
  const allowed = (1n << BigInt(cpuCount)) - 1n;
  if ((value & ~allowed) !== 0n) {
    const top = value.toString(2).length - 1;
    return `mask ${mask} names CPU ${top}, but this machine has ${cpuCount} CPU${cpuCount === 1 ? '' : 's'} (largest mask: ${allowed.toString(16)})`;
  }
  return undefined;
}

/** The numeric value of a mask in the kernel's format (hex, commas between 32-bit groups). */
export function rpsMaskValue(mask: string): bigint {
  const groups = mask.trim().split(',');
  return groups.reduce((acc, g) => (acc << (groups.length > 1 ? 32n : 0n)) | BigInt(`0x${g || '0'}`), 0n);
}

/** The canonical form of a mask: lowercase hex, no leading zeros or commas ("00000003" -> "3"). */
export function normalizeRpsMask(mask: string): string {
  return rpsMaskValue(mask).toString(16);
}

/** Why `n` is not a valid `rps_flow_cnt`, or undefined (the kernel rounds other values up, so read-back would differ). */
export function rpsFlowCntProblem(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 0 || n > MAX_RPS_FLOW_CNT) return `expected an integer between 0 and ${MAX_RPS_FLOW_CNT} (got ${n})`;
  if (n !== 0 && (n & (n - 1)) !== 0) return `must be 0 or a power of two: the kernel rounds ${n} up to ${2 ** Math.ceil(Math.log2(n))}`;
  return undefined;
}

/** The mask field: a string (or a single digit 0-9, the same in hex and decimal), checked against `cpuCount`. */
function maskSchema(cpuCount: number) {
  return z
    .custom<string | number>((v) => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 9), {
      error: (iss) =>
        iss.input === undefined
          ? 'required'
          : `expected a hex mask as a quoted string, e.g. "3" (numbers above 9 are ambiguous), got ${describeValue(iss.input)}`,
    })
    .transform((v, ctx) => {
      const text = String(v).trim();
      const problem = rpsMaskProblem(text, cpuCount);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem, input: v });
        return z.NEVER;
      }
      return normalizeRpsMask(text);
    });
}

/** The `rps` schema for a machine with `cpuCount` CPUs (unknown keys are errors). */
export function rpsSpec(cpuCount: number) {
  return z.strictObject({
    cpus: maskSchema(cpuCount),
    flowCnt: z
      .number()
      .default(0)
      .superRefine((n, ctx) => {
        const p = rpsFlowCntProblem(n);
        if (p) ctx.addIssue({ code: 'custom', message: p, input: n });
      }),
    nodes: z.array(z.enum(RPS_NODES)).min(1).max(RPS_NODES.length).default(() => [...RPS_NODES]),
    interfaces: z
      .array(z.string().regex(IFNAME_PATTERN, { error: (iss) => `not an interface name: ${describeValue(iss.input)}` }))
      .min(1)
      .max(8)
      .default(() => ['wire0']),
  });
}

/** The `rps` schema for this machine (its CPU count, as `os.cpus()` reports it). */
export const RpsSpec = rpsSpec(Math.max(1, hostCpus().length));

/** A validated `rps` setting: canonical mask, flow count, nodes and interfaces. */
export type RpsSpec = z.output<typeof RpsSpec>;
