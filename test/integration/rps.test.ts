/**
 * RPS on a real lab: `rps_cpus`/`rps_flow_cnt` written in a node's own sysfs and read back,
 * the host untouched, and a very short `resetlab bench rps` whose table, JSON and files are
 * checked. Needs root; leaves no namespace behind.
 */
import { execa } from 'execa';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RpsBenchDoc } from '../../harness/bench/rps/doc.js';
import { provisionNetnsLab } from '../../harness/lab/netns/provider.js';
import { newPrefix } from '../../harness/lab/prefix.js';
import { REPO_ROOT } from '../../harness/repo-root.js';
import { TopologySpec } from '../../harness/scenario/schema.js';
import { useLabScratch, IS_ROOT, ourNamespaces, runner, SKIP_REASON } from '../helpers/lab-env.js';

const bin = join(REPO_ROOT, 'bin', 'resetlab.js');
const hostFlowEntries = () => readFile('/proc/sys/net/core/rps_sock_flow_entries', 'utf8');

describe.skipIf(!IS_ROOT)(`RPS${IS_ROOT ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  const scratch = useLabScratch();

  it('sets rps_cpus and rps_flow_cnt in a node namespace, reads them back, and leaves the host alone', async () => {
    const before = await hostFlowEntries();
    const lab = await provisionNetnsLab({ prefix: newPrefix(), topology: TopologySpec.parse({}), runner });
    try {
      const read = await lab.setRps({ 'node-a': { wire0: { cpus: '3', flowCnt: 64 } } });
      expect(read['node-a']).toEqual({ 'wire0/rx-0/rps_cpus': '3', 'wire0/rx-0/rps_flow_cnt': '64' });
      // Read independently, through the namespace's own sysfs; node-b's end of the wire is untouched.
      const cat = (ns: string) => runner.run(['ip', 'netns', 'exec', ns, 'cat', '/sys/class/net/wire0/queues/rx-0/rps_cpus']);
      expect((await cat(lab.nodes['node-a'].id)).stdout.trim()).toBe('3');
      expect((await cat(lab.nodes['node-b'].id)).stdout.trim()).toBe('0');
      expect((await lab.readRps(['node-a', 'node-b']))['node-b']).toMatchObject({ 'wire0/rx-0/rps_cpus': '0', 'veth-server/rx-0/rps_cpus': '0' });
      await expect(lab.setRps({ 'node-a': { nosuch0: { cpus: '1', flowCnt: 0 } } })).rejects.toThrow(/no interface nosuch0 in this node/);
    } finally {
      expect(await lab.destroy()).toEqual([]);
    }
    expect(await hostFlowEntries()).toBe(before);
    expect(await ourNamespaces()).toEqual([]);
  });

  it('refuses a mask beyond the CPU count with exit 2 before creating anything', async () => {
    const r = await execa('node', [bin, 'bench', 'rps', '--masks', '0,ff,100000000'], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/flags: --masks: mask 100000000 names CPU 32/);
    expect(await ourNamespaces()).toEqual([]);
  });

  it('bench rps --masks 0,1 --trials 1 --duration 2s prints bench.json and writes the table, the charts and the statements', async () => {
    const r = await execa('node', [bin, 'bench', 'rps', '--masks', '0,1', '--trials', '1', '--duration', '2s', '--json', '--out', scratch()], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as RpsBenchDoc;
    expect(doc.schema).toBe('resetlab/bench-rps@1');
    expect(doc.complete).toBe(true);
    expect(doc.arms.map((a) => [a.name, a.mask])).toEqual([['rps=0', '0'], ['rps=1', '1']]);
    for (const a of doc.arms) {
      expect(a.rps['node-a']!['wire0/rx-0/rps_cpus']).toBe(a.mask);
      expect(a.rps['node-b']!['wire0/rx-0/rps_cpus']).toBe(a.mask);
      expect(a.requestsPerSec.mean).toBeGreaterThan(0);
      expect(a.bytesPerSec.mean).toBeGreaterThan(0);
      expect(a.latencyMs.p99.mean).toBeGreaterThan(0);
      expect(a.resetRate.high).toBeGreaterThan(0);
      expect(a.trials).toHaveLength(1);
    }
    expect(doc.environment.rps?.['node-a']?.['wire0/rx-0/rps_cpus']).toBe('0');
    expect(doc.comparisons.map((c) => c.metric)).toEqual(['requests/s', 'bytes/s', 'reset rate']);
    expect(doc.comparisons[0]!.sentence).toContain("Welch's t-test needs at least 2 trials per mask (1 trial each)");
    expect(doc.rfs.active).toBe(false);
    const [dir] = (await readdir(scratch())).filter((d) => d.endsWith('-bench-rps'));
    expect((await readdir(join(scratch(), dir!))).sort()).toEqual(['bench.json', 'report.html', 'summary.md']);
    const md = await readFile(join(scratch(), dir!, 'summary.md'), 'utf8');
    expect(md).toMatch(/\| rps=0 \| \d+/);
    expect(md).toContain('RFS is not');
    const html = await readFile(join(scratch(), dir!, 'report.html'), 'utf8');
    expect(html.match(/<svg/g)).toHaveLength(5);
    expect(await ourNamespaces()).toEqual([]);
  });
});
