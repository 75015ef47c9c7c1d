import { describe, expect, it } from 'vitest';
import { buildProgram, driverHelpGroup } from './main.js';

const noCtx = () => {
  throw new Error('help must not create a context');
};

/** The help text of one command, split into its groups: heading -> option flags. */
function groups(name: string): Map<string, string[]> {
  const cmd = buildProgram(noCtx).commands.find((c) => c.name() === name)!;
  const out = new Map<string, string[]>();
  let heading = '';
  for (const line of cmd.helpInformation().split('\n')) {
    if (/^\S.*:$/.test(line)) out.set((heading = line), []);
    const flag = /^ {2}(?:-\w, )?(--[\w-]+)/.exec(line)?.[1];
    if (flag && heading) out.get(heading)!.push(flag);
  }
  return out;
}

describe('run/reproduce/check --help is grouped', () => {
  it.each(['run', 'reproduce', 'check'])('%s: per concern, then per driver', (name) => {
    const g = groups(name);
    expect(g.get('Lab:')).toEqual(['--driver', '--kube-proxy-mode', '--kube-proxy-version']);
    expect(g.get('Load:')).toEqual(['--duration', '--trials']);
    expect(g.get('Stopping:')).toEqual(['--fixed', '--schedule']);
    expect(g.get('Output:')).toEqual(expect.arrayContaining(['--out', '--json']));
    expect(g.get(driverHelpGroup(['vm']))).toEqual(expect.arrayContaining(['--modules', '--parallel', '--full-load']));
    // The guest's flags: kind runs its cluster in a guest with them too.
    expect(g.get(driverHelpGroup(['kind', 'vm']))).toEqual(expect.arrayContaining(['--kernel', '--accel', '--memory', '--cpus', '--vm-timeout']));
    expect(g.get(driverHelpGroup(['kind']))).toEqual(expect.arrayContaining(['--keep-cluster', '--node-image']));
    expect(g.get('Options:')).toEqual(['--help']);
    expect([...g.keys()].indexOf('Lab:')).toBeLessThan([...g.keys()].indexOf('Load:'));
  });

  it('check has its gate options in their own group, JUnit with the output', () => {
    const g = groups('check');
    expect(g.get('Gate (check):')).toEqual(['--expect', '--only']);
    expect(g.get('Output:')).toContain('--junit');
  });

  it('driver options carry no "vm:"/"kind:" prefix (the heading says it)', () => {
    const cmd = buildProgram(noCtx).commands.find((c) => c.name() === 'run')!;
    const help = cmd.helpInformation();
    expect(help).toMatch(/--kernel <list> +kernels/);
    expect(help).not.toMatch(/--(kernel <list>|keep-cluster|accel <mode>) +(vm|kind):/);
  });

  it('names shared options under every driver that has them', () => {
    expect(driverHelpGroup(['netns', 'vm'])).toBe('netns and vm drivers (--driver netns|vm):');
  });
});
