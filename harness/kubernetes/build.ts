/**
 * Builds kube-proxy and kube-apiserver of one Kubernetes version from Debian's source
 * package into the cache (KNOWLEDGE.md §5): the source package verified against the Sources
 * index, Go from bullseye, rsync for `make generated_files`, then `go build -mod=vendor`
 * offline. Work happens in `<cache>/.build-<version>/` with resumable steps (steps.ts, and
 * Go's own build cache there); the finished binaries are assembled in `.tmp-<pid>-*` and
 * renamed to `<cache>/<version>/`, so an interrupted build leaves no half entry. The build
 * folder is removed once the entry exists. Holds the version's lock throughout.
 *
 * What is built is additive: a lab needs kube-proxy and kube-apiserver (BUILT_BINARIES); a kind
 * node image also needs NODE_BINARIES. Asking for binaries an entry lacks builds only those
 * and replaces the entry by one holding all (the old binaries copied, byte for byte).
 */
import { cpus } from 'node:os';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ResetlabError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import { sha256File } from '../kernels/install.js';
import { withLock } from '../kernels/lock.js';
import { downloadSource, extractPackages, kubernetesApt } from './apt.js';
import { buildDir, entryLock, KUBERNETES_JSON_SCHEMA, listCachedKubernetes, versionDir, type BinaryRecord, type CachedKubernetes, type KubernetesRecord } from './cache.js';
import { DEBIAN_BUILDS, RSYNC_PACKAGE } from './debian.js';
import { BuildSteps } from './steps.js';

/** The two binaries a lab's real data plane runs (always built). */
export const BUILT_BINARIES = ['kube-proxy', 'kube-apiserver'] as const;
/** What a kind node image adds (harness/kind-image): the node's and the control plane's other binaries. */
export const NODE_BINARIES = ['kubelet', 'kubeadm', 'kubectl', 'kube-controller-manager', 'kube-scheduler', 'pause'] as const;
/** A binary the cache can build. */
export type KubeBinary = (typeof BUILT_BINARIES)[number] | (typeof NODE_BINARIES)[number];

/** Dependencies of a build. */
export interface BuildDeps {
  runner: Runner;
  say: (line: string) => void;
}

const BUILD_TIMEOUT_MS = 3 * 3600_000;

/** How each binary prints its version (kubeadm and kubectl have a subcommand; the rest `--version`). */
export function versionArgv(bin: string): string[] {
  const name = bin.split('/').pop();
  if (name === 'kubeadm') return ['version', '-o', 'short'];
  if (name === 'kubectl') return ['version', '--client', '--short'];
  if (name === 'pause') return ['-v'];
  return ['--version'];
}

/** The version output's first line and the size and sha256 of a binary. */
export async function describeBinary(runner: Runner, dir: string, rel: string): Promise<BinaryRecord> {
  const path = join(dir, rel);
  const out = await runner.run([path, ...versionArgv(rel)], { timeoutMs: 30_000 });
  return { path: rel, sizeBytes: (await stat(path)).size, sha256: await sha256File(path), versionOutput: (out.stdout || out.stderr).trim().split('\n')[0] ?? '' };
}

/**
 * The packages whose variables carry a binary's version. Upstream's hack/lib/version.sh stamps
 * both: component-base answers `--version`, client-go's copy is what kube-apiserver's
 * `/version` serves (stamping only the first left the API server at `v0.0.0-master+<commit>`).
 */
export const VERSION_PACKAGES = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'] as const;

/** The ldflags that stamp the version the way upstream's hack/lib/version.sh does. */
export function versionLdflags(version: string): string {
  const m = /^v(\d+)\.(\d+)\./.exec(version);
  if (!m) throw new ResetlabError(`failed to stamp version ${version}: not vMAJOR.MINOR.PATCH`);
  const x = VERSION_PACKAGES.flatMap((pkg) => [`-X ${pkg}.gitVersion=${version}`, `-X ${pkg}.gitMajor=${m[1]}`, `-X ${pkg}.gitMinor=${m[2]}`, `-X ${pkg}.gitTreeState=archive`]);
  return ['-s', '-w', ...x].join(' ');
}

/** The pause image's tag in the tree's build/pause/Makefile (`TAG = 3.4`), pure. */
export function pauseTag(makefile: string): string {
  const m = /^TAG\s*\??=\s*(\S+)\s*$/m.exec(makefile);
  if (!m) throw new ResetlabError('failed to read build/pause/Makefile: no TAG line');
  return m[1]!;
}

/**
 * True when `entry`'s Go binaries (built from Debian's source; release downloads are upstream's) were linked with other ldflags than this resetlab's (an entry
 * from before a stamping fix records none): none of its binaries may be kept (pure).
 */
export function staleEntry(entry: Pick<KubernetesRecord, 'ldflags' | 'version' | 'source'>): boolean {
  return entry.source.kind === 'debian-source' && entry.ldflags !== versionLdflags(entry.version);
}

/** The binaries of `want` that `entry` lacks, all of them when it is stale (pure). */
export function missingBinaries(entry: Pick<KubernetesRecord, 'binaries' | 'ldflags' | 'version' | 'source'> | undefined, want: readonly KubeBinary[]): KubeBinary[] {
  const have = entry?.binaries as Partial<Record<KubeBinary, BinaryRecord>> | undefined;
  const all: KubeBinary[] = [...BUILT_BINARIES, ...want.filter((b) => !(BUILT_BINARIES as readonly string[]).includes(b))];
  if (entry && staleEntry(entry)) return [...new Set([...all, ...(Object.keys(have ?? {}) as KubeBinary[])])];
  return entry ? all.filter((b) => !have?.[b]) : all;
}

/**
 * Builds `version` (a key of DEBIAN_BUILDS) unless cached with every binary of `want` (checked
 * again under its lock). Returns the entry and whether this call built anything.
 */
export async function buildKubernetes(root: string, version: string, deps: BuildDeps, want: readonly KubeBinary[] = BUILT_BINARIES): Promise<{ entry: CachedKubernetes; built: boolean }> {
  const plan = DEBIAN_BUILDS[version];
  if (!plan) throw new ResetlabError(`failed to build Kubernetes ${version}: resetlab builds only ${Object.keys(DEBIAN_BUILDS).join(', ')} from Debian's source`);
  const cached = async () => (await listCachedKubernetes(root)).find((k) => k.version === version);
  await mkdir(join(root, 'locks'), { recursive: true });
  return withLock(entryLock(root, version), async () => {
    const found = await cached();
    const toBuild = missingBinaries(found, want);
    if (found && toBuild.length === 0) return { entry: found, built: false };
    if (found && staleEntry(found)) deps.say(`kubernetes ${version}: the cached binaries were linked with other version stamps (${found.ldflags ?? 'none recorded'}); rebuilding all of them`);
    // A stale entry is replaced, none of its binaries kept.
    const hit = found && !staleEntry(found) ? found : undefined;
    const replacing = found !== undefined;
    const b = buildDir(root, version);
    await mkdir(b, { recursive: true });
    const steps = new BuildSteps(b, deps.say);
    const { runner } = deps;
    deps.say(`kubernetes ${version}: building ${toBuild.join(', ')} from Debian's ${plan.source.name} ${plan.source.version} in ${b} (resumable)${hit ? `; ${Object.keys(hit.binaries).join(', ')} already cached` : ''}`);
    const apt = await kubernetesApt(root, runner, deps.say);
    const source = await steps.step('source', `downloading ${plan.source.name} ${plan.source.version} (source) and checking its sha256`, async () => {
      const { record, orig } = await downloadSource(root, apt, runner, plan.source, join(b, 'dl-source'));
      const tmp = join(b, 'src.tmp');
      await rm(tmp, { recursive: true, force: true });
      await mkdir(tmp);
      await runner.run(['tar', '-xzf', orig, '-C', tmp], { timeoutMs: 900_000 });
      const [top, ...more] = await readdir(tmp);
      if (!top || more.length > 0) throw new ResetlabError(`failed to unpack ${orig}: expected one top folder, found ${[top, ...more].join(', ')}`);
      await rm(join(b, 'src'), { recursive: true, force: true });
      await rename(join(tmp, top), join(b, 'src'));
      await rm(tmp, { recursive: true, force: true });
      await rm(join(b, 'dl-source'), { recursive: true, force: true });
      return { files: record.files };
    });
    const go = await steps.step('go', `extracting Go (${plan.go.map((p) => `${p.name} ${p.version}`).join(', ')})`, async () => {
      await rm(join(b, 'go'), { recursive: true, force: true });
      const packages = await extractPackages(root, apt, runner, plan.go, join(b, 'dl-go'), join(b, 'go.tmp'));
      await rename(join(b, 'go.tmp'), join(b, 'go'));
      return { packages };
    });
    await steps.step('rsync', `extracting ${RSYNC_PACKAGE.name} ${RSYNC_PACKAGE.version} (make generated_files needs it)`, async () => {
      await rm(join(b, 'tools'), { recursive: true, force: true });
      const packages = await extractPackages(root, apt, runner, [RSYNC_PACKAGE], join(b, 'dl-tools'), join(b, 'tools.tmp'));
      await rename(join(b, 'tools.tmp'), join(b, 'tools'));
      return { packages };
    });
    const goRoot = join(b, 'go', plan.goRoot);
    const src = join(b, 'src');
    for (const d of ['home', 'gocache', 'gopath', 'out']) await mkdir(join(b, d), { recursive: true });
    const env = [
      'env',
      `GOROOT=${goRoot}`,
      `PATH=${join(goRoot, 'bin')}:${join(b, 'tools', 'usr', 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      `HOME=${join(b, 'home')}`,
      `GOCACHE=${join(b, 'gocache')}`,
      `GOPATH=${join(b, 'gopath')}`,
      'GOPROXY=off',
      'CGO_ENABLED=0',
      `KUBE_GIT_VERSION=${version}`,
    ];
    const goVersion = (await runner.run([...env, 'go', 'version'], { timeoutMs: 30_000 })).stdout.trim().split(' ')[2] ?? 'unknown';
    if (toBuild.some((bin) => bin !== 'pause'))
      await steps.step('generated', 'make generated_files (OpenAPI and other generated code kube-apiserver needs)', async () => {
        await runner.run([...env, 'make', 'generated_files'], { cwd: src, timeoutMs: BUILD_TIMEOUT_MS });
        return {};
      });
    for (const bin of toBuild) {
      if (bin === 'pause') {
        // The pod sandbox's process, from the tree's build/pause (C, static, as its Makefile builds it).
        await steps.step(bin, 'gcc -static build/pause/linux/pause.c', async () => {
          const tag = pauseTag(await readFile(join(src, 'build', 'pause', 'Makefile'), 'utf8'));
          const out = join(b, 'out', `${bin}.tmp`);
          await runner.run(['gcc', '-Os', '-Wall', '-Werror', '-static', `-DVERSION=v${tag}-resetlab`, '-o', out, join(src, 'build', 'pause', 'linux', 'pause.c')], { timeoutMs: 300_000 });
          await rename(out, join(b, 'out', bin));
          return { tag };
        });
        continue;
      }
      await steps.step(bin, `go build ./cmd/${bin}`, async () => {
        const out = join(b, 'out', `${bin}.tmp`);
        await runner.run([...env, 'GOFLAGS=-mod=vendor', 'go', 'build', '-trimpath', '-o', out, '-ldflags', versionLdflags(version), `./cmd/${bin}`], { cwd: src, timeoutMs: BUILD_TIMEOUT_MS });
        await rename(out, join(b, 'out', bin));
        return {};
      });
    }
    const tmp = await mkdtemp(join(root, `.tmp-${process.pid}-${version}-`));
    try {
      await mkdir(join(tmp, 'bin'));
      const binaries = {} as KubernetesRecord['binaries'];
      const keep = hit ? (Object.keys(hit.binaries) as KubeBinary[]) : [];
      for (const bin of [...keep, ...toBuild]) {
        await copyFile(keep.includes(bin) ? join(hit!.dir, hit!.binaries[bin]!.path) : join(b, 'out', bin), join(tmp, 'bin', bin));
        await chmod(join(tmp, 'bin', bin), 0o755);
        binaries[bin] = await describeBinary(runner, tmp, join('bin', bin));
        if (!binaries[bin]!.versionOutput.includes(bin === 'pause' ? 'pause.c v' : version)) throw new ResetlabError(`failed to build ${bin} ${version}: \`${bin} --version\` printed "${binaries[bin]!.versionOutput}"`);
      }
      const record: KubernetesRecord = {
        schema: KUBERNETES_JSON_SCHEMA,
        version,
        source: { kind: 'debian-source', package: plan.source.name, version: plan.source.version, suite: plan.source.suite, files: source.files, debianPatchesApplied: false },
        go: { version: goVersion, packages: go.packages },
        binaries,
        ldflags: versionLdflags(version),
        builtAt: new Date().toISOString(),
        timings: { ...(hit?.timings ?? {}), ...steps.timings },
        cpus: cpus().length,
      };
      await writeFile(join(tmp, 'kubernetes.json'), JSON.stringify(record, null, 2) + '\n');
      if (replacing) {
        // Replace the entry: old out of the way by rename, new in by rename, then the old removed.
        const old = join(root, `.tmp-${process.pid}-${version}-replaced`);
        await rename(versionDir(root, version), old);
        await rename(tmp, versionDir(root, version));
        await rm(old, { recursive: true, force: true });
      } else await rename(tmp, versionDir(root, version));
      await rm(b, { recursive: true, force: true });
      const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
      deps.say(`kubernetes ${version}: cached in ${versionDir(root, version)} (${Object.entries(binaries).map(([n, r]) => `${n} ${mb(r!.sizeBytes)}`).join(', ')})`);
      return { entry: { ...record, dir: versionDir(root, version) }, built: true };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }, { timeoutMs: BUILD_TIMEOUT_MS, onWait: (pid) => deps.say(`kubernetes ${version}: waiting for another resetlab (pid ${pid}) building it`) });
}
