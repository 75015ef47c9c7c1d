import { beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/reports.js';
import { dataPlaneLine, esc, verdictSentence } from './html-parts.js';
import { renderHtml } from './html.js';
import type { Environment, RunReport } from './schema.js';

const REMOTE = /\b(?:src|href|xlink:href)\s*=\s*["']?\s*(?:https?:)?\/\//i;
const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

describe('renderHtml on a real reproduced run', { timeout: 30_000 }, () => {
  let html: string;
  beforeAll(async () => {
    html = await renderHtml(loadFixture('ci-over-window'));
  });

  it('shows the outcome, the sentence, scenario, kernel and the emulated data plane in the banner', () => {
    const banner = html.slice(html.indexOf('<header'), html.indexOf('</header>'));
    expect(banner).toContain('REPRODUCED');
    expect(banner).toContain('liberal=0: 398 connection resets in 125131 requests (3181 per million)');
    expect(banner).toContain('over-window');
    expect(banner).toContain('6.18.44-fc-v669');
    expect(banner).toContain('emulated with iptables (no ip_vs on this kernel)');
    expect(html).not.toContain('INCOMPLETE RUN');
  });

  it('has the arms, the comparison table, the environment and four inline SVG charts', () => {
    expect(html).toContain('liberal=0');
    expect(html).toContain('liberal=1');
    expect(html).toContain('3181 [2876-3509]');
    expect(html).toContain('801589689ccdccd4623f8a8dd1e31ce8cab57660');
    expect(count(html, /<svg\b/g)).toBeGreaterThanOrEqual(4);
    expect(html).not.toContain('class="chart-error"');
  });

  it('lists each sysctl under its heading, indented, with its value per arm', () => {
    expect(html).toContain('<tr><td>sysctls (read back, node-a)</td><td class="num"></td><td class="num"></td></tr>');
    expect(html).toContain('<td class="sub">tcp_be_liberal</td><td class="num">0</td><td class="num">1</td>');
  });

  it('is self-contained: no scripts, no remote resources, ids unique across charts', () => {
    expect(html).not.toMatch(/<script\b/i);
    expect(html).not.toMatch(REMOTE);
    expect(html).not.toMatch(/url\(\s*["']?https?:|@import/i);
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('renderHtml escaping and markers', { timeout: 30_000 }, () => {
  it('escapes scenario, arm and environment text from user files everywhere (SVG included)', async () => {
    const base = loadFixture('ci-over-window');
    const report: RunReport = {
      ...base,
      complete: false,
      scenario: { ...base.scenario, name: 'x"><img src=x onerror=alert(1)>', description: '<script>alert(1)</script>' },
      arms: base.arms.map((a, i) => ({ ...a, name: i === 0 ? '<b>base</b>' : 'fix & "quoted"' })),
      notes: ['interrupted by SIGINT <now>'],
    };
    const html = await renderHtml(report);
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).not.toMatch(/<img\b/i);
    expect(html).not.toContain('<b>base</b>');
    expect(html).not.toMatch(/<script\b/i);
    expect(html).toContain('INCOMPLETE RUN');
    expect(html).toContain('interrupted by SIGINT &#60;now&#62;');
  });

  it('renders a not-reproduced run green with all four charts, and optional environment fields', async () => {
    const base = loadFixture('ci-none');
    const environment: Environment = {
      ...base.environment, proxyMode: 'ipvs', proxyModeReason: 'auto: kernel ip_vs and ipvsadm present, so real IPVS',
      sysctls: { 'node-a': { 'net.netfilter.nf_conntrack_tcp_be_liberal': 0 } },
      rps: { 'node-a': { 'eth-b': '3' } },
      kubernetes: { version: 'v1.34.0', kubeProxyVersion: 'v1.34.0', kubeProxyMode: 'ipvs' },
    };
    const html = await renderHtml({ ...base, environment });
    expect(html).toContain('NOT-REPRODUCED');
    expect(html).toContain('background:#1b5e20');
    expect(html).toContain('real IPVS');
    expect(html).not.toContain('emulated with');
    expect(html).toContain('sysctls / node-a / net.netfilter.nf_conntrack_tcp_be_liberal');
    expect(html).toContain('rps / node-a / eth-b');
    expect(html).toContain('kubernetes / kubeProxyMode');
    expect(count(html, /<svg\b/g)).toBeGreaterThanOrEqual(4);
  });
});

describe('banner text', () => {
  const env = loadFixture('ci-over-window').environment;
  it.each<[string, string, string]>([
    ['iptables', env.proxyModeReason, 'emulated with iptables (no ip_vs on this kernel)'],
    ['iptables', 'requested iptables', 'emulated with iptables (the scenario asked for iptables)'],
    ['nftables', 'auto: IPVS unavailable (ipvsadm is not installed); used nftables', 'emulated with nftables (ipvsadm not installed)'],
    ['ipvs', 'requested ipvs; kernel ip_vs and ipvsadm present', 'real IPVS'],
  ])('%s / %s -> %s', (proxyMode, proxyModeReason, expected) => {
    expect(dataPlaneLine({ ...env, proxyMode, proxyModeReason })).toBe(expected);
  });

  it('says "none" for a fix arm without resets and quotes the explanation when inconclusive', () => {
    const report = loadFixture('ci-over-window');
    expect(verdictSentence(report)).toMatch(/liberal=1: none\. The fix removes them\.$/);
    const inconclusive = { ...report, verdict: { ...report.verdict, outcome: 'inconclusive' as const, explanation: 'Too little traffic. More.' } };
    expect(verdictSentence(inconclusive)).toBe('Too little traffic.');
  });

  it('esc escapes the five HTML-special characters', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });
});

describe('data-plane rules', () => {
  it('lists each arm\'s rules per node, escaped, when the driver reported them', async () => {
    const { loadFixture } = await import('../../test/helpers/reports.js');
    const base = loadFixture('ci-over-window');
    const arms = base.arms.map((a) => ({ ...a, dataPlaneRules: { 'node-a': ['iptables filter: -A FORWARD -j DROP <b>'] } }));
    const html = await renderHtml({ ...base, arms });
    expect(html).toContain('Data-plane rules per arm');
    expect(html).toContain('iptables filter: -A FORWARD -j DROP &#60;b&#62;');
    expect(html).not.toContain('DROP <b>');
    expect(await renderHtml(base)).not.toContain('Data-plane rules per arm');
  });
});
