/**
 * `node prove` end to end: the rootfs from the cache (built once), the node configuration
 * staged into the results folder, one boot as given and, with `fix`, a second boot of a copy
 * with `node persist --apply`, then the report. Every qemu is on `cleanup` the moment it
 * starts and is gone when this returns or throws; the results folder stays (it is the
 * point), the rootfs cache stays (it is reused); the caller unwinds `cleanup`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CleanupStack } from '../../exec/cleanup-stack.js';
import type { Runner } from '../../exec/runner.js';
import type { KernelArtefact } from '../../kernels/artefact.js';
import type { QemuAccel } from '../../qemu/argv.js';
import { checkNode } from '../check.js';
import { CONNTRACK_MODULE } from '../constants.js';
import { BootedNodeFs } from './booted-node-fs.js';
import { bootNode, type BootResult } from './boot.js';
import { proxyStepDescription, type InitSystem, type ProxyMode } from './guest-collector.js';
import { applyFix, stageNodeConfig, type NodeConfigSource } from './node-config.js';
import { proveVerdict, type ProveBoot, type ProveReport } from './prove-report.js';
import { ensureRootfs } from './rootfs-cache.js';
import { rootfsSpec } from './rootfs-spec.js';
import { bootOutcome } from './timeline.js';

/** Inputs of `prove`. */
export interface ProveOptions {
  kernel: KernelArtefact;
  config: NodeConfigSource;
  init: InitSystem;
  proxyMode: ProxyMode;
  fix: boolean;
  /** The fresh results folder of this run (caller created it). */
  dir: string;
  prefix: string;
  bootTimeoutMs: number;
  /** `auto`: KVM when /dev/kvm opens and the guest reaches the initramfs quickly, else TCG. */
  accel: 'auto' | QemuAccel;
  offline: boolean;
  mirror: () => string;
  runner: Runner;
  cleanup: CleanupStack;
  signal: AbortSignal;
  say: (line: string) => void;
  startedAt: string;
}

/** Whether nf_conntrack is built into the kernel (modules.builtin), a module, or neither. */
export function conntrackKind(modulesDir: string): 'built-in' | 'module' | 'absent' {
  const read = (f: string) => (existsSync(join(modulesDir, f)) ? readFileSync(join(modulesDir, f), 'utf8') : '');
  if (read('modules.builtin').split('\n').some((l) => l.endsWith(`/${CONNTRACK_MODULE}.ko`))) return 'built-in';
  return read('modules.dep').split('\n').some((l) => l.startsWith('kernel/') && l.split(':')[0]!.endsWith(`/${CONNTRACK_MODULE}.ko`)) ? 'module' : 'absent';
}

/** Notes about what this kernel can and cannot show. */
export function kernelNotes(kind: ReturnType<typeof conntrackKind>, release: string): string[] {
  if (kind === 'built-in') return [`${CONNTRACK_MODULE} is built into ${release}: the key exists before any sysctl file is applied, so the boot-order trap cannot occur with this kernel.`];
  return [
    `${CONNTRACK_MODULE} is a loadable module in ${release} (as in every Debian kernel), which is what makes the boot order matter. ` +
      'A kernel with it built in (CONFIG_NF_CONNTRACK=y) has no trap; Debian ships none, so `node prove` cannot boot one here (`node check` covers that case from files).',
  ];
}

/** Runs the boots and returns the report (not yet written; see writeProve). */
export async function prove(o: ProveOptions): Promise<ProveReport> {
  const kind = conntrackKind(o.kernel.modulesDir);
  const spec = rootfsSpec(o.init);
  const rootfs = await ensureRootfs(spec, { runner: o.runner, cleanup: o.cleanup, prefix: o.prefix, mirror: o.mirror, say: o.say, offline: o.offline });
  o.say(`rootfs: ${rootfs.tree} (${rootfs.built ? 'built now' : 'cached'})`);
  const beforeDir = join(o.dir, 'boot-before');
  const paths = await stageNodeConfig(join(beforeDir, 'conf', 'node'), o.config, rootfs.tree);
  const common = { prefix: o.prefix, kernel: o.kernel, rootfsTree: rootfs.tree, init: o.init, proxyMode: o.proxyMode, timeoutMs: o.bootTimeoutMs, accel: o.accel, cleanup: o.cleanup, signal: o.signal, say: o.say };
  const results: BootResult[] = [];
  const predictions: ProveBoot['predicted'][] = [];
  const boot = async (label: 'before' | 'after', dir: string) => {
    const check = await checkNode(new BootedNodeFs(join(dir, 'conf', 'node'), rootfs.tree, o.kernel.release, o.kernel.modulesDir));
    predictions.push({ kind: check.verdict.kind, text: check.verdict.text });
    o.say(`boot ${label}: node check, from the files, says: ${check.verdict.text}`);
    o.say(`boot ${results.length + 1}/${o.fix ? 2 : 1} (${label}): kernel ${o.kernel.release}, ${o.init}, QEMU ...`);
    // Once KVM has failed its probe, the second boot goes straight to TCG.
    const fellBack = results.find((x) => x.accel === 'tcg' && o.accel === 'auto');
    const r = await bootNode({ ...common, label, dir, ...(fellBack ? { accel: 'tcg' as const } : {}) });
    if (fellBack) r.accelReason = `${fellBack.accelReason} (boot 1)`;
    o.say(`boot ${label}: be_liberal = ${r.evidence.liberalAfterProxy} (${r.seconds.toFixed(0)} s, ${r.accel.toUpperCase()}: ${r.accelReason})`);
    results.push(r);
  };
  // The fixed copy is made before any boot, so a refusal (a differing file of persist's name: exit 2) costs no boot.
  const afterDir = join(o.dir, 'boot-after');
  let fix: ProveReport['fix'];
  if (o.fix) {
    fix = await applyFix(join(beforeDir, 'conf', 'node'), join(afterDir, 'conf', 'node'));
    for (const l of fix.lines) o.say(`node persist --apply (on a copy, booted second): ${l}`);
    for (const w of fix.warnings) o.say(`node persist warning: ${w}`);
  }
  await boot('before', beforeDir);
  if (o.fix) await boot('after', afterDir);
  const boots: ProveBoot[] = results.map((r, i) => ({
    label: r.label as ProveBoot['label'],
    seconds: r.seconds,
    accel: r.accel,
    accelReason: r.accelReason,
    outcome: bootOutcome(r.evidence),
    predicted: predictions[i],
    evidence: r.evidence,
    folder: relative(o.dir, r.dir),
  }));
  return {
    schema: 'resetlab/node-prove@1',
    startedAt: o.startedAt,
    kernel: { release: o.kernel.release, vmlinuz: o.kernel.vmlinuz, source: o.kernel.source.kind === 'debian' ? `Debian ${o.kernel.source.package} ${o.kernel.source.version}` : 'path' },
    init: o.init,
    proxyMode: o.proxyMode,
    proxyStep: proxyStepDescription(o.proxyMode),
    accel: results.some((r) => r.accel === 'kvm') ? 'kvm' : 'tcg',
    rootfs: { key: rootfs.key, suite: spec.suite, packages: spec.include, sizeBytes: rootfs.record.sizeBytes, builtThisRun: rootfs.built, buildSeconds: rootfs.record.buildSeconds },
    config: { source: o.config.kind === 'root' ? `--root ${o.config.dir}` : 'default: stock Debian + /etc/sysctl.d/99-kubernetes-conntrack.conf', paths },
    ...(fix ? { fix } : {}),
    boots,
    verdict: proveVerdict(boots),
    notes: kernelNotes(kind, o.kernel.release),
  };
}
