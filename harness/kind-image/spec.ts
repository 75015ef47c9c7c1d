/**
 * What resetlab's offline kind node image is made of (pure): the Debian root filesystem
 * recipe, the component images and their tags, the image's name, and the cache key over all
 * inputs. Facts: kind's pkg/build/nodeimage/buildcontext.go (binaries in /usr/bin,
 * `/kind/version`), images/base (systemd node, containerd), and `kubeadm config images list
 * --kubernetes-version v1.20.2` (k8s.gcr.io/kube-*:v1.20.2). See /work/coord/kind-contract.md
 * for the contract read from kind's source.
 */
import { createHash } from 'node:crypto';
import type { RootfsSpec } from '../node/prove/rootfs-spec.js';

/** The Kubernetes version of the offline node image (the one Debian's source builds). */
export const OFFLINE_K8S_VERSION = 'v1.20.2';

/** Debian 12: its containerd 1.6 still serves CRI v1alpha2, which kubelet 1.20 speaks. */
export const NODE_SUITE = 'bookworm';

/**
 * Packages on top of minbase, for the node and as the kube-proxy image's base:
 * systemd (the node's init, as in kind's base image), containerd + runc (the runtime kind's
 * nodes run), the CNI plugins (ptp, host-local, loopback, portmap), and what kubelet and
 * kube-proxy exec: iptables, ipset, conntrack, iproute2, ethtool, socat, kmod, procps.
 */
export const NODE_PACKAGES = [
  'conntrack',
  'containerd',
  'containernetworking-plugins',
  'ethtool',
  'iproute2',
  'ipset',
  'iptables',
  'kmod',
  'procps',
  'runc',
  'socat',
  'systemd',
  'systemd-sysv',
] as const;

/** The debootstrap recipe of the node's root filesystem (cached by harness/node/prove/rootfs-cache.ts). */
export function nodeRootfsSpec(): RootfsSpec {
  return { suite: NODE_SUITE, variant: 'minbase', include: [...NODE_PACKAGES].sort() };
}

/** Where the node image keeps the component image archives it imports at boot. */
export const NODE_IMAGES_DIR = '/kind/images';

/** The registry prefix of images resetlab made that have no upstream tag to claim (etcd from Debian). */
export const LOCAL_REGISTRY = 'resetlab.local';

/** One component image: its tag, the binary it carries, and whether it needs the Debian base (kube-proxy). */
export interface ComponentImage {
  /** Short name (file name of its archive). */
  name: string;
  /** `repo:tag` as kubeadm (or our kubeadm patch) names it. */
  tag: string;
  /** Cache binary name (harness/kubernetes) or `etcd`. */
  binary: string;
  /** Path of the binary in the image. */
  path: string;
  /** On the node rootfs as a base layer (iptables, ipset, conntrack), or the binary alone. */
  base: 'debian' | 'none';
  entrypoint?: string[];
}

/**
 * The component images for `k8sVersion` (e.g. v1.20.2), `etcdVersion` (Debian's, e.g.
 * 3.4.23-4+b4) and the tree's pause tag (build/pause/Makefile, e.g. 3.4). kubeadm's own
 * images keep kubeadm's names; etcd (Debian's build, not upstream's 3.4.13-0 image) and pause
 * (the tree's 3.4, not kubeadm's 3.2) are named for what they are, and the kubeadm patch and
 * containerd's sandbox_image point at those names.
 */
export function componentImages(k8sVersion: string, etcdVersion: string, pauseTag: string): ComponentImage[] {
  const kube = (name: string, base: 'debian' | 'none'): ComponentImage => ({ name, tag: `k8s.gcr.io/${name}:${k8sVersion}`, binary: name, path: `/usr/local/bin/${name}`, base });
  return [
    kube('kube-apiserver', 'none'),
    kube('kube-controller-manager', 'none'),
    kube('kube-scheduler', 'none'),
    kube('kube-proxy', 'debian'),
    { name: 'etcd', tag: etcdImageTag(etcdVersion), binary: 'etcd', path: '/usr/local/bin/etcd', base: 'none' },
    { name: 'pause', tag: `k8s.gcr.io/pause:${pauseTag}`, binary: 'pause', path: '/pause', base: 'none', entrypoint: ['/pause'] },
  ];
}

/** The etcd image's tag: `resetlab.local/etcd:<Debian version with + and ~ as _>`. */
export function etcdImageTag(etcdVersion: string): string {
  return `${LOCAL_REGISTRY}/etcd:${etcdVersion.replace(/[+~]/g, '_')}`;
}

/** The node image's name (the docker image `kind create cluster` is given). */
export function nodeImageName(k8sVersion: string, key: string): string {
  return `${LOCAL_REGISTRY}/kind-node:${k8sVersion}-${key.slice(0, 8)}`;
}

/** Everything the image is made from (the cache key's input). */
export interface NodeImageInputs {
  /** The assembly's own version (build.ts NODE_IMAGE_RECIPE) and what it strips. */
  recipe?: number;
  stripped?: string[];
  k8sVersion: string;
  rootfsKey: string;
  /** sha256 of every binary put in, by name. */
  binaries: Record<string, string>;
  /** sha256 of every file resetlab writes into the node (node-files.ts), by path. */
  files: Record<string, string>;
  images: ComponentImage[];
}

/** 12 hex digits of the inputs' sha256: a changed binary, file or recipe gives a new entry. */
export function nodeImageKey(inputs: NodeImageInputs): string {
  const sorted = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  const canon = JSON.stringify({ ...inputs, binaries: sorted(inputs.binaries), files: sorted(inputs.files) });
  return createHash('sha256').update(canon).digest('hex').slice(0, 12);
}
