/**
 * What the netns driver needs on the host, checked read-only: root, the tools the lab runs
 * (`ip`, `iptables`, `nft`, `conntrack`, `sysctl`) and the native raw-socket module the
 * injector uses. `netnsReadiness` names the one command that supplies what is missing.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setupHint, type Readiness } from '../setup-hint.js';

/** binary -> Debian package (the netns part of scripts/setup-system.js). */
export const NETNS_TOOLS: Readonly<Record<string, string>> = { ip: 'iproute2', iptables: 'iptables', nft: 'nftables', conntrack: 'conntrack', sysctl: 'procps' };

function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin']).some((d) => d && existsSync(`${d}/${bin}`));
}

function rawSocketLoads(): boolean {
  try {
    createRequire(import.meta.url)('raw-socket');
    return true;
  } catch {
    return false;
  }
}

/** Whether the netns driver can run here; the fix is `npm run setup` for tools, root otherwise. */
export function netnsReadiness(): Readiness {
  const missing: string[] = [];
  const pkgs: string[] = [];
  for (const [bin, pkg] of Object.entries(NETNS_TOOLS)) {
    if (!onPath(bin)) {
      missing.push(`${bin} (${pkg})`);
      pkgs.push(pkg);
    }
  }
  const raw = rawSocketLoads();
  if (!raw) missing.push('the raw-socket native module');
  const root = process.getuid?.() === 0;
  if (!root) missing.push('root');
  if (missing.length === 0) return { ready: true, missing, fix: null };
  // npm run setup rebuilds raw-socket too; root alone needs only sudo.
  const fix = pkgs.length > 0 || !raw ? setupHint(pkgs) : 'run it as root (e.g. `sudo npm run reproduce`)';
  return { ready: false, missing, fix };
}
