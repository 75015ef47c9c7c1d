/**
 * An arm's own INVALID drop (scenario `arms[].dropInvalid: true`): the fix users add by hand,
 * `ct state invalid drop` on the client's node (node-a), for forwarded replies (FORWARD) and
 * for replies addressed to the node itself (INPUT: masquerade, node clients), in an nft table
 * of the run's own at priority -10, so it sees packets before kube-proxy's filter chains in
 * every mode. Its counter is read at the end of the arm and the table deleted; it is
 * registered for cleanup when it is created. Text builders are pure.
 */
import type { CleanupStack } from '../exec/cleanup-stack.js';
import { nftCounterByComment } from '../counters/snapshot.js';
import type { Lab } from './lab.js';

/** The arm's nft table and its counters' comments. */
export function armInvalidDropNames(prefix: string): { table: string; forward: string; input: string } {
  return { table: `${prefix.replace(/-/g, '_')}_arm_invalid`, forward: `${prefix}-arm-invalid-forward`, input: `${prefix}-arm-invalid-input` };
}

/** `nft -f` input creating the table. Pure. */
export function armInvalidDropRules(prefix: string): string {
  const n = armInvalidDropNames(prefix);
  return [
    `table ip ${n.table} {`,
    '  chain forward {',
    '    type filter hook forward priority -10; policy accept;',
    `    ct state invalid counter drop comment "${n.forward}"`,
    '  }',
    '  chain input {',
    '    type filter hook input priority -10; policy accept;',
    `    ct state invalid counter drop comment "${n.input}"`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** The rule as the report names it. */
export const ARM_INVALID_DROP_RULE = 'node-a: ct state invalid drop in forward and input (nft, priority -10)';

/** A placed arm drop: `finish` reads its packets (forward + input) and removes it. */
export interface ArmInvalidDrop {
  finish(): Promise<number>;
}

/** Places the arm's drop on node-a (see module doc). */
export async function placeArmInvalidDrop(lab: Lab, cleanup: CleanupStack): Promise<ArmInvalidDrop> {
  const a = lab.nodes['node-a'];
  const n = armInvalidDropNames(lab.prefix);
  const remove = async () => void (await a.exec(['nft', 'delete', 'table', 'ip', n.table], { check: false }));
  cleanup.push(`arm INVALID drop on node-a (${n.table})`, remove);
  await a.exec(['nft', '-f', '-'], { input: armInvalidDropRules(lab.prefix) });
  return {
    async finish() {
      const listed = await a.exec(['nft', 'list', 'table', 'ip', n.table]);
      await remove();
      return nftCounterByComment(listed.stdout, n.forward) + nftCounterByComment(listed.stdout, n.input);
    },
  };
}
