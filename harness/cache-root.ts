/**
 * Where resetlab's caches live: `$XDG_CACHE_HOME/resetlab/<name>` (a relative XDG_CACHE_HOME is
 * ignored, as the XDG spec says), else `~/.cache/resetlab/<name>`. Pure (reads only `env`).
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** The folder of the cache `name` (e.g. `kernels`, `kubernetes`) for this environment. */
export function cacheRoot(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME?.trim();
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME?.trim() || homedir(), '.cache');
  return join(base, 'resetlab', name);
}
