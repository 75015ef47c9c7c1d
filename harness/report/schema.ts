/**
 * The versioned result document (`resetlab/run@1`). Everything the CLI prints or writes is
 * rendered from one `RunReport`. The zod schema is exported so that consumers (CI, `compare`,
 * `report`) validate what they read. Extend with optional fields; never rename or remove.
 */
import { z } from 'zod';

/** Kernel evidence for one arm: differences of kernel counters over the arm (never estimated). */
export const Evidence = z.object({
  /** Segments the injector sent (0 when the fault does not inject). */
  injected: z.number().int().nonnegative(),
  /** `invalid` column of /proc/net/stat/nf_conntrack on the proxy node (node-a), summed over CPUs. */
  conntrackInvalid: z.number().int().nonnegative(),
  /** Segments the kernel logged as ignored by window tracking (set only where that log is read; issue 3). */
  conntrackIgnored: z.number().int().nonnegative().optional(),
  /** Packets dropped by the INVALID-drop rule on node-a (0 when the rule is absent). */
  invalidDropped: z.number().int().nonnegative(),
  /** Packets dropped by the arm's own INVALID drop (`arms[].dropInvalid`; only in arms that add it). */
  armInvalidDropped: z.number().int().nonnegative().optional(),
  /** Segments that reached the client side (client, node-a) with the backend pod's address as source (escaped reverse NAT). */
  leakedUnNatted: z.number().int().nonnegative(),
  /** Injected segments that reached the client side reverse-NATed from the VIP: conntrack accepted them. */
  injectedNatted: z.number().int().nonnegative().optional(),
  /** `Tcp: OutRsts` on the client side (the client's namespace, plus node-a when the client is a pod). */
  clientRstsSent: z.number().int().nonnegative(),
  /** `Tcp: EstabResets` in the server's namespace. */
  serverResets: z.number().int().nonnegative(),
  /**
   * IPVS mode only, from node-a's `/proc/net/ip_vs_stats` (after - before): connections IPVS
   * scheduled, packets it handled in (client -> real server) and out (real server -> client:
   * every reply IPVS un-NATed itself, whatever conntrack judged).
   */
  ipvsConns: z.number().int().nonnegative().optional(),
  /** `Tcp: OutRsts` of node-a alone (also inside `clientRstsSent` when the client is a pod). */
  nodeRstsSent: z.number().int().nonnegative().optional(),
  /** RST segments from the VIP:port received by the client side (nft counter). */
  vipResetsReceived: z.number().int().nonnegative().optional(),
  /**
   * IPVS mode, `ipvs-idle-expiry` fault: connection entries (first seen during the arm) that
   * left IPVS's table (`ipvsadm -Lnc`, polled) while ESTABLISHED, i.e. expired, not closed.
   */
  ipvsExpired: z.number().int().nonnegative().optional(),
  ipvsInPackets: z.number().int().nonnegative().optional(),
  ipvsOutPackets: z.number().int().nonnegative().optional(),
  /**
   * Inject faults with a RST capture only (counters/fates.ts): the leaked segments the capture
   * identified (a client-side RST carrying a forged segment's ack); `repeats` of them hit a
   * request an earlier one had hit (the client retransmitted it); the other `connections`
   * (= segments - repeats) are counted by what then happened to the connection:
   * connections = econnreset + otherError + closed + timedOut + hungAtStop + survived + unmatched.
   */
  leakFates: z
    .object({
      segments: z.number().int().nonnegative(),
      repeats: z.number().int().nonnegative(),
      connections: z.number().int().nonnegative(),
      econnreset: z.number().int().nonnegative(),
      otherError: z.number().int().nonnegative(),
      closed: z.number().int().nonnegative(),
      timedOut: z.number().int().nonnegative(),
      hungAtStop: z.number().int().nonnegative(),
      survived: z.number().int().nonnegative(),
      unmatched: z.number().int().nonnegative(),
      /** Of the connections: the server itself later sent a RST to that port (it had no socket for it any more). */
      serverAnsweredRst: z.number().int().nonnegative(),
    })
    .optional(),
});
export type Evidence = z.infer<typeof Evidence>;

/** Latency percentiles in milliseconds, from autocannon's histogram. */
export const Latency = z.object({
  p50: z.number(),
  p90: z.number(),
  p99: z.number(),
  max: z.number(),
  mean: z.number(),
});
export type Latency = z.infer<typeof Latency>;

/** One second of load: requests completed and ECONNRESETs seen in that second. */
export const Tick = z.object({ second: z.number().int(), requests: z.number().int(), resets: z.number().int() });
export type Tick = z.infer<typeof Tick>;

/**
 * The load agent's counters over short intervals: requests completed and ECONNRESETs in the
 * interval ending `endMs` after the agent started (it began where the previous one ended, the
 * first at 0). Samples come every `samplePeriodMs`; the last one ends when the load ended.
 */
export const Sample = z.object({ endMs: z.number().int().nonnegative(), requests: z.number().int().nonnegative(), resets: z.number().int().nonnegative() });
export type Sample = z.infer<typeof Sample>;

/** Why an arm (or one trial of it) stopped, and what it had shown then. */
export const Stopping = z.object({
  /** `decided`: its part of the verdict was settled; `max-duration`: it ran its full duration; `interrupted`: a signal stopped it. */
  reason: z.enum(['decided', 'max-duration', 'interrupted']),
  /** What was settled (`positive`/`clean` for the baseline, or the run's decision), when `decided`. */
  settled: z.string().optional(),
  /** Counts at the moment of the decision (the load then stops; the arm's totals include what was in flight). */
  requests: z.number().int().nonnegative(),
  resets: z.number().int().nonnegative(),
  /** Seconds of load in the arm up to the decision (summed over its trials/blocks). */
  seconds: z.number().nonnegative(),
  /** The e-values and anytime-valid upper bound (per million) at the decision. */
  evidence: z.record(z.string(), z.number()).optional(),
  /** Fixed-duration runs (`--fixed`) never stop early. */
  mode: z.enum(['sequential', 'fixed']),
});
export type Stopping = z.infer<typeof Stopping>;

/** One trial of one arm, as measured. */
export const TrialResult = z.object({
  trial: z.number().int().positive(),
  /** Sysctls read back on each node before the load, `{ node: { key: value } }`. */
  sysctlsByNode: z.record(z.string(), z.record(z.string(), z.number())),
  requests: z.number().int().nonnegative(),
  /** Connections reset by peer (ECONNRESET), once per connection whatever the pipelining. */
  resets: z.number().int().nonnegative(),
  /** Failed requests by error code (with pipelining N, one broken connection fails N requests). */
  errors: z.record(z.string(), z.number().int().nonnegative()),
  durationSec: z.number().nonnegative(),
  throughputBytesPerSec: z.number().nonnegative(),
  requestsPerSec: z.number().nonnegative(),
  latencyMs: Latency,
  evidence: Evidence,
  /** What the fault measured about itself (e.g. segments sniffed, flushes run). */
  faultDetails: z.record(z.string(), z.unknown()).optional(),
  ticks: z.array(Tick),
  /** Period of `samples` in ms (absent in reports written before samples were recorded). */
  samplePeriodMs: z.number().int().positive().optional(),
  /** The load in `samplePeriodMs` intervals, for timelines finer than `ticks` (real counts, see `Sample`). */
  samples: z.array(Sample).optional(),
  /** Broken connections by error code (one per connection; `resets` is the ECONNRESET entry). */
  connectionErrors: z.record(z.string(), z.number().int().nonnegative()).optional(),
  /** Data-plane rules present at the start of the trial, per node (the driver's summary lines). */
  dataPlaneRules: z.record(z.string(), z.array(z.string())).optional(),
  /** Why this trial cannot be trusted (agent killed at deadline, sysctl changed under us, ...). Empty if fine. */
  disturbed: z.array(z.string()),
  /** RPS read back before the load, `{ node: { "wire0/rx-0/rps_cpus": "3", ... } }` (only when the scenario sets `rps`). */
  rps: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  /** Why this trial (or interleaved block) stopped. */
  stopping: Stopping.optional(),
  /** Each leaked segment the RST capture identified, with its connection's fate (counters/fates.ts). */
  leakedConnections: z
    .array(
      z.object({
        at: z.number(), port: z.number().int(), ack: z.number().int(), rstAt: z.number(), serverRstAt: z.number().optional(),
        fate: z.string(), code: z.string().optional(), endedAfterMs: z.number().nullable().optional(),
        responsesAfter: z.number().int().optional(), pendingBytes: z.number().int().optional(), repeat: z.boolean().optional(),
      }),
    )
    .optional(),
  /**
   * The raw material of `leakedConnections`, restricted to the client ports some RST named: the
   * injector's hits, tcpdump's RST lines, the load agent's socket records. Kept so the join can
   * be checked or redone from the report; `problem` says why there is none (e.g. no tcpdump).
   */
  connectionTrace: z
    .object({
      hits: z.array(z.record(z.string(), z.unknown())).optional(),
      rstLines: z.array(z.string()).optional(),
      connections: z.array(z.record(z.string(), z.unknown())).optional(),
      problem: z.string().optional(),
    })
    .optional(),
  /** IPVS mode: node-a's IPVS timeouts (seconds) in force during the load, read back (`ipvsadm -L --timeout`). */
  ipvsTimeouts: z.object({ tcp: z.number(), tcpFin: z.number(), udp: z.number() }).optional(),
  /** The client's TCP keepalive, when the arm sets it: seconds as set on every load connection. */
  keepalive: z.object({ idleSec: z.number(), intervalSec: z.number(), probes: z.number(), setBy: z.string() }).optional(),
  /** The INVALID drop the arm added on node-a (`arms[].dropInvalid`), as the report names it. */
  armInvalidDrop: z.string().optional(),
});
export type TrialResult = z.infer<typeof TrialResult>;

/** One arm: its trials pooled (sums of counts; throughput and latency from the trials). */
export const ArmResult = z.object({
  name: z.string(),
  /** Read back from the proxy node (node-a), not assumed. */
  sysctls: z.record(z.string(), z.number()),
  requests: z.number().int().nonnegative(),
  resets: z.number().int().nonnegative(),
  errors: z.record(z.string(), z.number().int().nonnegative()),
  throughputBytesPerSec: z.number().nonnegative(),
  requestsPerSec: z.number().nonnegative(),
  latencyMs: Latency,
  evidence: Evidence,
  /** Resets per million requests with an exact (Garwood) 95% interval. */
  resetRate: z.object({ perMillion: z.number(), low: z.number(), high: z.number() }),
  /** Data-plane rules present in the arm (its first trial's), per node. */
  dataPlaneRules: z.record(z.string(), z.array(z.string())).optional(),
  trials: z.array(TrialResult),
  disturbed: z.array(z.string()),
  /** RPS the arm ran with, read back in its first trial (only when the scenario sets `rps`). */
  rps: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  /** Why and when the arm stopped (absent in reports written before stopping was recorded). */
  stopping: Stopping.optional(),
  /** IPVS timeouts in force during the arm (its first trial's), read back. */
  ipvsTimeouts: z.object({ tcp: z.number(), tcpFin: z.number(), udp: z.number() }).optional(),
  /** The client's TCP keepalive of the arm (its first trial's). */
  keepalive: z.object({ idleSec: z.number(), intervalSec: z.number(), probes: z.number(), setBy: z.string() }).optional(),
  /** The INVALID drop the arm added on node-a (its first trial's). */
  armInvalidDrop: z.string().optional(),
});
export type ArmResult = z.infer<typeof ArmResult>;

export const Outcome = z.enum(['reproduced', 'not-reproduced', 'not-fixed', 'inconclusive']);
export type Outcome = z.infer<typeof Outcome>;

/** One fix arm judged against the baseline (harness/verdict/fixes.ts). */
export const FixJudgement = z.object({
  arm: z.string(),
  /** `fixed`: the baseline resets and this arm removes them; `not-reproduced`: the baseline shows none to fix. */
  judgement: z.enum(['fixed', 'not-fixed', 'inconclusive', 'not-reproduced']),
  /** The two-arm verdict of baseline vs this arm. */
  outcome: z.enum(['reproduced', 'not-reproduced', 'not-fixed', 'inconclusive']),
  pValue: z.number().min(0).max(1).nullable(),
  explanation: z.string(),
});
export type FixJudgement = z.infer<typeof FixJudgement>;

/** Which cause the baseline's counters point to (harness/verdict/diagnosis.ts). */
export const Diagnosis = z.object({
  cause: z.enum(['out-of-window', 'idle-expiry', 'conntrack-loss', 'unexplained', 'none']),
  explanation: z.string(),
  /** The baseline counters the rules read. */
  counters: z.record(z.string(), z.number()),
  /** Fix arms judged `fixed`. */
  fixedBy: z.array(z.string()),
});
export type Diagnosis = z.infer<typeof Diagnosis>;

/** The verdict: baseline = first arm, fix = last arm. */
export const Verdict = z.object({
  outcome: Outcome,
  /** One or two sentences naming the numbers. */
  explanation: z.string(),
  baseline: z.string(),
  fix: z.string(),
  /**
   * One-sided p-value of "baseline rate > fix rate" by the test named in `test`: the exact
   * conditional test of two Poisson rates (fixed-duration runs), or min(1, 1/e-value) of the
   * sequential test (anytime valid; runs whose arms stop on their counts, see `sequential`).
   */
  pValue: z.number().min(0).max(1).nullable(),
  alpha: z.number(),
  test: z.string(),
  /** For `inconclusive`: about how many times more traffic would likely decide. */
  moreTrafficFactor: z.number().nullable().optional(),
  /** With three or more arms: every fix arm (all but the first) judged against the baseline. */
  fixes: z.array(FixJudgement).optional(),
  /** Which cause the baseline's counters point to, and which fix arms addressed it. */
  diagnosis: Diagnosis.optional(),
  /** Sequential runs only: what the anytime-valid test showed at the end (harness/verdict/sequential.ts). */
  sequential: z
    .object({
      /** The decision the reset counts support (before the evidence chain is checked), or null: none reached. */
      decision: z.enum(['reproduced', 'not-fixed', 'not-reproduced']).nullable(),
      /** Below this reset rate an arm counts as clean. */
      minRatePerMillion: z.number(),
      eBaselineAbove: z.number(),
      eFixAbove: z.number(),
      eBaselineClean: z.number(),
      eFixClean: z.number(),
      /** The clean thresholds used per arm: minRatePerMillion, or higher when the arm's throughput could not have decided that rate by its maximum duration. */
      baselineCleanBelowPerMillion: z.number().optional(),
      fixCleanBelowPerMillion: z.number().optional(),
      baselineUpperPerMillion: z.number(),
      fixUpperPerMillion: z.number(),
      /** How the arms were scheduled: `ordered` (each arm in one piece, listed order) or `interleaved` (alternating blocks). */
      schedule: z.enum(['ordered', 'interleaved']).optional(),
      /** Block length in seconds when interleaved. */
      blockSec: z.number().optional(),
    })
    .optional(),
});
export type Verdict = z.infer<typeof Verdict>;

/** Facts about where the run happened, read from the machine (never assumed). */
export const Environment = z.object({
  kernel: z.string(),
  driver: z.string(),
  /** The data plane actually used: ipvs, iptables or nftables. Never relabelled. */
  proxyMode: z.string(),
  /** Why this proxy mode (e.g. "ip_vs not available in this kernel; used iptables DNAT"). */
  proxyModeReason: z.string(),
  knobs: z.record(z.string(), z.unknown()),
  nodeVersion: z.string(),
  autocannonVersion: z.string(),
  resetlabVersion: z.string(),
  gitCommit: z.string().nullable(),
  cpus: z.number().int(),
  hostname: z.string().optional(),
  /** Every sysctl that matters, read back per node at the start of the run: `{ node: { key: value } }`. */
  sysctls: z.record(z.string(), z.record(z.string(), z.number())).optional(),
  /** Receive Packet Steering masks per node and interface (`rps_cpus`, hex), read back. */
  rps: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  /**
   * The kube-proxy behind node-a's rules. Modelled (netns and vm drivers, `source: model`):
   * version, mode, be_liberal when it started, and whether the INVALID drop was written, by
   * whom and why (with its upstream source). Real (`--kube-proxy`, `kind: real`, `source:
   * real`): its version as it prints it, mode, binary, source, flags, the node-a sysctls it
   * changed, the control plane's timings, and `wroteInvalidDrop` read back from its rules.
   */
  kubeProxy: z
    .object({
      version: z.string(),
      mode: z.string(),
      source: z.enum(['model', 'real']).optional(),
      kind: z.literal('real').optional(),
      beLiberalAtStart: z.number().int().optional(),
      dropInvalid: z.boolean().optional(),
      dropInvalidBy: z.enum(['kube-proxy', 'lab override']).optional(),
      dropInvalidReason: z.string().optional(),
      markOp: z.string().optional(),
      forwardConntrack: z.string().optional(),
      deprecation: z.string().nullable().optional(),
      flags: z.array(z.string()).optional(),
      wroteInvalidDrop: z.boolean().optional(),
    })
    .passthrough()
    .optional(),
  /** kind and kube drivers: versions as the cluster reports them. */
  kubernetes: z
    .object({ version: z.string(), kubeProxyVersion: z.string(), kubeProxyMode: z.string(), nodeImage: z.string().optional() })
    .optional(),
  /**
   * vm driver only: the guest the netns pipeline ran in. `kernel` above is the guest's
   * `uname -r`; `driver` is "vm".
   */
  vm: z
    .object({
      /** `uname -r` in the guest. */
      kernelRelease: z.string(),
      /** Where the kernel came from (KernelArtefact.source): a Debian package or a path. */
      kernelSource: z.record(z.string(), z.unknown()),
      /** kvm or tcg, as actually used. */
      accel: z.string(),
      /** Why this acceleration (e.g. "KVM did not reach the initramfs within 10 s"). */
      accelReason: z.string().optional(),
      qemuVersion: z.string(),
      memoryMiB: z.number().int(),
      cpus: z.number().int(),
      /** Seconds from qemu start to the job starting in the guest. */
      bootSec: z.number(),
      /** Deadlines in the guest were multiplied by this (guest probe time / host probe time). */
      timeScale: z.number(),
      calibration: z.object({ guestMs: z.number(), hostMs: z.number() }).optional(),
      /** Load changes the driver made to a built-in scenario for emulation (empty: as written). */
      loadAdjusted: z.array(z.string()),
      /** The scenario's proxy mode was pinned to this for a matrix cell. */
      pinnedProxyMode: z.string().optional(),
      /** The guest's serial console, kept next to the results. */
      consoleLog: z.string().optional(),
    })
    .optional(),
});
export type Environment = z.infer<typeof Environment>;

export const RunReport = z.object({
  schema: z.literal('resetlab/run@1'),
  /** False when the run was interrupted or failed part-way; what was measured is kept. */
  complete: z.boolean(),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** Wall time from start to verdict, setup and teardown included. */
  elapsedSec: z.number(),
  scenario: z.object({ name: z.string(), description: z.string().optional(), source: z.string() }).passthrough(),
  environment: Environment,
  arms: z.array(ArmResult),
  verdict: Verdict,
  /** Problems met on the way (cleanup errors, interruptions), for the reader. */
  notes: z.array(z.string()),
});
export type RunReport = z.infer<typeof RunReport>;
