/**
 * Builds kube-proxy and kube-apiserver of one Kubernetes version from Debian's source
 * package into the cache (KNOWLEDGE.md §5): the source package verified against the Sources
 * index, Go from bullseye, rsync for `make generated_files`, then `go build -mod=vendor`
 * offline. Work happens in `<cache>/.build-<version>/` with resumable steps (steps.ts, and
 * Go's own build cache there); the finished binaries are assembled in `.tmp-<pid>-*` and
 * renamed to `<cache>/<version>/`, so an interrupted build leaves no half entry. The build
 * folder is removed once the entry exists. Holds the version's lock throughout.
 */
import { cpus } from 'node:os';
import { chmod, copyFile, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ResetlabError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import { sha256File } from '../kernels/install.js';
import { withLock } from '../kernels/lock.js';
import { downloadSource, extractPackages, kubernetesApt } from './apt.js';
import { buildDir, entryLock, KUBERNETES_JSON_SCHEMA, listCachedKubernetes, versionDir, type BinaryRecord, type CachedKubernetes, type KubernetesRecord } from './cache.js';
import { DEBIAN_BUILDS, RSYNC_PACKAGE } from './debian.js';
import { BuildSteps } from './steps.js';

/** The two binaries built. */
export const BUILT_BINARIES = ['kube-proxy', 'kube-apiserver'] as const;

/** Dependencies of a build. */
export interface BuildDeps {
  runner: Runner;
  say: (line: string) => void;
}

const BUILD_TIMEOUT_MS = 3 * 3600_000;

/** `--version`'s first line and the size and sha256 of a binary. */
export async function describeBinary(runner: Runner, dir: string, rel: string): Promise<BinaryRecord> {
  const path = join(dir, rel);
  const out = await runner.run([path, '--version'], { timeoutMs: 30_000 });
  return { path: rel, sizeBytes: (await stat(path)).size, sha256: await sha256File(path), versionOutput: (out.stdout || out.stderr).trim().split('\n')[0] ?? '' };
}

/** The ldflags that stamp the version the way upstream's hack/lib/version.sh does. */
export function versionLdflags(version: string): string {
  const m = /^v(\d+)\.(\d+)\./.exec(version);
  if (!m) throw new ResetlabError(`failed to stamp version ${version}: not vMAJOR.MINOR.PATCH`);
  const pkg = 'k8s.io/component-base/version';
  return `-s -w -X ${pkg}.gitVersion=${version} -X ${pkg}.gitMajor=${m[1]} -X ${pkg}.gitMinor=${m[2]} -X ${pkg}.gitTreeState=archive`;
}

/**
 * Builds `version` (a key of DEBIAN_BUILDS) unless cached (checked again under its lock).
 * Returns the entry and whether this call built it.
 */
export async function buildKubernetes(root: string, version: string, deps: BuildDeps): Promise<{ entry: CachedKubernetes; built: boolean }> {
  const plan = DEBIAN_BUILDS[version];
  if (!plan) throw new ResetlabError(`failed to build Kubernetes ${version}: resetlab builds only ${Object.keys(DEBIAN_BUILDS).join(', ')} from Debian's source`);
  const cached = async () => (await listCachedKubernetes(root)).find((k) => k.version === version);
  await mkdir(join(root, 'locks'), { recursive: true });
  return withLock(entryLock(root, version), async () => {
    const hit = await cached();
    if (hit) return { entry: hit, built: false };
    const b = buildDir(root, version);
    await mkdir(b, { recursive: true });
    const steps = new BuildSteps(b, deps.say);
    const { runner } = deps;
    deps.say(`kubernetes ${version}: building kube-proxy and kube-apiserver from Debian's ${plan.source.name} ${plan.source.version} in ${b} (resumable)`);
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
    await steps.step('generated', 'make generated_files (OpenAPI and other generated code kube-apiserver needs)', async () => {
      await runner.run([...env, 'make', 'generated_files'], { cwd: src, timeoutMs: BUILD_TIMEOUT_MS });
      return {};
    });
    for (const bin of BUILT_BINARIES) {
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
      for (const bin of BUILT_BINARIES) {
        await copyFile(join(b, 'out', bin), join(tmp, 'bin', bin));
        await chmod(join(tmp, 'bin', bin), 0o755);
        binaries[bin] = await describeBinary(runner, tmp, join('bin', bin));
        if (!binaries[bin].versionOutput.includes(version)) throw new ResetlabError(`failed to build ${bin} ${version}: \`${bin} --version\` printed "${binaries[bin].versionOutput}"`);
      }
      const record: KubernetesRecord = {
        schema: KUBERNETES_JSON_SCHEMA,
        version,
        source: { kind: 'debian-source', package: plan.source.name, version: plan.source.version, suite: plan.source.suite, files: source.files, debianPatchesApplied: false },
        go: { version: goVersion, packages: go.packages },
        binaries,
        builtAt: new Date().toISOString(),
        timings: steps.timings,
        cpus: cpus().length,
      };
      await writeFile(join(tmp, 'kubernetes.json'), JSON.stringify(record, null, 2) + '\n');
      await rename(tmp, versionDir(root, version));
      await rm(b, { recursive: true, force: true });
      const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
      deps.say(`kubernetes ${version}: cached in ${versionDir(root, version)} (kube-proxy ${mb(binaries['kube-proxy'].sizeBytes)}, kube-apiserver ${mb(binaries['kube-apiserver'].sizeBytes)})`);
      return { entry: { ...record, dir: versionDir(root, version) }, built: true };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }, { timeoutMs: BUILD_TIMEOUT_MS, onWait: (pid) => deps.say(`kubernetes ${version}: waiting for another resetlab (pid ${pid}) building it`) });
}
