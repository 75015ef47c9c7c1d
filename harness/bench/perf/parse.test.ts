import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../repo-root.js';
import { parseIperf3, parseProcStatusMemory, parseWrk } from './parse.js';

// Captured on this project's machine in a lab (wrk 4.1.0, iperf 3.12, Linux 6.18): test/fixtures/bench/.
const fixture = (name: string) => readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'bench', name), 'utf8');

describe('parseWrk', () => {
  it('reads requests, rate and transfer (1024-based units) from real output', () => {
    expect(parseWrk(fixture('wrk-64k.txt'))).toEqual({
      requests: 20191,
      durationSec: 2.01,
      requestsPerSec: 10026.18,
      bytesPerSec: 628.24 * 1024 ** 2,
      errors: 0,
    });
  });

  it('sums socket errors and non-2xx responses', () => {
    const text = `  100 requests in 1.00m, 1.00KB read\n  Socket errors: connect 1, read 2, write 3, timeout 4\n  Non-2xx or 3xx responses: 5\nRequests/sec:   1.67\nTransfer/sec:   17.00B\n`;
    expect(parseWrk(text)).toMatchObject({ requests: 100, durationSec: 60, errors: 15, bytesPerSec: 17 });
  });

  it('fails on anything else', () => {
    expect(() => parseWrk('unable to connect to 10.96.0.10:80 Connection refused')).toThrow(/failed to parse wrk output/);
  });
});

describe('parseIperf3', () => {
  it('reads the received rate from real -J output', () => {
    const r = parseIperf3(fixture('iperf3-client.json'));
    expect(r.receivedBitsPerSec).toBeCloseTo(11726766130.607201, 3);
    expect(r.sentBitsPerSec).toBeGreaterThanOrEqual(r.receivedBitsPerSec);
    expect(r.durationSec).toBeGreaterThan(1.9);
  });

  it('reports iperf3 errors and rejects non-JSON', () => {
    expect(() => parseIperf3('{"error": "unable to connect to server"}')).toThrow(/iperf3 failed: unable to connect/);
    expect(() => parseIperf3('iperf3: error')).toThrow(/failed to parse iperf3 JSON/);
  });
});

describe('parseProcStatusMemory', () => {
  it('reads VmHWM and VmRSS of the load agent from real output', () => {
    expect(parseProcStatusMemory(fixture('proc-status-load.txt'))).toEqual({ hwmKiB: 205116, rssKiB: 151668 });
  });

  it('gives null for a kernel thread (no Vm lines)', () => {
    expect(parseProcStatusMemory('Name:\tkthreadd\nState:\tS (sleeping)\n')).toBeNull();
  });
});
