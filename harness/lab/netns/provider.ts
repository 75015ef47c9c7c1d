/**
 * The netns driver: provisions `client pod -- node-a == node-b -- server pod` as network
 * namespaces of the run, with the proxy data plane on node-a. Every namespace is registered
 * for cleanup the moment it exists; a failed provision removes what it made and rethrows.
 * Nothing is ever created in, or connected to, the initial network namespace.
 */
import { release } from 'node:os';
import { CleanupStack } from '../../exec/cleanup-stack.js';
import type { Runner } from '../../exec/runner.js';
import type { DataPlane, Lab, LabAddresses, NodeRole } from '../lab.js';
import { parseRpsOutput, rpsMismatches, rpsReadArgv, rpsWriteArgv, type RpsReadBack, type RpsWanted } from '../rps.js';
import { parseSysctlOutput, sysctlMismatches, sysctlReadArgv, sysctlWriteArgv } from '../sysctl.js';
import type { LabTopology } from '../topology.js';
import { evidenceRules } from '../evidence.js';
import { claimPrefix } from '../owner.js';
import { deleteNamespace } from './cleanup.js';
import { kubeProxyVersion, modelDataPlane, type DataPlaneProvider, type StartedDataPlane } from '../../dataplane/index.js';
import { ruleComments, summarizeNetnsRules } from './dataplane.js';
import { servicePath } from './service-path.js';
import { NetnsNode } from './node.js';
import { chooseProxyMode, readProxyFacts, type ProxyFacts } from './proxy-mode.js';
import { topologyPlan, vethCommand } from './provision.js';

/** Options for `provisionNetnsLab`. */
export interface NetnsLabOptions {
  prefix: string;
  topology: LabTopology;
  runner: Runner;
  /** Host facts (injected in tests); read from the machine by default. */
  facts?: ProxyFacts;
  /** Kernel release deciding kube-proxy's IPVS sysctls (injected in tests); `os.release()` by default. */
  kernelRelease?: string;
  /**
   * Who writes node-a's rules: the modelled kube-proxy by default (`dataplane/model`), or the
   * real binary (`realDataPlane`, dataplane/real/provider.ts). The lab does not know which.
   */
  dataPlane?: DataPlaneProvider;
}

/** A provisioned netns lab; `destroy()` deletes its namespaces (and with them links, rules, sysctls). */
export class NetnsLab implements Lab {
  readonly driver = 'netns' as const;
  readonly nodeRoles: readonly NodeRole[] = ['node-a', 'node-b'];
  readonly counterRules: { invalidDrop: string; leak: string; natted: string };
  readonly evidenceRoles: readonly NodeRole[];
  readonly invalidDropRule?: { table: string; chain: string; spec: string };
  constructor(
    readonly prefix: string,
    readonly dataPlane: DataPlane,
    readonly addresses: LabAddresses,
    readonly nodes: Record<NodeRole, NetnsNode>,
    private readonly cleanup: CleanupStack,
    /** What wrote node-a's rules (model or real). */
    private readonly started: StartedDataPlane,
  ) {
    this.counterRules = ruleComments(prefix);
    if (started.invalidDropRule) this.invalidDropRule = started.invalidDropRule;
    // The client's namespace and node-a; one namespace when the client runs on node-a itself.
    this.evidenceRoles = nodes.client.id === nodes['node-a'].id ? ['node-a'] : ['client', 'node-a'];
  }

  async setSysctls(roles: readonly NodeRole[], values: Record<string, number>) {
    await Promise.all(roles.map((r) => this.nodes[r].exec(sysctlWriteArgv(values))));
    const read = await this.readSysctls(roles, Object.keys(values));
    const problems = roles.flatMap((r) => sysctlMismatches(values, read[r] ?? {}).map((m) => `${r}: ${m}`));
    if (problems.length > 0) throw new Error(`failed to set sysctls: ${problems.join('; ')}`);
    return read;
  }

  async readSysctls(roles: readonly NodeRole[], keys: readonly string[]) {
    const out: Record<string, Record<string, number>> = {};
    await Promise.all(
      roles.map(async (r) => {
        out[r] = parseSysctlOutput((await this.nodes[r].exec(sysctlReadArgv(keys), { check: false })).stdout);
      }),
    );
    return out;
  }

  /** RPS through the node's own sysfs (`ip netns exec` mounts it); see Lab.setRps. */
  async setRps(wanted: RpsWanted): Promise<RpsReadBack> {
    const out: RpsReadBack = {};
    const roles = Object.keys(wanted) as NodeRole[];
    await Promise.all(
      roles.map(async (r) => {
        out[r] = parseRpsOutput((await this.nodes[r].exec(rpsWriteArgv(wanted[r] ?? {}))).stdout);
      }),
    );
    const problems = rpsMismatches(wanted, out);
    if (problems.length > 0) throw new Error(`failed to set RPS: ${problems.join('; ')}`);
    return out;
  }

  /** Reads RPS settings per role; see Lab.readRps. */
  async readRps(roles: readonly NodeRole[], ifnames?: readonly string[]): Promise<RpsReadBack> {
    const out: RpsReadBack = {};
    await Promise.all(
      roles.map(async (r) => {
        out[r] = parseRpsOutput((await this.nodes[r].exec(rpsReadArgv(ifnames))).stdout);
      }),
    );
    return out;
  }

  duringLoad(): (() => void) | undefined {
    return this.started.duringLoad?.();
  }

  async dataPlaneRules(): Promise<Record<string, string[]>> {
    const a = this.nodes['node-a'];
    const read = async (argv: string[]) => (await a.exec(argv, { check: false })).stdout;
    const mode = this.dataPlane.proxyMode;
    this.started.assertRunning?.();
    if (this.started.rules) {
      const raw = await this.started.rules();
      const first = (k: string) => (raw[k] ?? []).join('\n');
      return { 'node-a': summarizeNetnsRules({ iptablesSave: first('node-a: iptables-save -c').replace(/^\[\d+:\d+\] /gm, ''), ipvsadm: first('node-a: ipvsadm -Ln') }), ...raw };
    }
    return {
      'node-a': summarizeNetnsRules({
        iptablesSave: mode === 'nftables' ? undefined : await read(['iptables-save']),
        nftRuleset: mode === 'nftables' ? await read(['nft', 'list', 'ruleset']) : undefined,
        ipvsadm: mode === 'ipvs' ? await read(['ipvsadm', '-Ln']) : undefined,
      }),
    };
  }

  async flushConntrack(): Promise<void> {
    // `conntrack -F` exits 1 when the table was already empty on some versions: not an error.
    await Promise.all(this.nodeRoles.map((r) => this.nodes[r].exec(['conntrack', '-F'], { check: false })));
  }

  destroy(): Promise<string[]> {
    return this.cleanup.unwind();
  }
}

/** Provisions the lab. On failure everything created so far is removed and the error rethrown. */
export async function provisionNetnsLab(options: NetnsLabOptions): Promise<NetnsLab> {
  const { prefix, topology, runner } = options;
  const { mode, reason } = chooseProxyMode(topology.proxyMode, options.facts ?? readProxyFacts());
  const plan = topologyPlan(prefix, topology.client);
  const path = servicePath(topology);
  const cleanup = new CleanupStack();
  const ns = Object.fromEntries(plan.namespaces.map((n) => [n.role, new NetnsNode(n.role, n.name, runner)])) as Record<
    NodeRole,
    NetnsNode
  >;
  try {
    cleanup.push(`owner file of ${prefix}`, claimPrefix(prefix));
    for (const n of plan.namespaces) {
      await runner.run(['ip', 'netns', 'add', n.name]);
      cleanup.push(`network namespace ${n.name}`, () => deleteNamespace(runner, n.name));
    }
    for (const v of plan.veths) await runner.run(vethCommand(prefix, v));
    await Promise.all(Object.entries(plan.ipLines).map(([role, lines]) => ns[role as NodeRole].ipBatch(lines)));
    await Promise.all(['node-a', 'node-b'].map((r) => ns[r as NodeRole].exec(sysctlWriteArgv(plan.nodeSysctls))));
    const started = await (options.dataPlane ?? modelDataPlane).start(ns['node-a'], {
      prefix,
      mode,
      path,
      masquerade: topology.masquerade,
      kubeProxy: {
        version: kubeProxyVersion(topology.kubeProxyVersion),
        dropInvalid: topology.dropInvalid,
        beLiberalAtStart: topology.beLiberalAtStart ?? 0,
      },
      kernelRelease: options.kernelRelease ?? release(),
    });
    cleanup.push(`${started.facts.source} kube-proxy of ${prefix}`, () => started.stop());
    // What the data plane wrote decides (the real kube-proxy's is read back; the lab knob adds no rule to it).
    const dropInvalid = started.facts.dropInvalid === true;
    const evidence = evidenceRules(prefix, { vip: path.target.ip, servicePort: path.target.port, serverIp: path.backend.ip, serverPort: path.backend.port });
    await Promise.all((['client', 'node-a'] as const).map((r) => ns[r].exec(['nft', '-f', '-'], { input: evidence })));
    const addresses: LabAddresses = {
      vip: path.target.ip,
      servicePort: path.target.port,
      serverIp: path.backend.ip,
      serverPort: path.backend.port,
      clientIp: path.clientIp,
    };
    const nodes = { ...ns, client: ns[path.clientRole], server: ns[path.serverRole] };
    const dataPlane: DataPlane = {
      proxyMode: mode,
      reason: started.note ? `${reason}; ${started.note}` : reason,
      kubeProxy: started.facts,
      knobs: {
        masquerade: topology.masquerade,
        dropInvalid,
        servicePort: topology.servicePort,
        serverPort: topology.serverPort,
        client: topology.client,
        service: path.service,
        ...(path.nodePort ? { nodePort: path.nodePort } : {}),
        hairpin: path.backendLocal,
      },
    };
    return new NetnsLab(prefix, dataPlane, addresses, nodes, cleanup, started);
  } catch (error) {
    const problems = await cleanup.unwind();
    if (problems.length > 0) (error as Error).message += `\n(cleanup after the failure also reported: ${problems.join('; ')})`;
    throw error;
  }
}
