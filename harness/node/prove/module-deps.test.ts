import { describe, expect, it } from 'vitest';
import { insmodOrder, moduleName, parseModulesDep } from './module-deps.js';

// The lines of Debian 6.1.0-56-amd64's modules.dep the initramfs needs.
const DEP = `kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio_pci_legacy_dev.ko:
kernel/drivers/virtio/virtio_pci_modern_dev.ko:
kernel/drivers/virtio/virtio.ko:
kernel/drivers/virtio/virtio_ring.ko:
kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/net/9p/9pnet.ko:
kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/fscache/fscache.ko kernel/fs/netfs/netfs.ko
kernel/fs/fscache/fscache.ko: kernel/fs/netfs/netfs.ko
kernel/fs/netfs/netfs.ko:
kernel/fs/overlayfs/overlay.ko:
`;

describe('insmodOrder', () => {
  it('lists every dependency before its user, each once', () => {
    const { paths, missing } = insmodOrder(parseModulesDep(DEP), ['virtio_pci', '9pnet_virtio', '9p', 'overlay']);
    expect(missing).toEqual([]);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toHaveLength(11);
    const deps = parseModulesDep(DEP);
    for (const [i, p] of paths.entries()) for (const d of deps.get(p)!) expect(paths.indexOf(d)).toBeLessThan(i);
  });
  it('reports modules it does not know (built in, or absent)', () => {
    expect(insmodOrder(parseModulesDep(DEP), ['ext4', 'overlay'])).toEqual({ paths: ['kernel/fs/overlayfs/overlay.ko'], missing: ['ext4'] });
  });
  it('moduleName strips folders and compression suffixes and normalises dashes', () => {
    expect(moduleName('kernel/net/9p/9pnet_virtio.ko')).toBe('9pnet_virtio');
    expect(moduleName('kernel/x/nf-conntrack.ko.xz')).toBe('nf_conntrack');
  });
});
