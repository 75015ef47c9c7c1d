#!/usr/bin/env node
// Installs the system tools resetlab needs from Debian's packages when they are missing.
// As root it runs apt-get itself; otherwise it prints the exact command and exits 1.
// It also checks that the native raw-socket module really built (npm may skip install scripts).
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

/** binary -> Debian package. */
const NEEDS = {
  ip: 'iproute2',
  tc: 'iproute2',
  iptables: 'iptables',
  'iptables-restore': 'iptables',
  'iptables-save': 'iptables',
  nft: 'nftables',
  conntrack: 'conntrack',
  sysctl: 'procps',
  // kube-proxy IPVS mode matches ipsets (KUBE-CLUSTER-IP, KUBE-LOOP-BACK, ...); ipvsadm manages its virtual servers.
  ipset: 'ipset',
  ipvsadm: 'ipvsadm',
  // Only for the tests: the safety test captures on the host's interfaces to prove no lab packet leaves.
  tcpdump: 'tcpdump',
};

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` } }).status === 0;
const missing = [...new Set(Object.entries(NEEDS).filter(([bin]) => !has(bin)).map(([, pkg]) => pkg))];
const quiet = process.argv.includes('--quiet');

if (missing.length > 0) {
  const cmd = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0 || !has('apt-get')) {
    process.stderr.write(`resetlab setup: missing system packages: ${missing.join(', ')}\nInstall them as root:\n  ${cmd}\n`);
    process.exit(1);
  }
  process.stderr.write(`resetlab setup: installing ${missing.join(', ')} from Debian's packages...\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'inherit', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: ['ignore', 'inherit', 'inherit'], env });
} else if (!quiet) {
  process.stderr.write('resetlab setup: system tools present (iproute2, iptables, nftables, conntrack, procps, tcpdump)\n');
}

try {
  createRequire(import.meta.url)('raw-socket');
} catch (error) {
  process.stderr.write(`resetlab setup: the native raw-socket module does not load (${String(error.message).split('\n')[0]}); rebuilding...\n`);
  execFileSync('npm', ['rebuild', 'raw-socket', '--foreground-scripts'], { stdio: 'inherit' });
  createRequire(import.meta.url)('raw-socket');
}
