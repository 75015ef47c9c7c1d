/**
 * The evidence funnel closes on a real netns lab: over-window injection on the plain pod ->
 * ClusterIP path (nftables data plane: no INVALID drop in any version), with the RST capture
 * in the server's namespace. Every leaked segment the kernel counted is tied to a client RST;
 * the connections they hit are exactly the server's resets; and every one of those connections
 * has a fate (ECONNRESET, a timeout, hung at the stop...). Cleans up before and after.
 */
import { describe, expect, it } from 'vitest';
import { provisionNetnsLab } from '../../harness/lab/netns/provider.js';
import { newPrefix } from '../../harness/lab/prefix.js';
import { RunReport } from '../../harness/report/schema.js';
import { runScenario } from '../../harness/run/run-scenario.js';
import { builtin, IS_ROOT, runner, SKIP_REASON, useNoLeftoverNamespaces } from '../helpers/lab-env.js';

const provision = (topology: Parameters<typeof provisionNetnsLab>[0]['topology']) =>
  provisionNetnsLab({ prefix: newPrefix(), topology, runner });

describe.skipIf(!IS_ROOT)(`the evidence funnel adds up${IS_ROOT ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  useNoLeftoverNamespaces();

  it('over-window (nftables): leaked = client RSTs = identified; connections = server resets = the sum of their fates', async () => {
    const [over] = await builtin(['over-window'], 10_000);
    const scenario = { ...over!, topology: { ...over!.topology, proxyMode: 'nftables' as const } };
    const report = await runScenario(scenario, { provision, runner });
    expect(() => RunReport.parse(report)).not.toThrow();
    expect(report.environment.proxyMode).toBe('nftables');
    const [lib0, lib1] = report.arms;
    const e = lib0!.evidence;
    const f = e.leakFates!;
    expect(e.leakedUnNatted).toBeGreaterThan(5);
    // Segments: every leaked one drew one client RST, and the capture tied each to its forged segment.
    expect(e.clientRstsSent).toBe(e.leakedUnNatted);
    expect(f.segments).toBe(e.leakedUnNatted);
    // Connections: a retransmitted request hit again counts once; the server took every RST but the survivors'
    // (a RST whose seq no longer matched because the next request had already arrived).
    expect(f.connections).toBe(f.segments - f.repeats);
    expect(e.serverResets).toBe(f.connections - f.survived);
    expect(f.serverAnsweredRst).toBe(f.connections - f.survived);
    expect(f.econnreset + f.otherError + f.closed + f.timedOut + f.hungAtStop + f.survived + f.unmatched).toBe(f.connections);
    expect([f.unmatched, f.otherError, f.closed]).toEqual([0, 0, 0]);
    // What the client saw: its ECONNRESETs are the connections whose fate is ECONNRESET.
    expect(lib0!.resets).toBe(f.econnreset);
    expect(lib0!.trials[0]!.leakedConnections).toHaveLength(f.segments);
    expect(lib1!.evidence.leakFates).toMatchObject({ segments: 0, connections: 0 });
    expect(report.verdict.outcome, report.verdict.explanation).toBe('reproduced');
  });
});
