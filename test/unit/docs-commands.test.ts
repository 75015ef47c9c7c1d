/**
 * Docs that cannot rot silently: every `resetlab …` command shown in README.md and docs/
 * must parse with the real command table and pass the flag validation a run does first,
 * without running anything (test/helpers/doc-commands.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../harness/repo-root.js';
import { commandProblems, extractCommands, type DocCommand } from '../helpers/doc-commands.js';

const root = REPO_ROOT;
const files = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const commands: DocCommand[] = files.flatMap((f) => extractCommands(readFileSync(join(root, f), 'utf8'), f));

describe('commands shown in the docs', () => {
  it('finds the documented commands (README and every docs page that shows some)', () => {
    expect(commands.length).toBeGreaterThan(60);
    const withCommands = new Set(commands.map((c) => c.file));
    for (const f of ['README.md', 'docs/drivers.md', 'docs/ci.md', 'docs/node.md', 'docs/kernels.md', 'docs/rps.md', 'docs/commands.md']) expect(withCommands).toContain(f);
  });

  it.each(commands.map((c) => [`${c.file}:${c.line} ${c.text}`, c] as const))('%s', async (_, c) => {
    expect(await commandProblems(c)).toEqual([]);
  });
});

describe('the checker itself', () => {
  const one = (md: string) => extractCommands(md, 'x.md');
  it('extracts fenced, indented, inline and folded-YAML commands, without comments', () => {
    const md = [
      '```sh',
      'resetlab run over-window --duration 4s   # a comment',
      'sudo resetlab node persist --apply',
      '```',
      '    npx resetlab kernels list',
      'Run `resetlab check --only none` now.',
      '```yaml',
      '        run: >',
      '          sudo -E env "PATH=$PATH" node bin/resetlab.js check --driver kind',
      '          --kube-proxy-mode ${{ matrix.mode }}',
      '      - run: echo',
      '```',
    ].join('\n');
    expect(one(md).map((c) => c.text)).toEqual([
      'resetlab run over-window --duration 4s',
      'resetlab node persist --apply',
      'resetlab kernels list',
      'resetlab check --only none',
      'resetlab check --driver kind --kube-proxy-mode nftables',
    ]);
  });

  it.each([
    ['resetlab run over-window --durration 4s', /unknown option '--durration'/],
    ['resetlab run over-window --duration', /argument missing/],
    ['resetlab run over-window --duration soon', /--duration/],
    ['resetlab run over-window --driver vm --keep-cluster', /--keep-cluster: only applies with --driver kind/],
    ['resetlab run no-such-scenario', /no-such-scenario/],
    ['resetlab frobnicate', /unknown command/],
    ['resetlab run <scenario> [--durration 4s]', /unknown option "--durration"/],
  ])('fails %s', async (text, message) => {
    const [c] = one('```\n' + text + '\n```');
    const problems = await commandProblems(c!);
    expect(problems.join('\n')).toMatch(message);
  });
});
