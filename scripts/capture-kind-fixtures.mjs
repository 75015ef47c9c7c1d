#!/usr/bin/env node
/**
 * Captures the outputs the kind and kube drivers parse from real kind clusters (resetlab's
 * offline node image, Kubernetes v1.20.2) in one guest, for the parser tests:
 * `node scripts/capture-kind-fixtures.mjs [--kernel 6.1] [--modes iptables,ipvs]` (about 15
 * minutes per mode under TCG; needs root, the kernel cache or the network to Debian, and the
 * node image, which it builds offline the first time). Per mode it creates a two-node cluster
 * with `resetlab run none --driver kind --kube-proxy-mode MODE --keep-cluster --duration 2s`,
 * runs each command below in the guest (each fixture is exactly one command's stdout, the
 * command the driver itself runs), deletes the cluster, and writes the files into
 * test/fixtures/kind/captured/ with an index (captured.json: command, mode, date, kernel).
 * Nothing is left on the host but those files. Run `npm run -s build` first.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ExecaRunner } from '../dist/harness/exec/runner.js';
import { runCommandsInKindGuest } from '../dist/harness/lab/kind/in-guest.js';
import { KUBE_PROXY_PODS_JSONPATH } from '../dist/harness/lab/cluster/parse-kube-proxy.js';
import { GUEST_OUT } from '../dist/harness/lab/vm/guest-init.js';
import { REPO_ROOT } from '../dist/harness/repo-root.js';

const { values } = parseArgs({ options: { kernel: { type: 'string', default: '6.1' }, modes: { type: 'string', default: 'iptables,ipvs' } } });
const modes = values.modes.split(',').map((m) => m.trim());
for (const m of modes) if (!['ipvs', 'iptables'].includes(m)) throw new Error(`--modes: ${m} is not ipvs or iptables`);

const sq = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The fixtures of one mode: file name -> shell command whose stdout it is (cluster `c`, node A = its worker). */
function capturesFor(mode, c) {
  const k = `kubectl --context kind-${c}`;
  const nodeA = `${c}-worker`;
  const files = {
    [`kube-proxy-config-${mode}.conf`]: `${k} -n kube-system get configmap kube-proxy -o ${sq('jsonpath={.data.config\\.conf}')}`,
    [`kube-proxy-pods-${mode}.txt`]: `${k} -n kube-system get pods -l k8s-app=kube-proxy -o ${sq(`jsonpath=${KUBE_PROXY_PODS_JSONPATH}`)}`,
    [`kube-proxy-${mode}.log`]: `${k} -n kube-system logs $(${k} -n kube-system get pods -l k8s-app=kube-proxy --field-selector spec.nodeName=${nodeA} -o name) --tail=-1`,
    [`iptables-save-filter-${mode}-mode.txt`]: `docker exec ${nodeA} iptables-save -t filter`,
    [`ctr-tasks-ls-${mode}.txt`]: `docker exec ${nodeA} ctr -n k8s.io tasks ls`,
    [`kubectl-version-${mode}.json`]: `${k} version -o json`,
    [`kubectl-get-nodes-${mode}.json`]: `${k} get nodes -o json`,
  };
  if (mode === 'ipvs') files['ipvsadm-Ln.txt'] = `nsenter -t $(docker inspect -f '{{.State.Pid}}' ${nodeA}) -n ipvsadm -Ln`;
  return files;
}

const ac = new AbortController();
process.once('SIGINT', () => ac.abort('signal'));
process.once('SIGTERM', () => ac.abort('signal'));
const plan = [];
const { results } = await runCommandsInKindGuest(
  { runner: new ExecaRunner(), signal: ac.signal, say: (l) => process.stderr.write(l + '\n'), resultsDir: join(REPO_ROOT, 'results') },
  { kernel: values.kernel },
  (nodeImage) => {
    const commands = [];
    for (const mode of modes) {
      const c = `rl-cap-${mode}`;
      commands.push(['run', 'none', '--driver', 'kind', '--node-image', nodeImage, '--kube-proxy-mode', mode, '--keep-cluster', '--cluster', c, '--duration', '2s', '--json', '--out', `${GUEST_OUT}/results`]);
      plan.push({ index: commands.length - 1, mode, run: true });
      for (const [file, shell] of Object.entries(capturesFor(mode, c))) {
        commands.push({ shell });
        plan.push({ index: commands.length - 1, mode, file, command: shell });
      }
      commands.push({ shell: `kind delete cluster --name ${c}` });
      plan.push({ index: commands.length - 1, mode, deleted: true });
    }
    return commands;
  },
  30 * 60_000 * modes.length,
);
const dir = join(REPO_ROOT, 'test', 'fixtures', 'kind', 'captured');
mkdirSync(dir, { recursive: true });
const index = [];
let failed = 0;
for (const p of plan) {
  const r = results[p.index];
  if (r.exitCode !== 0) {
    failed++;
    process.stderr.write(`capture: ${p.file ?? (p.run ? `the ${p.mode} cluster` : `deleting the ${p.mode} cluster`)} failed (exit ${r.exitCode}${r.stopped ? `: ${r.stopped}` : ''})\n`);
    continue;
  }
  if (!p.file) continue;
  writeFileSync(join(dir, p.file), r.stdout);
  index.push({ file: p.file, mode: p.mode, command: p.command, kernel: r.facts.kernelRelease ?? null, capturedAt: new Date().toISOString().slice(0, 10) });
}
writeFileSync(join(dir, 'captured.json'), JSON.stringify({ nodeImage: 'resetlab offline node image, Kubernetes v1.20.2', files: index }, null, 2) + '\n');
process.stderr.write(`capture: ${index.length} files in ${dir}${failed ? `; ${failed} command(s) failed` : ''}\n`);
process.exitCode = failed ? 1 : 0;
