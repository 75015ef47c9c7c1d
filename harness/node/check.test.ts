import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkNode, reportFromFacts } from './check.js';
import type { ConfDir, NodeFacts } from './facts.js';
import { gatherFacts } from './gather.js';
import { LocalNodeFs } from './local-node-fs.js';

/** Root filesystems described in test/fixtures/nodes/README.md. */
const fixture = (name: string): string => fileURLToPath(new URL(`../../test/fixtures/nodes/${name}`, import.meta.url));
const KEY = 'net.netfilter.nf_conntrack_tcp_be_liberal';
const check = (name: string) => checkNode(new LocalNodeFs(fixture(name)));
const status = (r: Awaited<ReturnType<typeof check>>, name: string) => r.findings.find((f) => f.name === name)?.status;

describe('node check on fixture roots', () => {
  it('late-module: key set but nothing loads nf_conntrack before systemd-sysctl -> lost at reboot', async () => {
    const r = await check('late-module');
    expect(r.verdict.kind).toBe('lost');
    expect(r.verdict.text).toMatch(/^will be lost at reboot, because nf_conntrack is a loadable module and no modules-load.d file lists it/);
    expect(r.verdict.text).toContain('/etc/sysctl.d/90-liberal.conf:2 is skipped');
    expect(status(r, 'modules-load')).toBe('fail');
    expect(r.findings.find((f) => f.name === 'modules-load')?.remedy).toContain('resetlab node persist --apply');
    expect(r.findings.find((f) => f.name === 'live value')?.detail).toBe('unknown (not a live system)');
    expect(r.conntrack).toMatchObject({ builtIn: 'no', live: 'unknown', releases: ['6.1.0-28-amd64'] });
  });

  it('module-listed: modules-load.d lists nf_conntrack, unit ordered -> survives; live state read under the root', async () => {
    const r = await check('module-listed');
    expect(r.verdict.kind).toBe('survives');
    expect(r.verdict.text).toMatch(/^will survive reboot: \/etc\/modules-load.d\/nf_conntrack.conf:1 loads nf_conntrack/);
    expect(r.liveValue).toBe('1');
    expect(r.conntrack.live).toBe('loaded');
    expect(r.sysctl.winner).toEqual({ path: '/etc/sysctl.d/90-liberal.conf', line: 2, value: '1', ignoreFailure: true });
    expect(r.findings.every((f) => f.status === 'ok' || f.status === 'info')).toBe(true);
  });

  it('overridden: a later 99-other.conf sets 0 -> lost, winner named', async () => {
    const r = await check('overridden');
    expect(r.verdict.kind).toBe('lost');
    expect(r.sysctl.winner?.path).toBe('/etc/sysctl.d/99-other.conf');
    expect(r.verdict.text).toBe(
      `will be lost at reboot, because /etc/sysctl.d/99-other.conf:3 sets ${KEY} = 0 and is applied last, overriding /etc/sysctl.d/90-liberal.conf:2`,
    );
    expect(status(r, 'sysctl files')).toBe('fail');
  });

  it('builtin: modules.builtin lists nf_conntrack -> survives without any modules-load entry', async () => {
    const r = await check('builtin');
    expect(r.verdict.kind).toBe('survives');
    expect(r.verdict.text).toContain('nf_conntrack is built into the kernel');
    expect(r.conntrack.builtIn).toBe('yes');
    expect(status(r, 'modules-load')).toBe('info');
    // Debian's /etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf is read, and /etc/sysctl.conf last.
    expect(r.sysctl.settings.map((s) => s.path)).toEqual(['/etc/sysctl.d/99-sysctl.conf', '/etc/sysctl.conf']);
  });

  it('no-systemd: warns and cannot confirm the init-script order', async () => {
    const r = await check('no-systemd');
    expect(r.verdict.kind).toBe('unconfirmed');
    expect(r.verdict.text).toMatch(/^cannot confirm it will survive reboot, because there is no systemd under /);
    expect(status(r, 'init system')).toBe('warn');
    expect(r.findings.find((f) => f.name === 'init system')?.remedy).toContain('/etc/modules');
    expect(r.modules.via).toEqual({ path: '/etc/modules', line: 7, module: 'nf_conntrack' });
  });

  it('old-kernel-ipv4: nf_conntrack_ipv4 in modules-load.d counts on 3.10 -> survives', async () => {
    const r = await check('old-kernel-ipv4');
    expect(r.verdict.kind).toBe('survives');
    expect(r.conntrack.ipv4Module).toBe('yes');
    expect(r.findings.find((f) => f.name === 'modules-load')?.detail).toContain('nf_conntrack_ipv4, which loads nf_conntrack as a dependency');
  });

  it('is one JSON document with the node-check schema', async () => {
    const r = await check('late-module');
    expect(JSON.parse(JSON.stringify(r))).toMatchObject({ schema: 'resetlab/node-check@1', key: KEY, verdict: { kind: 'lost' } });
  });
});

describe('node check on amended facts', () => {
  const base = async (name: string): Promise<NodeFacts> => gatherFacts(new LocalNodeFs(fixture(name)));
  const addConf = (dirs: ConfDir[], dir: string, name: string, text: string): ConfDir[] =>
    dirs.map((d) => (d.dir === dir ? { dir, files: [...d.files, { path: `${dir}/${name}`, name, text }] } : d));

  it('a systemd-sysctl.service copy in /etc without After= -> lost; a drop-in restoring it -> survives', async () => {
    const facts = await base('module-listed');
    const fragments = facts.sysctlUnit.fragments.map((f) => (f.path === '/etc/systemd/system/systemd-sysctl.service' ? { ...f, text: '[Unit]\nDescription=local\n' } : f));
    const unordered = { ...facts, sysctlUnit: { ...facts.sysctlUnit, fragments } };
    const r = reportFromFacts(unordered);
    expect(r.verdict.text).toMatch(/is not ordered after systemd-modules-load.service, so it can run before nf_conntrack is loaded$/);
    expect(r.findings.find((f) => f.name === 'boot ordering')?.remedy).toContain('After=systemd-modules-load.service');
    const dropIns = addConf(unordered.sysctlUnit.dropIns, '/etc/systemd/system/systemd-sysctl.service.d', '10-after.conf', '[Unit]\nAfter=systemd-modules-load.service\n');
    expect(reportFromFacts({ ...unordered, sysctlUnit: { fragments, dropIns } }).verdict.kind).toBe('survives');
  });

  it('a masked systemd-sysctl.service -> lost', async () => {
    const facts = await base('module-listed');
    const fragments = facts.sysctlUnit.fragments.map((f) => (f.path.startsWith('/etc/') ? { ...f, text: '' } : f));
    expect(reportFromFacts({ ...facts, sysctlUnit: { ...facts.sysctlUnit, fragments } }).verdict.text).toMatch(/systemd-sysctl.service is masked/);
  });

  it('under systemd, /etc/modules alone does not count (no modules-load.d/modules.conf link)', async () => {
    const facts = await base('late-module');
    const r = reportFromFacts({ ...facts, etcModules: 'nf_conntrack\n' });
    expect(r.verdict.kind).toBe('lost');
    expect(r.findings.find((f) => f.name === 'modules-load')?.detail).toContain('reads /etc/modules only through /etc/modules-load.d/modules.conf');
  });

  it('nf_conntrack_ipv4 on a 6.1 kernel loads nothing -> lost; on an unknown kernel -> unconfirmed', async () => {
    const facts = await base('late-module');
    const withIpv4 = { ...facts, modulesLoadDirs: addConf(facts.modulesLoadDirs, '/etc/modules-load.d', 'ct.conf', 'nf_conntrack_ipv4\n') };
    expect(reportFromFacts(withIpv4).verdict.text).toMatch(/lists nf_conntrack_ipv4, which no longer exists since Linux 4.19 \(kernel 6.1.0-28-amd64\)/);
    expect(reportFromFacts({ ...withIpv4, builtins: [] }).verdict.kind).toBe('unconfirmed');
  });

  it('unknown built-in status says so in the verdict', async () => {
    const facts = await base('late-module');
    const r = reportFromFacts({ ...facts, builtins: [] });
    expect(r.verdict.text).toContain('unless nf_conntrack is built into the kernel, which could not be determined');
    expect(r.findings.find((f) => f.name === 'nf_conntrack')?.status).toBe('warn');
  });

  it('a live node with be_liberal = 0 warns with the command that fixes it now', async () => {
    const facts = await base('module-listed');
    const r = reportFromFacts({ ...facts, live: { ...facts.live, liberal: '0' } });
    expect(r.findings.find((f) => f.name === 'live value')).toMatchObject({ status: 'warn', remedy: expect.stringContaining(`sysctl -w ${KEY}=1`) });
    expect(r.verdict.kind).toBe('survives');
  });

  it('built in according to the running kernel (/sys/module without initstate, no modules.builtin)', async () => {
    const facts = await base('late-module');
    const live = { liberal: '0', procModules: null, release: '6.18.44', sysModule: true, sysModuleInitstate: false };
    const r = reportFromFacts({ ...facts, live, builtins: [] });
    expect(r.conntrack).toMatchObject({ live: 'built-in', builtIn: 'yes' });
    expect(r.verdict.kind).toBe('survives');
  });
});
