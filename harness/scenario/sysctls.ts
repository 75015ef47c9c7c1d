/**
 * The sysctls an arm may set: per-network-namespace keys that matter for conntrack and IPVS,
 * each with its allowed integer values. Anything else is an input problem naming the key. Pure.
 */
import { z } from 'zod';
import { describeValue, isMapping } from './messages.js';

/** One allowed sysctl (or family of them) and its allowed integer values. */
export interface SysctlRule {
  /** The key as written, or a pattern for a family; `label` names the family in messages. */
  key: string | RegExp;
  label: string;
  min: number;
  max: number;
}

const exact = (key: string, min: number, max: number): SysctlRule => ({ key, label: key, min, max });

/** Per-network-namespace sysctls an arm may set; anything else is an input problem. */
export const SYSCTL_RULES: readonly SysctlRule[] = [
  exact('net.netfilter.nf_conntrack_tcp_be_liberal', 0, 1),
  exact('net.netfilter.nf_conntrack_tcp_loose', 0, 1),
  exact('net.netfilter.nf_conntrack_tcp_ignore_invalid_rst', 0, 1),
  exact('net.netfilter.nf_conntrack_log_invalid', 0, 255),
  // The kernel stores these as C ints, so 2^31 - 1 is the largest value it accepts.
  { key: /^net\.ipv4\.vs\.[a-z_]+$/, label: 'net.ipv4.vs.*', min: 0, max: 2 ** 31 - 1 },
];

/** The rule allowing `key`, or undefined when the key is not allowed. */
export function sysctlRule(key: string): SysctlRule | undefined {
  return SYSCTL_RULES.find((r) => (typeof r.key === 'string' ? r.key === key : r.key.test(key)));
}

/** An arm's `sysctls`: a non-empty mapping of allowed keys to integers within each key's range. */
export const Sysctls = z
  .custom<Record<string, number>>(isMapping, {
    error: (iss) => (iss.input === undefined ? 'required' : `expected a mapping of sysctl: value, got ${describeValue(iss.input)}`),
  })
  .transform((rec, ctx) => {
    const entries = Object.entries(rec);
    if (entries.length === 0) ctx.addIssue({ code: 'custom', message: 'must set at least one sysctl', input: rec });
    for (const [key, value] of entries) {
      const rule = sysctlRule(key);
      const fail = (message: string) => ctx.addIssue({ code: 'custom', message, input: value, path: [key] });
      if (!rule) fail(`not an allowed sysctl; allowed: ${SYSCTL_RULES.map((r) => r.label).join(', ')}`);
      else if (typeof value !== 'number' || !Number.isInteger(value)) fail(`expected an integer, got ${describeValue(value)}`);
      else if (value < rule.min || value > rule.max) {
        fail(`${rule.max - rule.min === 1 ? `must be ${rule.min} or ${rule.max}` : `must be between ${rule.min} and ${rule.max}`} (got ${value})`);
      }
    }
    return rec;
  });
