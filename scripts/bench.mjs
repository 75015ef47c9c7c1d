#!/usr/bin/env node
// `npm run bench`: the harness benchmark. Installs the reference tools it compares with (wrk,
// iperf3, from Debian's packages) when they are missing, as root with apt-get (otherwise it
// prints the exact command), builds, then runs `resetlab bench harness` with any extra
// arguments (e.g. `npm run bench -- --quick`, `npm run bench -- --write-baseline`).
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOOLS = { wrk: 'wrk', iperf3: 'iperf3' };
const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const missing = Object.entries(TOOLS).filter(([bin]) => !has(bin)).map(([, pkg]) => pkg);

if (missing.length > 0) {
  const cmd = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0 || !has('apt-get')) {
    process.stderr.write(`resetlab bench: missing ${missing.join(', ')}; install them as root:\n  ${cmd}\n`);
    process.exit(1);
  }
  process.stderr.write(`resetlab bench: installing ${missing.join(', ')} from Debian's packages...\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'inherit', 'inherit'], env });
  // iperf3's package asks whether to start a daemon; answer no (the bench starts its own, inside a lab namespace).
  execFileSync('sh', ['-c', 'echo "iperf3 iperf3/start_daemon boolean false" | debconf-set-selections'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: ['ignore', 'inherit', 'inherit'], env });
}

execFileSync('node', [join(root, 'scripts', 'setup-system.js'), '--quiet'], { stdio: 'inherit' });
execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit', cwd: root });
const r = spawnSync(process.execPath, [join(root, 'bin', 'resetlab.js'), 'bench', 'harness', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
