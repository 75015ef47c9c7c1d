/**
 * What `resetlab doctor` says about Debian kernels (read-only): the cache's contents, the
 * tools a fetch needs (apt-get, dpkg-deb, depmod) and where the mirror would come from.
 * The shape matches doctor's `Finding`, so doctor appends these as they are.
 */
import type { Runner } from '../exec/runner.js';
import { INDEX_MAX_AGE_MS } from './apt.js';
import { kernelCacheRoot, listCachedKernels } from './cache.js';
import { findMirrors } from './mirrors.js';

/** One doctor line (same shape as doctor's Finding). */
export interface KernelFinding {
  name: string;
  status: 'ok' | 'warn' | 'missing' | 'info';
  detail: string;
}

/** Findings about the kernel cache, its tools and mirrors; never changes anything. */
export async function kernelCacheFindings(runner: Runner, env: NodeJS.ProcessEnv = process.env): Promise<KernelFinding[]> {
  const root = kernelCacheRoot(env);
  const cached = await listCachedKernels(root);
  const bytes = cached.reduce((n, k) => n + (k.sizeBytes || 0), 0);
  const findings: KernelFinding[] = [
    {
      name: 'kernel cache',
      status: 'info',
      detail:
        cached.length === 0
          ? `${root}: empty (resetlab kernels fetch 6.1 fills it)`
          : `${root}: ${cached.map((k) => `${k.version} (${k.series}, ${k.suite})`).join(', ')}; ${(bytes / 1e6).toFixed(0)} MB`,
    },
  ];
  const missing: string[] = [];
  for (const [bin, pkg] of [['apt-get', 'apt'], ['dpkg-deb', 'dpkg'], ['depmod', 'kmod']] as const) {
    const r = await runner.run(['sh', '-c', `command -v ${bin} || test -x /usr/sbin/${bin} || test -x /sbin/${bin}`], { check: false });
    if (r.exitCode !== 0) missing.push(`${bin} (${pkg})`);
  }
  findings.push(
    missing.length === 0
      ? { name: 'kernel fetch tools', status: 'ok', detail: 'apt-get, dpkg-deb and depmod present' }
      : { name: 'kernel fetch tools', status: 'warn', detail: `missing ${missing.join(', ')}: Debian kernels cannot be fetched (npm run setup installs kmod)` },
  );
  try {
    const m = findMirrors(env);
    findings.push({ name: 'Debian mirror', status: 'ok', detail: `${m.archive} (from ${m.origin.archive})${m.security ? `; security ${m.security} (${m.origin.security})` : '; no security archive'}; index reused for ${INDEX_MAX_AGE_MS / 3600_000} h` });
  } catch (error) {
    findings.push({ name: 'Debian mirror', status: cached.length > 0 ? 'info' : 'warn', detail: `${(error as Error).message.split(':')[0]}: only cached kernels and --kernel paths resolve` });
  }
  return findings;
}
