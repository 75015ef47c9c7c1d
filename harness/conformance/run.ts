/**
 * Conformance: resetlab's modelled kube-proxy checked against the real binary, path by path,
 * on the netns lab of this machine (the host, or a guest the vm driver booted).
 *
 * One control plane of the run's own (etcd + kube-apiserver, `<prefix>-kube`) serves every
 * path in turn. For each path two labs are provisioned side by side, each with its own prefix:
 * one programmed by the real kube-proxy (started fresh with the path's flags; the path's
 * objects are written before and deleted after), one by the model at the same minor version.
 * node-a's rules are read back from both (snapshot.ts), normalised, and compared; every
 * difference is matched against the cited known differences (dataplane/known-differences.ts).
 * Nothing here sends traffic. Everything is registered for cleanup at birth; the labs are
 * destroyed before the next path starts, the control plane at the end or on abort.
 *
 * The result passes (`ok`) when every path was compared, no path has an unknown difference or
 * a side without rules and, when every path of the netns lab was compared, no known difference
 * went unused (a stale entry is a failure too). A path whose labs fail to come up is recorded
 * with its `error` (the run goes on with the next path); a machine that cannot run the mode at
 * all (UnsupportedError) ends the run.
 */
import { release } from 'node:os';
import { diffRules, matchKnown, type KnownDifference, type RuleDifference } from '../dataplane/conformance.js';
import { kubeProxyVersion } from '../dataplane/index.js';
import { knownDifferencesFor } from '../dataplane/known-differences.js';
import { startControlPlane } from '../dataplane/real/control-plane.js';
import { realDataPlane } from '../dataplane/real/provider.js';
import type { RealKubeProxyRecord } from '../dataplane/dataplane.js';
import { UnsupportedError } from '../errors.js';
import { CleanupStack } from '../exec/cleanup-stack.js';
import type { Runner } from '../exec/runner.js';
import { describeSource, type KubernetesBinaries } from '../kubernetes/resolve.js';
import { provisionNetnsLab } from '../lab/netns/provider.js';
import { claimPrefix } from '../lab/owner.js';
import { newPrefix } from '../lab/prefix.js';
import type { LabTopology } from '../lab/topology.js';
import type { Scenario } from '../scenario/schema.js';
import { normaliseRules, readRules, type ConformanceMode, type RawRules } from './snapshot.js';

/** Every path of the netns lab, by its built-in scenario. */
export const CONFORMANCE_PATHS = ['over-window', 'over-window-masquerade', 'over-window-external', 'over-window-node-client', 'over-window-nodeport', 'over-window-hairpin'] as const;

/** One difference, and the known entry that explains it (if any). */
export interface ReportedDifference extends RuleDifference {
  known?: { why: string; cite: string };
}

/** One path's comparison. */
export interface PathConformance {
  scenario: string;
  differences: ReportedDifference[];
  unknown: number;
  /** How many normalised rules each side had (a sanity figure: both must be non-zero). */
  ruleCount: { real: number; model: number };
  kubeProxy: { flags: string[]; programmedSec: number };
  /** The raw read-back of both sides. */
  raw: { real: RawRules; model: RawRules };
  /** Why this path could not be compared (its labs failed to come up); the run is then not conformant. */
  error?: string;
}

/** The conformance document (`--json`). */
export interface ConformanceReport {
  schema: 'resetlab/conformance@1';
  ok: boolean;
  complete: boolean;
  mode: ConformanceMode;
  kernel: string;
  kubeProxy: { version: string; source: string; sha256: string };
  /** The model version compared (the real binary's minor). */
  model: { version: string };
  /** The known-differences list used (the model version it is for), or null when resetlab has none. */
  knownDifferences: { list: string | null; count: number };
  controlPlane: { etcdVersion: string; apiserverHealthySec: number };
  paths: PathConformance[];
  /** Known differences no path needed (judged only when every path ran). */
  stale: { side: string; table: string; chain: string; rule: string }[];
  /** Paths not compared (interrupted), in order. */
  notRun: string[];
  elapsedSec: number;
}

/** What `runConformance` needs. */
export interface ConformanceOptions {
  binaries: KubernetesBinaries;
  mode: ConformanceMode;
  /** The paths' scenarios (built-ins from CONFORMANCE_PATHS, or a subset). */
  scenarios: Scenario[];
  runner: Runner;
  timeScale: number;
  say: (line: string) => void;
  signal?: AbortSignal;
}

const minorOf = (version: string) => Number(/^v?\d+\.(\d+)/.exec(version)?.[1] ?? NaN);

/** Classifies a path's differences against the known list (pure). */
export function classify(diffs: RuleDifference[], known: KnownDifference[] | null): { differences: ReportedDifference[]; used: Set<KnownDifference> } {
  const used = new Set<KnownDifference>();
  const differences = diffs.map((d): ReportedDifference => {
    const k = matchKnown(d, known ?? []);
    if (!k) return d;
    used.add(k);
    return { ...d, known: { why: k.why, cite: k.cite } };
  });
  return { differences, used };
}

/** Runs the comparison (see the module comment). */
export async function runConformance(o: ConformanceOptions): Promise<ConformanceReport> {
  const started = performance.now();
  const minor = minorOf(o.binaries.version);
  const modelVersion = `v1.${minor}`;
  // Validated before anything is created: the model must have the version.
  kubeProxyVersion(modelVersion);
  const known = knownDifferencesFor(minor, o.mode);
  const prefix = newPrefix();
  const cleanup = new CleanupStack();
  const paths: PathConformance[] = [];
  const used = new Set<KnownDifference>();
  try {
    cleanup.push(`owner file of ${prefix}`, claimPrefix(prefix));
    o.say(`conformance: starting a control plane (etcd, kube-apiserver ${o.binaries.version}) shared by ${o.scenarios.length} path(s)`);
    const cp = await startControlPlane({ prefix, binaries: o.binaries, runner: o.runner, cleanup, timeoutMs: 240_000 * o.timeScale, say: o.say });
    const real = realDataPlane({ binaries: o.binaries, runner: o.runner, timeScale: o.timeScale, say: o.say, controlPlane: cp });
    for (const scenario of o.scenarios) {
      if (o.signal?.aborted) break;
      const topology = { ...scenario.topology, kubeProxyVersion: modelVersion, proxyMode: o.mode } as LabTopology;
      o.say(`conformance: ${scenario.name}: the real kube-proxy ${o.binaries.version} and the ${modelVersion} model, ${o.mode} mode`);
      // The model's lab is built while the real kube-proxy starts (separate prefixes and namespaces).
      const [realLab, modelLab] = await Promise.allSettled([provisionNetnsLab({ prefix: newPrefix(), topology, runner: o.runner, dataPlane: real }), provisionNetnsLab({ prefix: newPrefix(), topology, runner: o.runner })]);
      try {
        if (realLab.status === 'rejected') throw realLab.reason;
        if (modelLab.status === 'rejected') throw modelLab.reason;
        if (realLab.value.dataPlane.proxyMode !== o.mode || modelLab.value.dataPlane.proxyMode !== o.mode) throw new UnsupportedError(`failed to compare ${o.mode} mode: the lab ran ${realLab.value.dataPlane.proxyMode}`);
        const [rawReal, rawModel] = await Promise.all([readRules(realLab.value.nodes['node-a'], o.mode), readRules(modelLab.value.nodes['node-a'], o.mode)]);
        const [r, m] = [normaliseRules(rawReal, o.mode), normaliseRules(rawModel, o.mode)];
        const c = classify(diffRules(r, m), known);
        for (const k of c.used) used.add(k);
        const facts = realLab.value.dataPlane.kubeProxy as RealKubeProxyRecord & { controlPlane: { programmedSec: number } };
        const unknown = c.differences.filter((d) => !d.known).length;
        paths.push({ scenario: scenario.name, differences: c.differences, unknown, ruleCount: { real: r.length, model: m.length }, kubeProxy: { flags: facts.flags, programmedSec: facts.controlPlane.programmedSec }, raw: { real: rawReal, model: rawModel } });
        o.say(`conformance: ${scenario.name}: ${c.differences.length} difference(s), ${unknown} unknown (${r.length} real rules, ${m.length} model rules)`);
      } catch (error) {
        // The machine cannot do the mode at all: nothing else will work either.
        if (error instanceof UnsupportedError) throw error;
        // One path failing (kube-proxy never programmed it, an API error) keeps what the others compared.
        const message = (error as Error).message;
        paths.push({ scenario: scenario.name, differences: [], unknown: 0, ruleCount: { real: 0, model: 0 }, kubeProxy: { flags: [], programmedSec: 0 }, raw: { real: {}, model: {} }, error: message });
        o.say(`conformance: ${scenario.name}: not compared: ${message.split('\n')[0]}`);
      } finally {
        const problems = [...(realLab.status === 'fulfilled' ? await realLab.value.destroy() : []), ...(modelLab.status === 'fulfilled' ? await modelLab.value.destroy() : [])];
        if (problems.length > 0) o.say(`conformance: cleanup problems: ${problems.join('; ')}`);
      }
    }
    const notRun = o.scenarios.map((s) => s.name).filter((n) => !paths.some((p) => p.scenario === n));
    const everyPath = CONFORMANCE_PATHS.every((n) => paths.some((p) => p.scenario === n && !p.error));
    const stale = everyPath && known ? known.filter((k) => !used.has(k)).map((k) => ({ side: k.side, table: k.table, chain: k.chain, rule: String(k.rule) })) : [];
    return {
      schema: 'resetlab/conformance@1',
      ok: notRun.length === 0 && paths.every((p) => !p.error && p.unknown === 0 && p.ruleCount.real > 0 && p.ruleCount.model > 0) && stale.length === 0,
      complete: notRun.length === 0,
      mode: o.mode,
      kernel: release(),
      kubeProxy: { version: o.binaries.version, source: describeSource(o.binaries.source), sha256: o.binaries.kubeProxyBinary.sha256 },
      model: { version: modelVersion },
      knownDifferences: { list: known ? modelVersion : null, count: known?.length ?? 0 },
      controlPlane: { etcdVersion: o.binaries.etcdVersion, apiserverHealthySec: Math.round(cp.healthySec * 10) / 10 },
      paths,
      stale,
      notRun,
      elapsedSec: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    const problems = await cleanup.unwind();
    if (problems.length > 0) o.say(`conformance: cleanup problems: ${problems.join('; ')}`);
  }
}
