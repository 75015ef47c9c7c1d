/**
 * The `delayed-duplicates` fault: under load, copies a fraction of the server's reply
 * segments on node-b and delivers the copies to node-a late, over a second, slow veth path
 * (`slow0`, 172.19.0.0/24) created for the arm:
 * - an iptables TEE rule on node-b (`-m statistic --probability <fraction>`) clones sampled
 *   replies to node-a's slow0 address; rp_filter is disabled on node-a for that path;
 * - the delay is a netem qdisc on node-b's slow0 where `sch_netem` is already loaded or built
 *   in (resetlab does not make the kernel load it), otherwise a TBF
 *   shaper whose queue holds copies for about `delayMs` (excess copies are dropped).
 * Reports copies sent (TEE counter), copies arrived (counter on node-a), shaper drops and
 * the delay actually achieved (TBF: backlog / rate sampled every 100 ms; netem: configured).
 * netns driver only. Everything it creates is removed by `revert` or by the cleanup stack.
 */
import type { CleanupStack } from '../exec/cleanup-stack.js';
import type { Lab, LabNode } from '../lab/lab.js';
import { moduleAvailableWithoutLoading } from '../lab/kernel-modules.js';
import type { Fault, FaultReport } from './fault.js';
import { parseQdiscStats, queueDelayMs } from './tc-stats.js';

const SLOW_A = '172.19.0.2';
const SLOW_B = '172.19.0.3';
/** TBF rate: low enough that copies queue up to the latency bound. */
const TBF_RATE_BITS = 1_000_000;

/** Options of the fault. */
export interface DelayedDuplicatesOptions {
  fraction: number;
  delayMs: number;
}

/** See module doc. */
export class DelayedDuplicatesFault implements Fault {
  readonly kind = 'delayed-duplicates';
  private method: 'netem' | 'tbf' = 'tbf';
  private sampler: NodeJS.Timeout | null = null;
  private samples: number[] = [];
  private sampling: Promise<void> = Promise.resolve();
  private undo: (() => Promise<void>)[] = [];
  private readonly sampleErrors: string[] = [];
  constructor(private readonly options: DelayedDuplicatesOptions) {}

  private rules(lab: Lab) {
    const p = lab.prefix;
    const { serverIp, serverPort } = lab.addresses;
    return {
      tee: ['POSTROUTING', '-o', 'wire0', '-s', `${serverIp}/32`, '-p', 'tcp', '--sport', String(serverPort),
        '-m', 'statistic', '--mode', 'random', '--probability', String(this.options.fraction),
        '-m', 'comment', '--comment', `${p}-tee`, '-j', 'TEE', '--gateway', SLOW_A],
      arrived: ['PREROUTING', '-i', 'slow0', '-m', 'comment', '--comment', `${p}-slow-in`],
    };
  }

  async apply(lab: Lab, cleanup: CleanupStack): Promise<void> {
    if (lab.driver !== 'netns') throw new Error('failed to apply delayed-duplicates: only the netns driver supports it');
    const a = lab.nodes['node-a'];
    const b = lab.nodes['node-b'];
    await a.exec(['ip', 'link', 'add', 'slow0', 'type', 'veth', 'peer', 'name', 'slow0', 'netns', b.id]);
    const dropLink = async () => void (await a.exec(['ip', 'link', 'del', 'slow0'], { check: false }));
    cleanup.push('slow path slow0', dropLink);
    this.undo.push(dropLink);
    await a.exec(['ip', 'addr', 'add', `${SLOW_A}/24`, 'dev', 'slow0']);
    await b.exec(['ip', 'addr', 'add', `${SLOW_B}/24`, 'dev', 'slow0']);
    await Promise.all([a.exec(['ip', 'link', 'set', 'slow0', 'up']), b.exec(['ip', 'link', 'set', 'slow0', 'up'])]);
    await a.exec(['sysctl', '-w', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.slow0.rp_filter=0']);
    // netem only where the kernel already has it: trying it would make the kernel load sch_netem.
    const netem = moduleAvailableWithoutLoading('sch_netem')
      ? await b.exec(['tc', 'qdisc', 'add', 'dev', 'slow0', 'root', 'netem', 'delay', `${this.options.delayMs}ms`, 'limit', '100000'], { check: false })
      : null;
    this.method = netem?.exitCode === 0 ? 'netem' : 'tbf';
    if (this.method === 'tbf') {
      await b.exec(['tc', 'qdisc', 'add', 'dev', 'slow0', 'root', 'tbf', 'rate', `${TBF_RATE_BITS}bit`, 'burst', '1600', 'latency', `${this.options.delayMs}ms`]);
    }
    const r = this.rules(lab);
    await a.exec(['iptables', '-w', '-t', 'mangle', '-A', ...r.arrived]);
    this.pushRuleUndo(a, r.arrived, cleanup);
    await b.exec(['iptables', '-w', '-t', 'mangle', '-A', ...r.tee]);
    this.pushRuleUndo(b, r.tee, cleanup);
    if (this.method === 'tbf') {
      this.sampler = setInterval(() => {
        this.sampling = this.sampling.then(async () => {
          const out = await b.exec(['tc', '-s', 'qdisc', 'show', 'dev', 'slow0'], { check: false });
          if (out.exitCode !== 0) return;
          const s = parseQdiscStats(out.stdout);
          if (s.backlogBytes > 0) this.samples.push(queueDelayMs(s.backlogBytes, TBF_RATE_BITS));
        }).catch((error: Error) => void this.sampleErrors.push(error.message));
      }, 100);
    }
  }

  /** Registers the deletion of a mangle-table rule `[chain, ...spec]`. */
  private pushRuleUndo(node: LabNode, rule: string[], cleanup: CleanupStack): void {
    const del = async () => void (await node.exec(['iptables', '-w', '-t', 'mangle', '-D', ...rule], { check: false }));
    cleanup.push(`iptables rule ${rule.join(' ')}`, del);
    this.undo.push(del);
  }

  async revert(lab: Lab): Promise<FaultReport> {
    if (this.sampler) clearInterval(this.sampler);
    await this.sampling.catch(() => undefined);
    const p = lab.prefix;
    const a = lab.nodes['node-a'];
    const b = lab.nodes['node-b'];
    const [aSave, bSave, qdisc] = await Promise.all([
      a.exec(['iptables-save', '-c', '-t', 'mangle']),
      b.exec(['iptables-save', '-c', '-t', 'mangle']),
      b.exec(['tc', '-s', 'qdisc', 'show', 'dev', 'slow0']),
    ]);
    const count = (text: string, comment: string) => Number(new RegExp(`^\\[(\\d+):\\d+\\].*--comment "?${comment}"?`, 'm').exec(text)?.[1] ?? NaN);
    const sent = count(bSave.stdout, `${p}-tee`);
    const arrived = count(aSave.stdout, `${p}-slow-in`);
    const shaper = parseQdiscStats(qdisc.stdout);
    for (const undo of this.undo.reverse()) await undo();
    this.undo = [];
    const mean = this.samples.length ? this.samples.reduce((x, y) => x + y, 0) / this.samples.length : null;
    return {
      injected: Number.isFinite(sent) ? sent : 0,
      details: {
        method: this.method,
        fraction: this.options.fraction,
        copiesSent: sent,
        copiesArrived: arrived,
        copiesDroppedByShaper: shaper.dropped,
        delayMsRequested: this.options.delayMs,
        delayMsConfigured: this.method === 'netem' ? this.options.delayMs : null,
        // Measured only for TBF (netem does not report the delay it applies).
        delayMsAchieved: this.method === 'netem' || mean === null ? null : Number(mean.toFixed(1)),
        delayMeasurement: this.method === 'netem'
          ? 'netem delay (configured; netem does not report it)'
          : `TBF queueing delay = backlog / rate, mean of ${this.samples.length} samples taken every 100 ms while copies were queued`,
      },
      disturbed: !(Number.isFinite(sent) && Number.isFinite(arrived))
        ? 'failed to read the delayed-duplicates counters'
        : this.sampleErrors.length > 0
          ? `failed to sample the shaper ${this.sampleErrors.length} time(s): ${this.sampleErrors[0]}`
          : undefined,
    };
  }
}
