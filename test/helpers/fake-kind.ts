/**
 * A FakeRunner scripted like a healthy machine with Docker, kind and kubectl and a kind
 * cluster `rl-0a1b2c` (or another name) whose outputs come from test/fixtures/kind. Tests
 * override single answers with `runner.on(...)` (later answers win).
 */
import { readFileSync } from 'node:fs';
import { FakeContainerEngine } from '../../harness/containers/fake-engine.js';
import { FakeRunner } from '../../harness/exec/fake-runner.js';

/** A fixture of test/fixtures/kind. */
export const kindFixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/kind/${name}`, import.meta.url), 'utf8');

/** Facts of the fake cluster. */
export interface FakeKindOptions {
  cluster?: string;
  /** Clusters `kind get clusters` lists (default: none). */
  existing?: string[];
  /** Tools the node image has (default: kind's: no nft, no ipvsadm). */
  nodeTools?: string[];
  /** kube-proxy config.conf (default: the ipvs fixture). */
  kubeProxyConfig?: string;
  /** kube-proxy's log (default: the ipvs fixture with the default config, else empty). */
  kubeProxyLog?: string;
}

/** Sandbox ids and pids per pod, as crictl in the nodes reports them. */
export const FAKE_PODS = {
  server: { name: 'rl-0a1b2c-server-7d9c6b5f4-x2x9q', ip: '10.244.2.3', sandbox: '5f0c2b1e9d7a', pid: 2291 },
  client: { name: 'rl-0a1b2c-client-5b8d7c9f6-q7k2m', ip: '10.244.1.4', sandbox: '9a8b7c6d5e4f', pid: 1874 },
} as const;

/** The default tools of a kind node image (no nft, no ipvsadm). */
export const KIND_NODE_TOOLS = ['sh', 'cat', 'sysctl', 'conntrack', 'iptables', 'iptables-save', 'nsenter', 'crictl'];

/** Builds the scripted runner (see module doc). */
export function fakeKind(options: FakeKindOptions = {}): FakeRunner {
  const c = options.cluster ?? 'rl-0a1b2c';
  const inspectp = kindFixture('crictl-inspectp-server.json');
  const clientInspectp = JSON.stringify({
    ...JSON.parse(inspectp),
    status: { state: 'SANDBOX_READY', network: { ip: FAKE_PODS.client.ip } },
    info: { pid: FAKE_PODS.client.pid },
  });
  const pods = kindFixture('kube-proxy-pods.txt').replaceAll('rl-0a1b2c-', `${c}-`);
  const r = new FakeRunner();
  const S = FAKE_PODS.server;
  const C = FAKE_PODS.client;
  r.on(/^kind version$/, { stdout: 'kind v0.29.0 go1.24.2 linux/amd64\n' })
    .on(/^kubectl version --client$/, { stdout: 'Client Version: v1.33.1\nKustomize Version: v5.6.0\n' })
    .on(/^docker info /, { stdout: '28.2.2\n' })
    .on(/^kind get clusters$/, { stdout: (options.existing ?? []).map((n) => `${n}\n`).join(''), stderr: options.existing?.length ? '' : 'No kind clusters found.\n' })
    .on(new RegExp(`^kind get nodes --name ${c}$`), { stdout: `${c}-worker2\n${c}-control-plane\n${c}-worker\n` })
    .on(/get configmap kube-proxy/, { stdout: options.kubeProxyConfig ?? kindFixture('kube-proxy-config-ipvs.conf') })
    .on(/get pods -l k8s-app=kube-proxy/, { stdout: pods })
    .on(/ logs kube-proxy-/, { stdout: options.kubeProxyLog ?? (options.kubeProxyConfig ? '' : kindFixture('kube-proxy-ipvs.log')) })
    .on(/^docker exec \S+ sh -c /, { stdout: (options.nodeTools ?? KIND_NODE_TOOLS).map((t) => `${t}\n`).join('') })
    .on(/get pods -l app=rl-0a1b2c-server /, { stdout: `${S.name}\t${c}-worker2\t${S.ip}\tRunning\n` })
    .on(/get pods -l app=rl-0a1b2c-client /, { stdout: `${C.name}\t${c}-worker\t${C.ip}\tRunning\n` })
    .on(new RegExp(`crictl pods .* --name ${S.name} `), { stdout: `${S.sandbox}\n` })
    .on(new RegExp(`crictl pods .* --name ${C.name} `), { stdout: `${C.sandbox}\n` })
    .on(new RegExp(`crictl inspectp ${S.sandbox}$`), { stdout: inspectp })
    .on(new RegExp(`crictl inspectp ${C.sandbox}$`), { stdout: clientInspectp })
    .on(/get endpointslices/, { stdout: `${S.ip}\ttrue\n` })
    .on(/get service rl-0a1b2c-svc/, { stdout: '10.96.112.40' })
    .on(/^docker inspect -f /, { stdout: '172.18.0.3 \n' });
  return r;
}

/**
 * A FakeContainerEngine whose actions appear in `runner.lines` as `engine: <action>`, in
 * order with the commands, so one sequence shows both; toolbox commands run through
 * `runner` as `engine: exec <toolbox> <argv>` (so canned answers and inputs work as usual).
 */
export function fakeEngine(runner: FakeRunner): FakeContainerEngine {
  return new FakeContainerEngine(
    (line) => runner.calls.push({ argv: [], line: `engine: ${line}` }),
    (toolbox, argv, options) => runner.run(['engine:', 'exec', toolbox, ...argv], options),
  );
}

/** The lines of `runner` with the long jsonpath/-o arguments shortened to `…`, for readable sequences. */
export function shortLines(runner: FakeRunner): string[] {
  return runner.lines.map((l) =>
    l
      .replace(/ -o '?jsonpath=.*$/, ' -o jsonpath…')
      .replace(/ sh -c '.*'$/, ' sh -c …'),
  );
}

/**
 * Wraps a runner so `docker exec <container> sysctl -w k=v ...` and `... sysctl -e k ...`
 * act on per-container state (starting from `initial`), like real nodes; everything else
 * goes to `inner`. `override` forces what one container reads back (a node that refuses).
 */
export function withSysctlState(
  inner: FakeRunner,
  initial: Record<string, number>,
  override: Record<string, Record<string, number>> = {},
): FakeRunner & { state: Map<string, Record<string, number>> } {
  const state = new Map<string, Record<string, number>>();
  const of = (c: string) => state.get(c) ?? state.set(c, { ...initial }).get(c)!;
  const wrapped = Object.create(inner) as FakeRunner & { state: typeof state };
  wrapped.state = state;
  wrapped.run = async (argv, options) => {
    const result = await inner.run(argv, options);
    const [docker, exec, container, cmd, flag, ...rest] = argv;
    if (docker !== 'docker' || exec !== 'exec' || cmd !== 'sysctl' || !container) return result;
    const values = of(container);
    if (flag === '-w') for (const kv of rest) values[kv.split('=')[0]!] = Number(kv.split('=')[1]);
    if (flag === '-e') {
      const shown = { ...values, ...override[container] };
      return { ...result, stdout: rest.filter((k) => k in shown).map((k) => `${k} = ${shown[k]}\n`).join('') };
    }
    return result;
  };
  return wrapped;
}
