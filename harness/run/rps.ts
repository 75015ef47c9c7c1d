/**
 * RPS in the pipeline. Each arm runs with `arm.rps ?? scenario.rps`; interfaces an arm does not
 * set go back to the lab's own values (read once after provisioning), so no arm inherits the
 * previous arm's RPS. Values are written and read back before the load and read again after
 * it; a change during the load marks the trial disturbed. Scenarios without any `rps` leave
 * RPS alone (nothing is written).
 */
import { UnsupportedError } from '../errors.js';
import type { Lab, NodeRole } from '../lab/lab.js';
import { firstQueueValues, rpsMismatches, type RpsReadBack, type RpsWanted } from '../lab/rps.js';
import type { ArmSpec, Scenario } from '../scenario/schema.js';
import type { RpsSpec } from '../scenario/rps.js';

/** The RPS plan of a run: the lab's own values of every interface any arm sets. */
export interface RpsBase {
  wanted: RpsWanted;
}

/** The `rps` setting an arm runs with (its own, else the scenario's), or undefined. */
export function effectiveRps(scenario: Scenario, arm: ArmSpec): RpsSpec | undefined {
  return arm.rps ?? scenario.rps;
}

/** Every (node, interface) any arm of the scenario sets; empty when the scenario has no `rps`. */
export function rpsTargets(scenario: Scenario): Array<{ role: NodeRole; ifname: string }> {
  const seen = new Map<string, { role: NodeRole; ifname: string }>();
  for (const spec of [scenario.rps, ...scenario.arms.map((a) => a.rps)]) {
    for (const role of spec?.nodes ?? []) for (const ifname of spec?.interfaces ?? []) seen.set(`${role} ${ifname}`, { role, ifname });
  }
  return [...seen.values()];
}

/**
 * Reads the lab's own RPS values of every target (null when the scenario sets no RPS). Throws
 * UnsupportedError when the scenario needs RPS and the driver cannot set it.
 */
export async function readRpsBase(lab: Lab, scenario: Scenario): Promise<RpsBase | null> {
  const targets = rpsTargets(scenario);
  if (targets.length === 0) return null;
  if (!lab.setRps || !lab.readRps) throw new UnsupportedError(`the ${lab.driver} driver cannot set RPS; remove \`rps\` from ${scenario.name}`);
  const roles = [...new Set(targets.map((t) => t.role))];
  const ifnames = [...new Set(targets.map((t) => t.ifname))];
  const read = await lab.readRps(roles, ifnames);
  const wanted: RpsWanted = {};
  for (const { role, ifname } of targets) {
    const v = firstQueueValues(read[role] ?? {}, ifname);
    if (!v) throw new Error(`failed to read RPS of ${ifname} on ${role}: nothing read back`);
    (wanted[role] ??= {})[ifname] = v;
  }
  return { wanted };
}

/** What an arm should have: the base values, with the arm's effective `rps` on top. Pure. */
export function armRpsWanted(base: RpsBase, spec: RpsSpec | undefined): RpsWanted {
  const wanted: RpsWanted = {};
  for (const [role, ifaces] of Object.entries(base.wanted)) wanted[role as NodeRole] = { ...ifaces };
  for (const role of spec?.nodes ?? []) {
    for (const ifname of spec?.interfaces ?? []) (wanted[role] ??= {})[ifname] = { cpus: spec!.cpus, flowCnt: spec!.flowCnt };
  }
  return wanted;
}

/** Writes and reads back an arm's RPS (null when there is nothing to set). */
export async function applyRps(lab: Lab, wanted: RpsWanted | undefined): Promise<RpsReadBack | null> {
  if (!wanted || !lab.setRps) return null;
  return lab.setRps(wanted);
}

/** Reads the arm's RPS again after the load; returns one "changed during the arm" line per difference. */
export async function rpsDrift(lab: Lab, wanted: RpsWanted | undefined): Promise<string[]> {
  if (!wanted || !lab.readRps) return [];
  const roles = Object.keys(wanted) as NodeRole[];
  const ifnames = [...new Set(Object.values(wanted).flatMap((i) => Object.keys(i ?? {})))];
  const read = await lab.readRps(roles, ifnames);
  return rpsMismatches(wanted, read).map((m) => `RPS changed during the arm: ${m}`);
}
