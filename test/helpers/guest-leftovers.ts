/**
 * The "nothing left" assertions every guest test ends with: no qemu of a dead run of ours, no
 * vm run folder of a dead run (a vm run going on in another shell keeps its own), no lab
 * namespaces, and the host's state (snapshotHost) the same after as before.
 */
import { readdirSync } from 'node:fs';
import { expect } from 'vitest';
import { liveOwner, ownerDir } from '../../harness/lab/owner.js';
import { findQemuProcesses } from '../../harness/qemu/orphans.js';
import { diffHost, type HostState } from './host-state.js';
import { ourNamespaces } from './lab-env.js';

/** See module doc. */
export async function expectNothingLeftByGuests(hostBefore: HostState, hostAfter: HostState): Promise<void> {
  expect(findQemuProcesses().filter((q) => q.name.endsWith('-vm') && liveOwner(q.prefix) === null)).toEqual([]);
  expect(readdirSync(ownerDir()).filter((f) => f.endsWith('-vm') && liveOwner(f.slice(0, -'-vm'.length)) === null)).toEqual([]);
  expect(await ourNamespaces()).toEqual([]);
  expect(diffHost(hostBefore, hostAfter)).toEqual({});
}
