/**
 * kind for real, in a guest (opt-in: RESETLAB_KIND_VM=1; about an hour under TCG on 2 cores):
 * `resetlab run over-window-masquerade over-window --driver kind --kernel 6.1` builds (or
 * reuses) resetlab's offline node image, boots one 6.1 guest, starts its dockerd, creates a
 * kind cluster with kube-proxy v1.20.2 in IPVS mode (RESETLAB_KIND_VM_MODE=iptables: iptables
 * mode, `--kube-proxy-mode iptables`) for each scenario and runs it there. The masquerade path
 * must reset (reproduced) and the plain pod -> ClusterIP path must not (IPVS un-NATs its replies
 * itself; kube-proxy's iptables mode drops them INVALID in KUBE-FORWARD), with the evidence read
 * from node A's counters; the result must name kind's and kube-proxy's real versions; the host
 * must be left as it was.
 */
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../harness/repo-root.js';
import { expectNothingLeftByGuests } from '../helpers/guest-leftovers.js';
import { snapshotHost } from '../helpers/host-state.js';
import { useLabScratch } from '../helpers/lab-env.js';
import { kernel61Flags } from '../helpers/vm-kernel.js';

const bin = join(REPO_ROOT, 'bin', 'resetlab.js');
const wanted = process.env.RESETLAB_KIND_VM === '1';
const mode = process.env.RESETLAB_KIND_VM_MODE ?? 'ipvs';
const kernel = !wanted
  ? 'set RESETLAB_KIND_VM=1 to run it (a kind cluster in a 6.1 guest: about an hour under TCG)'
  : mode !== 'ipvs' && mode !== 'iptables'
    ? `RESETLAB_KIND_VM_MODE must be ipvs or iptables, not ${mode}`
    : await kernel61Flags();

/** What `run --json` prints for two scenarios (resetlab/runs@1). */
interface Doc {
  schema: string;
  runs: { scenario: { name: string }; verdict: { outcome: string }; environment: { driver: string; kernel: string; proxyMode: string; knobs: Record<string, unknown> } }[];
}

describe.skipIf(typeof kernel === 'string')(`kind in a 6.1 guest${typeof kernel === 'string' ? ` (skipped: ${kernel})` : ''}`, () => {
  const scratch = useLabScratch();

  it(`over-window-masquerade resets and over-window does not, on a real kind cluster in ${mode} mode`, { timeout: 120 * 60_000 }, async () => {
    const hostBefore = await snapshotHost();
    const out = scratch();
    const r = await execa('node', [bin, 'run', 'over-window-masquerade', 'over-window', '--driver', 'kind', ...(kernel as string[]), ...(mode === 'ipvs' ? [] : ['--kube-proxy-mode', mode]), '--json', '--out', out], { reject: false, timeout: 115 * 60_000 });
    const doc = JSON.parse(r.stdout || '{}') as Doc;
    expect(doc.schema, r.stderr.slice(-4000)).toBe('resetlab/runs@1');
    expect(doc.runs).toHaveLength(2);
    const [masq, plain] = doc.runs;
    for (const rep of doc.runs) {
      expect(rep.environment.driver).toBe('kind');
      expect(rep.environment.kernel).toMatch(/^6\.1\./);
      expect(rep.environment.proxyMode).toBe(mode);
      expect(rep.environment.knobs.kubeProxyVersion).toBe('v1.20.2');
      expect(String(rep.environment.knobs.kindVersion)).toMatch(/^kind v0\.33\./);
      expect(rep.environment.knobs.offlineNodeImage).toMatch(/^[0-9a-f]{12}$/);
    }
    expect(masq!.scenario.name).toBe('over-window-masquerade');
    expect(masq!.verdict.outcome, r.stderr.slice(-3000)).toBe('reproduced');
    expect(plain!.scenario.name).toBe('over-window');
    expect(plain!.verdict.outcome, r.stderr.slice(-3000)).toBe('not-reproduced');
    // Nothing left: no qemu of ours, no vm run folder, no namespaces; the host untouched.
    await expectNothingLeftByGuests(hostBefore, await snapshotHost());
  });
});
