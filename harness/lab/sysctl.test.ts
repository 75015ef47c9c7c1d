import { describe, expect, it } from 'vitest';
import { parseSysctlOutput, sysctlMismatches, sysctlReadArgv, sysctlWriteArgv } from './sysctl.js';

const LIBERAL = 'net.netfilter.nf_conntrack_tcp_be_liberal';

/** Captured: `sysctl -e net.ipv4.ip_forward net.ipv4.tcp_rmem <liberal> no.such.key net.ipv4.ip_local_port_range kernel.printk net.ipv4.conf.all.rp_filter` (procps-ng, Linux 6.18). */
const CAPTURED = [
  'net.ipv4.ip_forward = 0',
  'net.ipv4.tcp_rmem = 4096\t131072\t33554432',
  `${LIBERAL} = 0`,
  'net.ipv4.ip_local_port_range = 32768\t60999',
  'kernel.printk = 4\t4\t1\t7',
  'net.ipv4.conf.all.rp_filter = 0',
  '',
].join('\n');

describe('sysctl argv', () => {
  it('writes every value with one `sysctl -w k=v ...`', () => {
    expect(sysctlWriteArgv({ [LIBERAL]: 1, 'net.ipv4.vs.conntrack': 0 })).toEqual(['sysctl', '-w', `${LIBERAL}=1`, 'net.ipv4.vs.conntrack=0']);
  });

  it('reads with `sysctl -e` so unknown keys are skipped', () => {
    expect(sysctlReadArgv([LIBERAL, 'net.ipv4.ip_forward'])).toEqual(['sysctl', '-e', LIBERAL, 'net.ipv4.ip_forward']);
  });
});

describe('parseSysctlOutput', () => {
  it('reads the numeric keys of captured output, skips multi-value ones and the absent key', () => {
    expect(parseSysctlOutput(CAPTURED)).toEqual({ 'net.ipv4.ip_forward': 0, [LIBERAL]: 0, 'net.ipv4.conf.all.rp_filter': 0 });
  });

  it.each<[string, string, Record<string, number>]>([
    ['`sysctl -w` echo (no final newline)', 'net.ipv4.ip_forward = 1', { 'net.ipv4.ip_forward': 1 }],
    ['negative values', 'net.ipv4.tcp_early_demux = -1\n', { 'net.ipv4.tcp_early_demux': -1 }],
    ['interface names with - and / (VLANs)', 'net.ipv4.conf.veth-client.forwarding = 1\nnet.ipv4.conf.eth0/100.rp_filter = 2\n', {
      'net.ipv4.conf.veth-client.forwarding': 1,
      'net.ipv4.conf.eth0/100.rp_filter': 2,
    }],
    ['large values', 'net.ipv4.vs.conn_reuse_mode = 2147483647\n', { 'net.ipv4.vs.conn_reuse_mode': 2147483647 }],
    ['no spaces around = and surrounding blanks', '  net.ipv4.ip_forward=1  \n\n', { 'net.ipv4.ip_forward': 1 }],
    ['a later line wins for a repeated key', `${LIBERAL} = 0\n${LIBERAL} = 1\n`, { [LIBERAL]: 1 }],
    ['non-numeric values', 'kernel.hostname = vm\nkernel.core_pattern = core\nnet.ipv4.x = 1.5\n', {}],
    ['error lines', 'sysctl: cannot stat /proc/sys/no/such/key: No such file or directory\n', {}],
    ['empty output', '', {}],
  ])('%s', (_name, text, expected) => {
    expect(parseSysctlOutput(text)).toEqual(expected);
  });
});

describe('sysctlMismatches', () => {
  it.each<[string, Record<string, number>, Record<string, number>, string[]]>([
    ['all equal', { [LIBERAL]: 1 }, { [LIBERAL]: 1 }, []],
    ['extra keys read back are ignored', { [LIBERAL]: 1 }, { [LIBERAL]: 1, 'net.ipv4.ip_forward': 0 }, []],
    ['a differing value', { [LIBERAL]: 1 }, { [LIBERAL]: 0 }, [`${LIBERAL}: wanted 1, read back 0`]],
    ['an absent key, even when 0 was wanted', { [LIBERAL]: 0 }, {}, [`${LIBERAL}: wanted 0, read back nothing (key absent)`]],
    ['several, in the order wanted', { b: 1, a: 2, c: 3 }, { a: 2, c: 4 }, ['b: wanted 1, read back nothing (key absent)', 'c: wanted 3, read back 4']],
    ['nothing wanted', {}, { a: 1 }, []],
  ])('%s', (_name, wanted, read, expected) => {
    expect(sysctlMismatches(wanted, read)).toEqual(expected);
  });
});
