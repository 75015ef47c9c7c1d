import { describe, expect, it, vi } from 'vitest';

// Every path exists except a dockerd: the kind guest's own piece is then the only one missing.
vi.mock('node:fs', async (orig) => ({ ...(await orig<typeof import('node:fs')>()), existsSync: (p: string) => !String(p).endsWith('/dockerd') }));

describe("a kind guest's host preconditions", () => {
  it('names dockerd and Debian\'s docker.io when the binary is absent, before anything boots', async () => {
    const { assertVmPreconditions, kindGuestMissing, vmMissing } = await import('./preconditions.js');
    expect(kindGuestMissing()).toEqual([{ what: 'dockerd (it runs only inside the guest)', pkg: 'docker.io' }]);
    // The vm driver alone does not need it (as root, with these paths, it needs nothing).
    if (vmMissing().length === 0) expect(() => assertVmPreconditions()).not.toThrow();
    expect(() => assertVmPreconditions(kindGuestMissing())).toThrow(/needs .*dockerd \(it runs only inside the guest\) \(docker\.io\);.*docker\.io/);
  });
});
