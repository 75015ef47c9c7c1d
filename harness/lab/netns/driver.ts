/**
 * The netns driver as the CLI sees it (registry entry): no flags of its own; scenario checks
 * against this host's kernel; root is required; leftovers of dead runs are removed before a
 * run; each scenario gets a fresh prefix and lab, destroyed by the pipeline.
 */
import { release } from 'node:os';
import { UnsupportedError } from '../../errors.js';
import { ExecaRunner } from '../../exec/runner.js';
import { runEach, runEachOptions } from '../../run/run-each.js';
import type { LabDriver } from '../driver.js';
import { newPrefix } from '../prefix.js';
import { netnsScenarioProblems } from './capabilities.js';
import { removeNetnsLeftoversLoudly } from './leftovers.js';
import { netnsReadiness } from './preconditions.js';
import { provisionNetnsLab } from './provider.js';
import { chooseProxyMode, readProxyFacts } from './proxy-mode.js';
import { kubernetesCacheRoot } from '../../kubernetes/cache.js';
import { resolveKubernetes } from '../../kubernetes/resolve.js';
import { KUBE_PROXY_OPTION } from '../../kubernetes/option.js';
import { parseKubeProxySpec } from '../../kubernetes/spec.js';
import { modelDataPlane, realDataPlane } from '../../dataplane/index.js';

/** Throws UnsupportedError (exit 2) when the netns driver cannot run here. */
export function checkNetnsPreconditions(): void {
  if (process.getuid?.() !== 0) {
    throw new UnsupportedError('resetlab needs root to create network namespaces: run it as root (e.g. `sudo npm run reproduce`)');
  }
}

/** The netns driver. */
export const netnsDriver: LabDriver = {
  name: 'netns',
  summary: 'network namespaces on this host',
  options: [KUBE_PROXY_OPTION],
  flagProblems: (flags) => (typeof flags.kubeProxy === 'string' ? parseKubeProxySpec(flags.kubeProxy).problems : []),
  readiness: async () => netnsReadiness(),
  scenarioProblems: (scenarios) => netnsScenarioProblems(scenarios),
  proxyModeFor: (s) => chooseProxyMode(s.topology.proxyMode, readProxyFacts()).mode,
  kernelsFor: () => [release()],
  async execute(ctx, scenarios, flags, onReport) {
    checkNetnsPreconditions();
    await removeNetnsLeftoversLoudly(ctx);
    const options = runEachOptions(flags);
    const { timeScale } = options;
    const runner = timeScale === 1 ? ctx.runner : new ExecaRunner(timeScale);
    const spec = typeof flags.kubeProxy === 'string' ? parseKubeProxySpec(flags.kubeProxy).spec : undefined;
    // A cached build is used as it is; a missing one is built first (minutes; see harness/kubernetes/build.ts).
    const binaries = spec ? await resolveKubernetes(kubernetesCacheRoot(), spec, { runner: ctx.runner, say: ctx.say }) : undefined;
    const dataPlane = binaries ? realDataPlane({ binaries, runner, timeScale, say: ctx.say }) : modelDataPlane;
    return runEach({ ...ctx, ...options, runner, sideBySide: flags.sideBySide === true }, scenarios, (topology) => provisionNetnsLab({ prefix: newPrefix(), topology, runner, dataPlane }), onReport);
  },
  removeLeftovers: async (ctx) => void (await removeNetnsLeftoversLoudly(ctx, true)),
};
