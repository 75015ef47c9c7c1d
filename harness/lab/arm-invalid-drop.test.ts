import { describe, expect, it } from 'vitest';
import { nftCounterByComment } from '../counters/snapshot.js';
import { armInvalidDropNames, armInvalidDropRules } from './arm-invalid-drop.js';

describe("an arm's INVALID drop", () => {
  it("is one table of the run's own with a counted drop in forward and in input, before kube-proxy's chains", () => {
    expect(armInvalidDropRules('rl-abc123')).toBe(
      [
        'table ip rl_abc123_arm_invalid {',
        '  chain forward {',
        '    type filter hook forward priority -10; policy accept;',
        '    ct state invalid counter drop comment "rl-abc123-arm-invalid-forward"',
        '  }',
        '  chain input {',
        '    type filter hook input priority -10; policy accept;',
        '    ct state invalid counter drop comment "rl-abc123-arm-invalid-input"',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('its counters read from `nft list table` output as nft prints it', () => {
    // `nft list table ip rl_abc123_arm_invalid` on Linux 6.18 (nft 1.1), captured; the input
    // counter's packets/bytes changed from 0 to what a masquerade arm leaves.
    const listed = [
      'table ip rl_abc123_arm_invalid {',
      '\tchain forward {',
      '\t\ttype filter hook forward priority filter - 10; policy accept;',
      '\t\tct state invalid counter packets 0 bytes 0 drop comment "rl-abc123-arm-invalid-forward"',
      '\t}',
      '',
      '\tchain input {',
      '\t\ttype filter hook input priority filter - 10; policy accept;',
      '\t\tct state invalid counter packets 57 bytes 2964 drop comment "rl-abc123-arm-invalid-input"',
      '\t}',
      '}',
    ].join('\n');
    const n = armInvalidDropNames('rl-abc123');
    expect(nftCounterByComment(listed, n.forward) + nftCounterByComment(listed, n.input)).toBe(57);
  });
});
