/**
 * The one table of lab drivers (name -> flags, checks, execute, cleanup). The CLI chooses a
 * driver here and talks to it only through `LabDriver`, so adding a driver adds no file
 * under cli/.
 */
import type { InputProblem } from '../errors.js';
import type { DriverFlags, DriverOption, LabDriver } from './driver.js';
import { kindDriver } from './kind/driver.js';
import { kubeDriver } from './kube/driver.js';
import { netnsDriver } from './netns/driver.js';
import { vmDriver } from './vm/driver.js';

/** Every driver, the default first. */
export const DRIVERS: readonly LabDriver[] = [netnsDriver, kindDriver, vmDriver, kubeDriver];

/** The default driver's name. */
export const DEFAULT_DRIVER = 'netns';

/** The driver `flags.driver` names (default netns); undefined for an unknown name. */
export function driverFor(flags: Pick<DriverFlags, 'driver'>): LabDriver | undefined {
  const name = flags.driver ?? DEFAULT_DRIVER;
  return DRIVERS.find((d) => d.name === name);
}

/** Every driver's own options, for the command definitions. */
export function driverOptions(): (DriverOption & { driver: string })[] {
  return DRIVERS.flatMap((d) => d.options.map((o) => ({ ...o, driver: d.name })));
}

function flagName(o: DriverOption): string {
  return o.flags.split(/\s/)[0]!;
}

/**
 * Problems with `--driver` and the driver options (pure): an unknown driver, options of
 * another driver, the hidden `--time-scale`, then the chosen driver's own checks.
 */
export function driverFlagProblems(flags: DriverFlags): InputProblem[] {
  const problems: InputProblem[] = [];
  const p = (field: string, message: string) => problems.push({ file: 'flags', field, message });
  const chosen = driverFor(flags);
  if (!chosen) p('--driver', `unknown driver "${flags.driver}"; expected one of ${DRIVERS.map((d) => d.name).join(', ')}`);
  // One problem per flag, naming every driver that has it (kind and vm share the guest's flags).
  const owners = new Map<string, string[]>();
  for (const d of DRIVERS) {
    if (d === chosen) continue;
    for (const o of d.options) {
      if (flags[o.key] !== undefined && !(chosen?.options.some((c) => c.key === o.key))) owners.set(flagName(o), [...(owners.get(flagName(o)) ?? []), d.name]);
    }
  }
  for (const [flag, names] of owners) p(flag, `only applies with --driver ${names.join(' or ')}`);
  if (flags.timeScale !== undefined) {
    const n = Number(flags.timeScale);
    if (!Number.isFinite(n) || n < 1 || n > 1000) p('--time-scale', `must be a number from 1 to 1000, got "${flags.timeScale}"`);
  }
  if (chosen) problems.push(...chosen.flagProblems(flags));
  return problems;
}
