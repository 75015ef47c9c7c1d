import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../exec/fake-runner.js';
import { kubeReadiness } from './driver.js';

describe('kube readiness (doctor)', () => {
  it('needs kubectl and a current context; never contacts a cluster', async () => {
    const none = new FakeRunner().on(/current-context/, { exitCode: 1, stderr: 'error: current-context is not set\n' });
    expect(await kubeReadiness(none)).toMatchObject({ ready: false, missing: ['a kubeconfig context (kubectl has no current context)'] });
    const ok = new FakeRunner().on(/current-context/, { stdout: 'kind-dev\n' });
    expect(await kubeReadiness(ok)).toEqual({ ready: true, missing: [], fix: null });
    expect(ok.lines).toEqual(['kubectl version --client', 'kubectl config current-context']);
    const noKubectl = new FakeRunner().on(/version --client/, { exitCode: 127, stderr: 'kubectl: not found' });
    expect(await kubeReadiness(noKubectl)).toMatchObject({ ready: false, missing: ['the kubectl binary'] });
  });
});
