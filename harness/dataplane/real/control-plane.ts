/**
 * A real control plane of the run's own: etcd and kube-apiserver in the namespace
 * `<prefix>-kube`. The apiserver listens on 172.18.1.2:6443, an address on the namespace's own
 * `lo` (its `kubernetes` Service endpoint), so it keeps answering while no node-a is attached.
 * `attach(nodeA)` links one node-a's namespace to it by a veth (`kube0` on node-a,
 * 172.18.1.1/24; `eth0` here); the link goes when that node-a's namespace is deleted, so one
 * control plane can serve several labs one after another (the conformance run does). Nothing
 * listens in, or is connected to, the host's namespace. The namespace and the state folder
 * (`<run dir>/<prefix>-kube/`: etcd data, token, keys, logs) are registered for cleanup the
 * moment they exist and are found again by prefix after a crash (netns/cleanup.ts kills every
 * process in a run namespace before deleting it). Flags: KNOWLEDGE.md §5 (v1.20 accepts only
 * `--insecure-port=0`, so the secure port with a static token and AlwaysAllow).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CleanupStack } from '../../exec/cleanup-stack.js';
import type { Runner } from '../../exec/runner.js';
import { ResetlabError } from '../../errors.js';
import { ownerDir } from '../../lab/owner.js';
import { NETNS_ADDRESSES } from '../../lab/netns/addresses.js';
import { deleteNamespace } from '../../lab/netns/cleanup.js';
import type { KubernetesBinaries } from '../../kubernetes/resolve.js';
import { describeDaemonExit, startDaemon, type StartedDaemon } from './daemon.js';

/** Addresses of the control plane's link to node-a. */
export const CONTROL_PLANE_ADDRESSES = { nodeA: '172.18.1.1', apiserver: '172.18.1.2', prefixLen: 24, port: 6443 } as const;

/** The state folder of a run's control plane. */
export function controlPlaneDir(prefix: string): string {
  return join(ownerDir(), `${prefix}-kube`);
}

/** The control plane's namespace name. */
export const controlPlaneNamespace = (prefix: string) => `${prefix}-kube`;

/** A running control plane. Stopped by the cleanup stack it was given. */
export interface StartedControlPlane {
  namespace: string;
  dir: string;
  url: string;
  token: string;
  kubeconfig: string;
  etcd: StartedDaemon;
  apiserver: StartedDaemon;
  /** Seconds from the apiserver's start to healthz `ok`. */
  healthySec: number;
  /** Calls the API from inside the control plane's namespace: returns status and body. */
  api(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; body: string }>;
  /**
   * Links node-a's namespace to the control plane (one node-a at a time; an earlier node-a's
   * link must be gone with its namespace). Nothing to undo: the veth goes with node-a.
   */
  attach(nodeANamespace: string): Promise<void>;
}

/** The kube-apiserver argv (pure). */
export function apiserverArgs(bin: string, dir: string): string[] {
  const a = CONTROL_PLANE_ADDRESSES;
  return [
    bin,
    '--etcd-servers=http://127.0.0.1:2379',
    `--secure-port=${a.port}`,
    '--insecure-port=0',
    `--bind-address=${a.apiserver}`,
    `--advertise-address=${a.apiserver}`,
    `--token-auth-file=${join(dir, 'token.csv')}`,
    '--authorization-mode=AlwaysAllow',
    '--service-account-issuer=https://kubernetes.default.svc',
    `--service-account-key-file=${join(dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
    '--disable-admission-plugins=ServiceAccount',
    `--cert-dir=${join(dir, 'certs')}`,
    `--service-cluster-ip-range=${NETNS_ADDRESSES.serviceCidr}`,
    '--enable-priority-and-fairness=false',
  ];
}

/** The kubeconfig kube-proxy reads (token auth; the apiserver's certificate is self-signed). Pure. */
export function kubeconfigText(url: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: rl\n  cluster:\n    server: ${url}\n    insecure-skip-tls-verify: true`,
    'users:',
    `- name: rl\n  user:\n    token: ${token}`,
    'contexts:',
    '- name: rl\n  context:\n    cluster: rl\n    user: rl',
    'current-context: rl',
    '',
  ].join('\n');
}

/**
 * Starts etcd and kube-apiserver and waits for healthz (up to `timeoutMs`); every resource is
 * pushed on `cleanup` at birth. Throws with the daemons' last log lines when one exits.
 */
export async function startControlPlane(o: { prefix: string; binaries: KubernetesBinaries; runner: Runner; cleanup: CleanupStack; timeoutMs: number; say: (l: string) => void }): Promise<StartedControlPlane> {
  const { prefix, runner, cleanup } = o;
  const a = CONTROL_PLANE_ADDRESSES;
  const ns = controlPlaneNamespace(prefix);
  const dir = controlPlaneDir(prefix);
  mkdirSync(join(dir, 'certs'), { recursive: true });
  cleanup.push(`control-plane folder ${dir}`, async () => rmSync(dir, { recursive: true, force: true }));
  await runner.run(['ip', 'netns', 'add', ns]);
  cleanup.push(`network namespace ${ns}`, () => deleteNamespace(runner, ns));
  await runner.run(['ip', '-n', ns, '-batch', '-'], { input: `link set lo up\naddr add ${a.apiserver}/32 dev lo\n` });
  const attach = async (nodeANamespace: string) => {
    // `ip netns del` of the previous node-a returns before the kernel has removed its devices:
    // its veth peer may still be here. Deleting it (absent is fine) removes the pair at once.
    await runner.run(['ip', '-n', ns, 'link', 'del', 'eth0'], { check: false });
    await runner.run(['ip', '-n', nodeANamespace, 'link', 'add', 'kube0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    await runner.run(['ip', '-n', nodeANamespace, '-batch', '-'], { input: `link set kube0 up\naddr add ${a.nodeA}/${a.prefixLen} dev kube0\n` });
    await runner.run(['ip', '-n', ns, '-batch', '-'], { input: `link set eth0 up\nroute add ${a.nodeA}/32 dev eth0 src ${a.apiserver}\nroute replace default via ${a.nodeA} dev eth0 src ${a.apiserver}\n` });
  };
  const token = randomBytes(16).toString('hex');
  writeFileSync(join(dir, 'token.csv'), `${token},resetlab,resetlab,system:masters\n`, { mode: 0o600 });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } });
  writeFileSync(join(dir, 'sa.key'), privateKey, { mode: 0o600 });
  writeFileSync(join(dir, 'sa.pub'), publicKey);
  const url = `https://${a.apiserver}:${a.port}`;
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigText(url, token), { mode: 0o600 });
  const wrap = (argv: string[]) => ['ip', 'netns', 'exec', ns, ...argv];
  const etcd = startDaemon('etcd', wrap([o.binaries.etcd, `--name=${prefix}`, `--data-dir=${join(dir, 'etcd')}`, '--listen-client-urls=http://127.0.0.1:2379', '--advertise-client-urls=http://127.0.0.1:2379', '--listen-peer-urls=http://127.0.0.1:2380', '--initial-advertise-peer-urls=http://127.0.0.1:2380', `--initial-cluster=${prefix}=http://127.0.0.1:2380`, '--unsafe-no-fsync']), join(dir, 'etcd.log'));
  cleanup.push('etcd', async () => void (await etcd.stop()));
  const started = performance.now();
  const apiserver = startDaemon('kube-apiserver', wrap(apiserverArgs(o.binaries.kubeApiserver, dir)), join(dir, 'kube-apiserver.log'));
  cleanup.push('kube-apiserver', async () => void (await apiserver.stop()));
  const api: StartedControlPlane['api'] = async (method, path, body) => {
    const argv = wrap(['curl', '-sk', '--max-time', '20', '-X', method, '-H', `Authorization: Bearer ${token}`, '-H', 'Content-Type: application/json', '-w', '\n%{http_code}', ...(body === undefined ? [] : ['--data-binary', '@-']), `${url}${path}`]);
    const r = await runner.run(argv, { check: false, timeoutMs: 30_000, ...(body === undefined ? {} : { input: JSON.stringify(body) }) });
    const lines = r.stdout.split('\n');
    return { status: Number(lines.pop() ?? 0), body: lines.join('\n') };
  };
  const deadline = Date.now() + o.timeoutMs;
  // A line every 30 s: slow guests (TCG) take minutes here, and their console must not look hung.
  let nextSay = Date.now() + 30_000;
  for (;;) {
    if (Date.now() > nextSay) {
      o.say(`control plane: waiting for kube-apiserver to be healthy (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      nextSay = Date.now() + 30_000;
    }
    for (const d of [etcd, apiserver]) if (d.hasExited()) throw new ResetlabError(`failed to start the control plane: ${describeDaemonExit(d, await d.exited)}`);
    const h = await api('GET', '/healthz').catch(() => ({ status: 0, body: '' }));
    if (h.status === 200 && h.body.trim() === 'ok') break;
    if (Date.now() > deadline) throw new ResetlabError(`failed to start the control plane: kube-apiserver not healthy after ${o.timeoutMs} ms (last healthz: ${h.status} ${h.body.slice(0, 200)}); last lines of ${apiserver.logFile}:\n${apiserver.lastLines(10).join('\n')}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const healthySec = (performance.now() - started) / 1000;
  o.say(`control plane: etcd ${o.binaries.etcdVersion} and kube-apiserver ${o.binaries.version} healthy after ${healthySec.toFixed(0)} s in ${ns}`);
  return { namespace: ns, dir, url, token, kubeconfig, etcd, apiserver, healthySec, api, attach };
}
