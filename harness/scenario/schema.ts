/**
 * The scenario file (v1, DESIGN.md "Scenario file"): a zod schema with every default in one
 * place, the `Scenario` type the rest of resetlab consumes, and `validateScenario`, which
 * turns parsed YAML into a `Scenario` or into every problem at once. Pure.
 */
import { z } from 'zod';
import type { InputProblem } from '../errors.js';
import { formatDuration, parseDuration } from './duration.js';
import { describeValue, isMapping, issuesToProblems, zodMessage } from './messages.js';
import { DEFAULT_KUBE_PROXY_VERSION, modeProblem, parseKubeProxyVersion } from '../dataplane/index.js';
import { RpsSpec } from './rps.js';
import { Sysctls } from './sysctls.js';

/** Scenario names end up in directory names: lowercase letters, digits, '-'; 1-40 chars. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Bounds shared by the schema and the CLI flags that override it. */
export const LIMITS = {
  durationMs: { min: 1_000, max: 600_000 },
  trials: { min: 1, max: 50 },
} as const;

/** Message when `ms` is outside the allowed load duration, else undefined. */
export function checkDurationMs(ms: number): string | undefined {
  const { min, max } = LIMITS.durationMs;
  if (Number.isFinite(ms) && ms >= min && ms <= max) return undefined;
  const secs = (n: number) => (n < 1000 ? `${n}ms` : `${n / 1000}s`);
  return `must be between ${secs(min)} and ${secs(max)} (got ${secs(ms)})`;
}

// Bounds before .int(): a huge value then reports the bound, not "<= MAX_SAFE_INTEGER".
const int = (min: number, max: number) => z.number().min(min).max(max).int();

const Duration = z
  .custom<string | number>((v) => typeof v === 'string' || typeof v === 'number', {
    error: (iss) =>
      iss.input === undefined ? 'required' : `expected a duration such as "10s", "500ms" or "2m30s", got ${describeValue(iss.input)}`,
  })
  .transform((v, ctx) => {
    let ms: number;
    try {
      ms = parseDuration(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message, input: v });
      return z.NEVER;
    }
    const problem = checkDurationMs(ms);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: v });
    return ms;
  });

/**
 * Where the client sits and how the Service is proxied: together the knobs pick one of the
 * Service paths users have (lab/topology.ts): `client: pod` (-> ClusterIP; `masquerade: true`
 * is kube-proxy's masqueradeAll), `client: external` (a source outside the cluster CIDR, routed
 * via node-a), `client: node` (node-originated), `service: nodePort` (the client targets
 * node-a's address and `nodePort`, externalTrafficPolicy Cluster), `hairpin: true` (the
 * Service's only endpoint is the client's own pod; needs `client: pod`).
 *
 * kube-proxy as the node runs it: `kubeProxyVersion` (the modelled release, default
 * DEFAULT_KUBE_PROXY_VERSION), `beLiberalAtStart` (nf_conntrack_tcp_be_liberal on node-a when
 * kube-proxy started: v1.29+ iptables mode writes its INVALID drop only when it was 0) and
 * `dropInvalid` (`auto`: as that version does; `true`/`false`: a lab override, said so in the result).
 */
export const TopologySpec = z
  .strictObject({
    proxyMode: z.enum(['auto', 'ipvs', 'iptables', 'nftables']).default('auto'),
    client: z.enum(['pod', 'node', 'external']).default('pod'),
    service: z.enum(['clusterIP', 'nodePort']).default('clusterIP'),
    nodePort: int(30000, 32767).optional(),
    hairpin: z.boolean().default(false),
    masquerade: z.boolean().default(false),
    dropInvalid: z.union([z.literal('auto'), z.boolean()], { error: (iss) => `expected auto, true or false, got ${describeValue(iss.input)}` }).default('auto'),
    kubeProxyVersion: z.string().default(DEFAULT_KUBE_PROXY_VERSION),
    beLiberalAtStart: z.union([z.literal(0), z.literal(1)], { error: (iss) => `expected 0 or 1 (nf_conntrack_tcp_be_liberal when kube-proxy started), got ${describeValue(iss.input)}` }).default(0),
    servicePort: int(1, 65535).default(80),
    serverPort: int(1, 65535).default(8080),
  })
  .superRefine((t, ctx) => {
    if (t.hairpin && t.client !== 'pod') {
      ctx.addIssue({ code: 'custom', path: ['hairpin'], message: `hairpin needs client: pod (the backend is the client's own pod), got client: ${t.client}`, input: t.hairpin });
    }
    if (t.nodePort !== undefined && t.service !== 'nodePort') {
      ctx.addIssue({ code: 'custom', path: ['nodePort'], message: 'nodePort is only used with service: nodePort', input: t.nodePort });
    }
    const v = parseKubeProxyVersion(t.kubeProxyVersion);
    if ('problem' in v) ctx.addIssue({ code: 'custom', path: ['kubeProxyVersion'], message: v.problem, input: t.kubeProxyVersion });
    else {
      const m = modeProblem(t.proxyMode, v.version);
      if (m) ctx.addIssue({ code: 'custom', path: ['proxyMode'], message: m, input: t.proxyMode });
    }
  });

/**
 * A load shape with idle gaps: every connection sends `afterRequests` requests, then stays
 * open and silent for `gap`, then goes on (keep-alive connections that go idle, the shape
 * IPVS idle expiry needs). `gap` becomes `gapMs`.
 */
export const IdleSpec = z
  .strictObject({ afterRequests: int(1, 1_000_000), gap: Duration })
  .transform(({ afterRequests, gap }) => ({ afterRequests, gapMs: gap }));

/** The HTTP load; `duration` in the file becomes `durationMs` in the `Scenario`. */
export const LoadSpec = z
  .strictObject({
    connections: int(1, 2000).default(50),
    duration: Duration.prefault('10s'),
    responseBytes: int(1, 16_777_216).default(65_536),
    pipelining: int(1, 64).default(1),
    idle: IdleSpec.optional(),
  })
  .transform(({ connections, duration, responseBytes, pipelining, idle }) => ({
    connections,
    durationMs: duration,
    responseBytes,
    pipelining,
    ...(idle ? { idle } : {}),
  }));

/** The kinds of `fault`, in the order messages list them. */
export const FAULT_KINDS = ['none', 'inject', 'delayed-duplicates', 'conntrack-flush', 'ipvs-idle-expiry'] as const;

function faultKindMessage(fault: unknown): string {
  const kind = isMapping(fault) ? fault['kind'] : undefined;
  const expected = `expected one of ${FAULT_KINDS.join(', ')}`;
  if (kind === undefined) return `required; ${expected}`;
  return typeof kind === 'string' ? `unknown fault ${JSON.stringify(kind)}; ${expected}` : `${expected}, got ${describeValue(kind)}`;
}

/** What disturbs the connections while the load runs. */
export const FaultSpec = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('none') }),
    z.strictObject({
      kind: z.literal('inject'),
      offset: z.enum(['above-window', 'below-window']).default('above-window'),
      ratePerSecond: z.number().gt(0).max(10_000).default(50),
    }),
    z.strictObject({
      kind: z.literal('delayed-duplicates'),
      fraction: z.number().gt(0).max(0.5).default(0.0005),
      delayMs: int(1, 5000).default(200),
    }),
    z.strictObject({ kind: z.literal('conntrack-flush'), intervalMs: int(100, 60_000).default(2000) }),
    /** IPVS's TCP (established) timeout shortened to `tcpTimeoutSec` in node-a's namespace (IPVS mode; a control elsewhere). */
    z.strictObject({ kind: z.literal('ipvs-idle-expiry'), tcpTimeoutSec: int(1, 86_400).default(3) }),
  ],
  { error: (iss) => (iss.code === 'invalid_union' ? faultKindMessage(iss.input) : undefined) },
);

/**
 * IPVS timeouts in seconds as `ipvsadm --set tcp tcpfin udp` (kube-proxy's --ipvs-tcp-timeout,
 * --ipvs-tcpfin-timeout, --ipvs-udp-timeout) would write them in node-a's namespace; an absent
 * value keeps the lab's (IPVS mode only).
 */
export const IpvsTimeoutsSpec = z.strictObject({
  tcp: int(1, 86_400 * 30).optional(),
  tcpFin: int(1, 86_400 * 30).optional(),
  udp: int(1, 86_400 * 30).optional(),
});

/**
 * The client's TCP keepalive: SO_KEEPALIVE with TCP_KEEPIDLE = `idle` (whole seconds) on every
 * load connection. `idle` becomes `idleMs`.
 */
export const KeepaliveSpec = z.strictObject({ idle: Duration }).transform(({ idle }) => ({ idleMs: idle }));

/**
 * One arm: a named set of fixes applied before its load: sysctls (node-a and the other data
 * plane nodes), IPVS timeouts, the client's TCP keepalive, an INVALID drop of its own on node-a
 * (`dropInvalid: true`, lab/arm-invalid-drop.ts); `rps` (optional) replaces the scenario's for
 * this arm.
 */
export const ArmSpec = z
  .strictObject({
    name: z.string().min(1).max(40),
    sysctls: Sysctls.optional(),
    ipvsTimeouts: IpvsTimeoutsSpec.optional(),
    keepalive: KeepaliveSpec.optional(),
    dropInvalid: z.literal(true, { error: 'set true to add an INVALID drop on node-a for this arm (omit it otherwise)' }).optional(),
    rps: RpsSpec.optional(),
  })
  .superRefine((a, ctx) => {
    if (a.sysctls === undefined && a.ipvsTimeouts === undefined && a.keepalive === undefined && a.dropInvalid === undefined) {
      ctx.addIssue({ code: 'custom', path: ['sysctls'], message: 'required: an arm sets sysctls, ipvsTimeouts, keepalive or dropInvalid', input: undefined });
    }
  })
  .transform(({ sysctls, ...rest }) => ({ ...rest, sysctls: sysctls ?? {} }));

const defaultArms = () => [
  { name: 'liberal=0', sysctls: { 'net.netfilter.nf_conntrack_tcp_be_liberal': 0 } },
  { name: 'liberal=1', sysctls: { 'net.netfilter.nf_conntrack_tcp_be_liberal': 1 } },
];

/** The scenario file schema. Unknown keys are errors at every level. */
export const ScenarioFile = z.strictObject({
  name: z.string().regex(NAME_PATTERN, {
    error: (iss) => `must be 1-40 lowercase letters, digits or '-', not starting with '-' (got ${describeValue(iss.input)})`,
  }),
  description: z.string().optional(),
  topology: TopologySpec.prefault({}),
  load: LoadSpec.prefault({}),
  fault: FaultSpec.default(() => ({ kind: 'inject' as const, offset: 'above-window' as const, ratePerSecond: 50 })),
  arms: z.array(ArmSpec).min(1).max(16).default(defaultArms),
  trials: int(LIMITS.trials.min, LIMITS.trials.max).default(1),
  /** Receive Packet Steering on node interfaces for every arm (scenario/rps.ts); absent: left as the lab has it. */
  rps: RpsSpec.optional(),
});

/** A scenario file as written (the input side: everything but `name` optional). */
export type ScenarioFile = z.input<typeof ScenarioFile>;
/** `Scenario['topology']`: where the client sits and how the Service is proxied. */
export type TopologySpec = z.output<typeof TopologySpec>;
/** `Scenario['load']`: the HTTP load, with its duration in milliseconds. */
export type LoadSpec = z.output<typeof LoadSpec>;
/** `Scenario['fault']`: one fault kind with its parameters filled in. */
export type FaultSpec = z.output<typeof FaultSpec>;
/** One of `Scenario['arms']`: a name and the sysctls set before its load. */
export type ArmSpec = z.output<typeof ArmSpec>;
/** A validated scenario with defaults filled in; `source` is the file path or "built-in:<name>". */
export type Scenario = z.output<typeof ScenarioFile> & { source: string };

/** Arm names must be unique; checked on the raw input so that it runs whatever else is wrong. */
function duplicateArmIssues(data: unknown): z.core.$ZodIssue[] {
  const arms = isMapping(data) ? data['arms'] : undefined;
  if (!Array.isArray(arms)) return [];
  const first = new Map<string, number>();
  const issues: z.core.$ZodIssue[] = [];
  arms.forEach((arm, i) => {
    const name = isMapping(arm) ? arm['name'] : undefined;
    if (typeof name !== 'string') return;
    const j = first.get(name);
    if (j === undefined) first.set(name, i);
    else issues.push({ code: 'custom', path: ['arms', i, 'name'], message: `duplicate arm name ${JSON.stringify(name)} (same as arms[${j}].name)`, input: name });
  });
  return issues;
}

/**
 * Validates parsed YAML as a scenario from `file` (used in problems) and returns it with
 * defaults filled in and `source` set, or every problem found.
 */
export function validateScenario(
  data: unknown,
  file: string,
  source: string,
): { ok: true; scenario: Scenario } | { ok: false; problems: InputProblem[] } {
  const result = ScenarioFile.safeParse(data, { error: zodMessage });
  const issues = [...(result.success ? [] : result.error.issues), ...duplicateArmIssues(data)];
  if (issues.length > 0 || !result.success) return { ok: false, problems: issuesToProblems(file, issues) };
  return { ok: true, scenario: { ...result.data, source } };
}

/** The file form of a scenario (inverse of validation, `source` dropped): writing it back gives the same `Scenario`. */
export function toScenarioFile(s: Scenario): ScenarioFile {
  const { source: _source, load, arms, ...rest } = s;
  const { durationMs, idle, ...loadRest } = load;
  return {
    ...rest,
    load: { ...loadRest, duration: formatDuration(durationMs), ...(idle ? { idle: { afterRequests: idle.afterRequests, gap: formatDuration(idle.gapMs) } } : {}) },
    arms: arms.map(({ keepalive, sysctls, ...a }) => ({
      ...a,
      ...(Object.keys(sysctls).length > 0 ? { sysctls } : {}),
      ...(keepalive ? { keepalive: { idle: formatDuration(keepalive.idleMs) } } : {}),
    })),
  };
}
