/**
 * `resetlab node check|persist`: make the be_liberal fix survive a reboot. `check` reads a
 * node's sysctl.d, modules-load.d, systemd units and live state (`/`, `--root DIR`, or kind
 * nodes through `docker exec`) and gates on the verdict; `persist` prints, and with
 * `--apply` writes, a sysctl.d drop-in plus a modules-load.d entry. Commands throw typed
 * errors; main.ts maps them to exit codes.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { GateError, InputError, type InputProblem } from '../../errors.js';
import { checkNode, type NodeCheckReport } from '../../node/check.js';
import { DEFAULT_PERSIST_NAME } from '../../node/constants.js';
import { gatherFacts } from '../../node/gather.js';
import { checkKindNodes, listKindNodes, requireDockerEngine } from '../../node/kind.js';
import { LocalNodeFs } from '../../node/local-node-fs.js';
import { applyTargets, describeDifference, inspectTargets } from '../../node/persist-apply.js';
import { parsePersistName, persistFiles, previewPersist } from '../../node/persist.js';
import { renderNodeCheck } from '../../node/render.js';
import type { CliContext } from '../context.js';
import { registerNodeProve } from './node-prove.js';

/** Flags of `node check` as commander hands them over. */
export interface NodeCheckFlags {
  root?: string;
  driver?: string;
  cluster?: string;
  node?: string[];
  json?: boolean;
}

/** Flags of `node persist`. */
export interface NodePersistFlags {
  root?: string;
  apply?: boolean;
  force?: boolean;
  name?: string;
}

const CHECK_HELP = `
Exit codes:
  0  will survive reboot (on every node checked)
  2  invalid input (e.g. --root is not a directory), or --driver kind without a Docker engine
  3  will be lost at reboot, or survival cannot be confirmed (e.g. no systemd) on some node

--root DIR checks a mounted node image instead of /: live values come from DIR/proc and
DIR/sys when present, else they are reported as unknown (not a live system).`;

const PERSIST_HELP = `
Without --apply nothing is changed. With --apply each file is written atomically; a target
that exists with different content is refused (exit 2, nothing written) unless --force.`;

/** `--root` as an absolute directory, or a problem. */
function rootProblem(root: string | undefined): InputProblem | null {
  if (root === undefined) return null;
  const isDir = (() => {
    try {
      return statSync(root).isDirectory();
    } catch {
      return false;
    }
  })();
  return isDir ? null : { file: 'flags', field: '--root', message: `${root} is not a directory` };
}

function validateCheck(flags: NodeCheckFlags): InputProblem[] {
  const problems: InputProblem[] = [];
  const driver = flags.driver ?? 'local';
  if (driver !== 'local' && driver !== 'kind') problems.push({ file: 'flags', field: '--driver', message: `unknown driver "${driver}"; expected local or kind` });
  if (driver === 'kind' && flags.root !== undefined) problems.push({ file: 'flags', field: '--root', message: 'cannot be combined with --driver kind' });
  if (driver !== 'kind' && (flags.cluster !== undefined || flags.node !== undefined)) {
    problems.push({ file: 'flags', field: flags.cluster !== undefined ? '--cluster' : '--node', message: 'needs --driver kind' });
  }
  const root = rootProblem(flags.root);
  if (root) problems.push(root);
  return problems;
}

/** `node check`: prints the findings and verdict(s); throws `GateError` unless every node survives. */
export async function nodeCheckCommand(ctx: CliContext, flags: NodeCheckFlags): Promise<void> {
  const problems = validateCheck(flags);
  if (problems.length > 0) throw new InputError(problems);
  let reports: NodeCheckReport[];
  if (flags.driver === 'kind') {
    await requireDockerEngine(ctx.runner);
    const cluster = flags.cluster ?? 'kind';
    const nodes = flags.node ?? (await listKindNodes(ctx.runner, cluster));
    if (nodes.length === 0) throw new InputError([{ file: 'flags', field: '--cluster', message: `no running nodes of kind cluster "${cluster}"` }]);
    reports = await checkKindNodes(ctx.runner, nodes);
  } else {
    reports = [await checkNode(new LocalNodeFs(resolve(flags.root ?? '/')))];
  }
  if (flags.json) {
    const doc = flags.driver === 'kind' ? { schema: 'resetlab/node-checks@1', checks: reports } : reports[0];
    process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  } else {
    process.stdout.write(reports.map(renderNodeCheck).join('\n'));
  }
  const failed = reports.filter((r) => r.verdict.kind !== 'survives');
  if (failed.length > 0) {
    throw new GateError(`gate failed: be_liberal = 1 is not confirmed to survive reboot on ${failed.map((r) => `${r.target} (${r.verdict.kind})`).join(', ')}`);
  }
}

/** `node persist`: prints the two files; with `apply`, writes them (see persist-apply.ts). */
export async function nodePersistCommand(ctx: CliContext, flags: NodePersistFlags): Promise<void> {
  const problems: InputProblem[] = [];
  const parsed = parsePersistName(flags.name ?? DEFAULT_PERSIST_NAME);
  if ('problem' in parsed) problems.push({ file: 'flags', field: '--name', message: parsed.problem });
  const rootBad = rootProblem(flags.root);
  if (rootBad) problems.push(rootBad);
  if (flags.force && !flags.apply) problems.push({ file: 'flags', field: '--force', message: 'needs --apply' });
  if (problems.length > 0 || 'problem' in parsed) throw new InputError(problems);
  const root = resolve(flags.root ?? '/');
  const fs = new LocalNodeFs(root);
  const { after, warnings } = previewPersist(await gatherFacts(fs), parsed.name);
  const targets = await inspectTargets(root, persistFiles(parsed.name));
  for (const t of targets) process.stdout.write(`# ${t.hostPath} (${t.state})\n${t.file.text}\n`);
  for (const w of warnings) ctx.say(`warning: ${w}`);
  if (!flags.apply) {
    for (const t of targets.filter((x) => x.state === 'differs')) process.stdout.write(`${describeDifference(t)}\n\n`);
    const toWrite = targets.filter((t) => t.state !== 'already in place').length;
    process.stdout.write(toWrite === 0 ? 'Both files are already in place.\n' : `Nothing written: add --apply to write ${toWrite} file(s).\n`);
    process.stdout.write(`With these files, node check would say: ${after.verdict.text}\n`);
    return;
  }
  for (const line of await applyTargets(targets, flags.force === true)) process.stdout.write(`${line}\n`);
  const check = await checkNode(fs);
  process.stdout.write(`node check now says: ${check.verdict.text}\n`);
  if (root === '/' && check.liveValue !== '1') process.stdout.write('To apply it now as well: modprobe nf_conntrack && sysctl --system\n');
}

/** Adds `node check` and `node persist` to the program. */
export function registerNodeCommands(program: Command, getCtx: () => CliContext): void {
  const node = program.command('node').description('check and write be_liberal persistence on real nodes (the modules-load ordering trap)');
  node
    .command('check')
    .description('will net.netfilter.nf_conntrack_tcp_be_liberal = 1 survive a reboot? (sysctl files, modules-load, systemd ordering, live state)')
    .option('--root <dir>', 'check a mounted node image or directory tree instead of /')
    .addOption(new Option('--driver <driver>', 'local (default) or kind: check each kind node through docker exec'))
    .option('--cluster <name>', 'kind cluster whose nodes to check (default: kind)')
    .option('--node <name...>', 'kind node containers to check (default: every node of --cluster)')
    .option('--json', 'print one JSON document (resetlab/node-check@1; with --driver kind resetlab/node-checks@1)')
    .addHelpText('after', CHECK_HELP)
    .action((flags: NodeCheckFlags) => nodeCheckCommand(getCtx(), flags));
  node
    .command('persist')
    .description('print (and with --apply write) /etc/sysctl.d/<name>.conf and /etc/modules-load.d/<name>.conf')
    .option('--root <dir>', 'write under this directory instead of /')
    .option('--apply', 'write the files (atomically); without it nothing is changed')
    .option('--force', 'with --apply: overwrite a target that exists with different content')
    .option('--name <name>', `base name of both files (default: ${DEFAULT_PERSIST_NAME})`)
    .addHelpText('after', PERSIST_HELP)
    .action((flags: NodePersistFlags) => nodePersistCommand(getCtx(), flags));
  registerNodeProve(node, getCtx);
}
