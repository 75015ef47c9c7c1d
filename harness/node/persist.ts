/**
 * What `node persist` writes: a sysctl.d drop-in setting be_liberal = 1 and a
 * modules-load.d entry loading nf_conntrack, both named `<name>.conf` under /etc. Also
 * answers, before anything is written, whether another file would still override the
 * drop-in (by re-running the check on the node's facts with the two files added). Pure.
 */
import { reportFromFacts, type NodeCheckReport } from './check.js';
import { compareNames } from './conf-files.js';
import { LIBERAL_KEY } from './constants.js';
import type { ConfDir, NodeFacts } from './facts.js';

/** One file `persist` writes. */
export interface PersistFile {
  /** Absolute path inside the node. */
  path: string;
  text: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]*$/;

/** Validates `--name` (a `.conf` suffix is dropped); returns the name or a problem. */
export function parsePersistName(raw: string): { name: string } | { problem: string } {
  const name = raw.trim().replace(/\.conf$/, '');
  if (!NAME.test(name)) return { problem: `"${raw}" is not a plain file name (letters, digits, . _ @ + -; no /)` };
  return { name };
}

/** The two files, for a validated name. */
export function persistFiles(name: string): PersistFile[] {
  const sysctl = `/etc/sysctl.d/${name}.conf`;
  const modules = `/etc/modules-load.d/${name}.conf`;
  return [
    {
      path: sysctl,
      text: [
        '# Written by `resetlab node persist`.',
        '# With be_liberal=0, conntrack marks an out-of-window TCP segment INVALID; such a reply',
        '# skips reverse NAT, the client answers the pod IP with a RST, and the connection is reset',
        '# ("Connection reset by peer" on cross-node Service traffic). 1 lets the segment through.',
        '# The key exists only once nf_conntrack is loaded. This file alone is lost at reboot if',
        '# systemd-sysctl.service runs before anything loads the module, so',
        `# ${modules} loads it in systemd-modules-load.service, which runs first.`,
        '# Check: resetlab node check; systemd-analyze critical-chain systemd-sysctl.service',
        `${LIBERAL_KEY} = 1`,
        '',
      ].join('\n'),
    },
    {
      path: modules,
      text: [
        '# Written by `resetlab node persist`: load nf_conntrack before systemd-sysctl.service runs,',
        `# so that ${sysctl} can set ${LIBERAL_KEY}.`,
        'nf_conntrack',
        '',
      ].join('\n'),
    },
  ];
}

function withFile(dirs: ConfDir[], file: PersistFile): ConfDir[] {
  const dir = file.path.slice(0, file.path.lastIndexOf('/'));
  const name = file.path.slice(dir.length + 1);
  return dirs.map((d) => (d.dir !== dir ? d : { dir, files: [...d.files.filter((f) => f.name !== name), { path: file.path, name, text: file.text }] }));
}

/** The node's facts as they would be with the files written. */
export function factsWithFiles(facts: NodeFacts, files: readonly PersistFile[]): NodeFacts {
  let { sysctlDirs, modulesLoadDirs } = facts;
  for (const f of files) {
    if (f.path.startsWith('/etc/sysctl.d/')) sysctlDirs = withFile(sysctlDirs, f);
    if (f.path.startsWith('/etc/modules-load.d/')) modulesLoadDirs = withFile(modulesLoadDirs, f);
  }
  return { ...facts, sysctlDirs, modulesLoadDirs };
}

/** A name whose drop-in sorts after `lastName` (systemd's byte order), or null if none of the candidates does. */
export function suggestName(name: string, lastName: string): string | null {
  const core = name.replace(/^\d+-/, '');
  const candidates = [`99-${core}`, `99-zz-${core}`, `zz-${core}`, `zzzz-${core}`];
  return candidates.find((c) => compareNames(`${c}.conf`, lastName) > 0) ?? null;
}

/** What the node would look like after `persist`, and warnings when the drop-in would not win. */
export function previewPersist(facts: NodeFacts, name: string): { after: NodeCheckReport; warnings: string[] } {
  const files = persistFiles(name);
  const after = reportFromFacts(factsWithFiles(facts, files));
  const warnings: string[] = [];
  const winner = after.sysctl.winner;
  if (winner && winner.path !== files[0]!.path && winner.value !== '1') {
    const fileName = winner.path.split('/').at(-1)!;
    const suggestion = winner.path === '/etc/sysctl.conf' ? null : suggestName(name, fileName);
    warnings.push(
      `${winner.path}:${winner.line} sets ${LIBERAL_KEY} = ${winner.value} and is applied after ${files[0]!.path}, so it would override it: ` +
        (winner.path === '/etc/sysctl.conf'
          ? 'change that line to 1 or remove it (/etc/sysctl.conf is read after every sysctl.d file)'
          : `remove or change that line, or use --name ${suggestion ?? '<a name that sorts after ' + fileName + '>'}`),
    );
  }
  return { after, warnings };
}
