/**
 * A real check of the node image short of a cluster (run inside a guest whose dockerd has the
 * image, see guest.ts): one node container started with kind 0.33's own flags
 * (providers/docker/provision.go: privileged, private cgroup namespace, tmpfs /run and /tmp,
 * an anonymous /var, /lib/modules read-only, a tty), then, each timed from `docker run`:
 * kind's readiness line in its log (kind waits 30 s for `detected cgroup v1` or systemd's
 * multi-user target), containerd answering, the component images imported, and kubelet
 * waiting for kubeadm's config (its unit's condition). The container is removed afterwards.
 * `nodeCheckSteps` is pure; `checkNodeImage` does the I/O through the Runner.
 */
import type { Runner } from '../exec/runner.js';

/** kind's readiness regex (providers/common/cgroups.go). */
export const KIND_READY = /Reached target .*Multi-User System.*|detected cgroup v1/;

/** kind's `docker run` arguments for a worker node named `name` (pure). */
export function kindNodeRunArgv(name: string, image: string): string[] {
  return [
    'docker', 'run', '--name', name, '--hostname', name, '--label', 'io.x-k8s.kind.role=worker', '--privileged',
    '--security-opt', 'seccomp=unconfined', '--security-opt', 'apparmor=unconfined', '--tmpfs', '/tmp', '--tmpfs', '/run',
    '--volume', '/var', '--volume', '/lib/modules:/lib/modules:ro', '--detach', '--tty', '--label', `resetlab.node-check=${name}`,
    '--restart=on-failure:1', '--init=false', '--cgroupns=private', image,
  ];
}

/** One timed step of the check. */
export interface NodeCheckStep {
  name: string;
  ok: boolean;
  /** Seconds from `docker run` to when it was seen (null when it was not). */
  atSec: number | null;
  detail: string;
}

/** The check's result (the `resetlab/kind-node-check@1` document). */
export interface NodeCheckResult {
  schema: 'resetlab/kind-node-check@1';
  image: string;
  ok: boolean;
  steps: NodeCheckStep[];
}

/** The steps in order (pure): what each waits for. */
export function nodeCheckSteps(): { name: string; what: string }[] {
  return [
    { name: 'kind-ready', what: `a log line kind accepts (${KIND_READY.source})` },
    { name: 'containerd', what: 'containerd answers (ctr version)' },
    { name: 'images', what: 'resetlab-images.service finished (the component images in k8s.io)' },
    { name: 'kubelet-waits', what: "kubelet skipped until kubeadm writes its config (ConditionPathExists)" },
  ];
}

/** Runs the check (see module doc); `timeoutMs` bounds each step. */
export async function checkNodeImage(runner: Runner, image: string, name: string, o: { timeoutMs: number; say: (line: string) => void }): Promise<NodeCheckResult> {
  const steps: NodeCheckStep[] = [];
  await runner.run(['docker', 'rm', '-f', name], { check: false });
  const t0 = Date.now();
  const sec = () => Number(((Date.now() - t0) / 1000).toFixed(1));
  await runner.run(kindNodeRunArgv(name, image), { timeoutMs: 300_000 });
  try {
    const exec = (script: string) => runner.run(['docker', 'exec', name, 'sh', '-c', script], { check: false, timeoutMs: 120_000 });
    const probes: Record<string, () => Promise<string | null>> = {
      'kind-ready': async () => {
        const logs = await runner.run(['docker', 'logs', name], { check: false, timeoutMs: 60_000 });
        return (logs.stdout + logs.stderr).split('\n').find((l) => KIND_READY.test(l))?.trim() ?? null;
      },
      containerd: async () => {
        const r = await exec('ctr version 2>/dev/null | sed -n "s/^ *Version: *//p" | tail -1');
        return r.exitCode === 0 && r.stdout.trim() !== '' ? `containerd ${r.stdout.trim()}` : null;
      },
      images: async () => {
        const r = await exec('systemctl is-active resetlab-images.service; ctr -n k8s.io images ls -q | grep -v "^sha256:"');
        const [state, ...imgs] = r.stdout.trim().split('\n');
        return state === 'active' && imgs.length > 0 ? imgs.join(' ') : null;
      },
      'kubelet-waits': async () => {
        const r = await exec('systemctl show kubelet -p ConditionResult -p ActiveState');
        return /ConditionResult=no/.test(r.stdout) && /ActiveState=inactive/.test(r.stdout) ? r.stdout.trim().replace(/\n/g, ' ') : null;
      },
    };
    for (const s of nodeCheckSteps()) {
      const deadline = Date.now() + o.timeoutMs;
      let seen: string | null = null;
      while (seen === null && Date.now() < deadline) {
        seen = await probes[s.name]!();
        if (seen === null) await new Promise((r) => setTimeout(r, 2000));
      }
      steps.push({ name: s.name, ok: seen !== null, atSec: seen === null ? null : sec(), detail: seen ?? `not seen within ${Math.round(o.timeoutMs / 1000)} s: ${s.what}` });
      o.say(`node check: ${s.name} ${seen === null ? 'FAILED' : `after ${sec()} s`}: ${(seen ?? s.what).slice(0, 200)}`);
      if (seen === null) break;
    }
  } finally {
    await runner.run(['docker', 'rm', '-f', '-v', name], { check: false, timeoutMs: 300_000 });
  }
  return { schema: 'resetlab/kind-node-check@1', image, ok: steps.length === nodeCheckSteps().length && steps.every((s) => s.ok), steps };
}
