#!/usr/bin/env node
// Installs the system tools resetlab needs from Debian's packages when they are missing.
// As root it runs apt-get itself; otherwise it prints the exact command and exits 1.
// It also checks that the native raw-socket module really built (npm may skip install scripts).
// The vm set (no flag, --vm, --for-tests) includes Debian's docker.io where systemd does not run: its dockerd
// runs only inside guests (kind in a guest), never on the host.
// With --for-tests it also installs what only the tests use: Debian's docker.io
// (dockerd, for the container tests, which start their own engine with no host rules) unless a
// Docker engine is already there or systemd runs (installing docker.io there would start the
// system's docker.service, which writes host iptables rules; install it yourself if you want).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
  // The kernel cache (resetlab kernels / the vm driver) builds modules.dep of Debian kernels with depmod -b.
  depmod: 'kmod',
  // kube-proxy IPVS mode matches ipsets (KUBE-CLUSTER-IP, KUBE-LOOP-BACK, ...); ipvsadm manages its virtual servers
  // (on hosts with ip_vs, and inside the vm driver's guests, which use the host's binaries).
  ipset: 'ipset',
  ipvsadm: 'ipvsadm',
  // Inject faults capture RSTs inside the lab's server namespace to tell each leaked connection's fate.
  tcpdump: 'tcpdump',
};

/**
 * Real kernels (--driver vm, resetlab kernels) and `node prove`: installed by `npm run setup`
 * (no flag), `--vm` and `--for-tests`; `npm run reproduce` (netns driver) does not need them.
 */
const VM_NEEDS = {
  // The vm driver boots kernels under QEMU with a busybox initramfs.
  'qemu-system-x86_64': 'qemu-system-x86',
  busybox: 'busybox-static',
  xz: 'xz-utils',
  // node prove: builds its Debian root filesystem once (cached) and supervises qemu with setpriv --pdeathsig.
  debootstrap: 'debootstrap',
  setpriv: 'util-linux',
};

/** Only for the tests (--for-tests). */
const TEST_NEEDS = {};
const forTests = process.argv.includes('--for-tests');
const systemd = existsSync('/run/systemd/system');
// The container tests start Debian's dockerd themselves (test/helpers/docker-engine.ts).
const engineThere = existsSync('/var/run/docker.sock') || Boolean(process.env.DOCKER_HOST);
if (forTests && !systemd && !engineThere) TEST_NEEDS.dockerd = 'docker.io';
// kind in a guest (--driver kind --kernel K, kind node-image check) runs the host's dockerd binary inside the guest only.
// Without systemd nothing starts it on the host; with systemd, installing it would start docker.service, so it is left to you.
if (!systemd) VM_NEEDS.dockerd = 'docker.io';
if (forTests || process.argv.includes('--vm') || !process.argv.includes('--quiet')) Object.assign(NEEDS, VM_NEEDS);
if (forTests) Object.assign(NEEDS, TEST_NEEDS);

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
  process.stderr.write(`resetlab setup: system tools present (${[...new Set(Object.values(NEEDS))].join(', ')})\n`);
}

try {
  createRequire(import.meta.url)('raw-socket');
} catch (error) {
  process.stderr.write(`resetlab setup: the native raw-socket module does not load (${String(error.message).split('\n')[0]}); rebuilding...\n`);
  execFileSync('npm', ['rebuild', 'raw-socket', '--foreground-scripts'], { stdio: 'inherit' });
  createRequire(import.meta.url)('raw-socket');
}
