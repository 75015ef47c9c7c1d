/**
 * The files resetlab writes into its kind node image (pure text, path -> content), written
 * for this project from the contract kind's base image follows (images/base in
 * kubernetes-sigs/kind, read for /work/coord/kind-contract.md; none of its files is copied):
 *
 * - `/usr/local/bin/entrypoint`: says which cgroup version it found ("detected cgroup v1" is
 *   the line kind 0.33 waits for, along with systemd's "Reached target ... Multi-User
 *   System"), prepares kubelet's cgroup root `/kubelet` (kind's kubeadm config sets
 *   `cgroupRoot: /kubelet`), makes mounts shared, remounts /sys read-only, gives the node a
 *   machine id, and execs systemd;
 * - containerd's config: CRI with `SystemdCgroup = false` (kind gives kubelet < 1.24
 *   `cgroupDriver: cgroupfs`), the sandbox image we built, the CNI plugins' folder;
 * - kubelet's unit and kubeadm drop-in (kind's contract: `/usr/bin/kubelet`, idle until
 *   kubeadm writes `/var/lib/kubelet/config.yaml`);
 * - `resetlab-images.service`: imports `/kind/images/*.tar` into containerd's `k8s.io`
 *   namespace before kubelet starts (the control plane gets every image, workers pause and
 *   kube-proxy: kind names nodes `<cluster>-control-plane`, `<cluster>-worker<N>`), then every
 *   `/kind/images/every-node/*.tar` on every node (an image derived for one run puts the
 *   agent image there, so no `kind load` runs beside the control plane);
 * - kind's sysctls (route_localnet, arp_ignore, rp_filter), so the node's netns matches a real
 *   kind node's where the reproduction depends on it;
 * - `/usr/bin/kubeadm`: a wrapper of the real kubeadm (`REAL_KUBEADM`) that gives `kubeadm init`
 *   kubeadm's own `--experimental-patches /kind/resetlab-patches` (v1.20 has no patches field
 *   in its config; kind 0.33 passes no patches for v1.20), which relax the static pods' probes:
 *   under TCG a starved apiserver, etcd or controller-manager that kubelet restarts for a
 *   failed liveness probe costs minutes of CPU to start again. Everything else passes through.
 */

/** One file: its content and mode. */
export interface NodeFile {
  content: string;
  mode: number;
}

/** Inputs that end up in files. */
export interface NodeFileOptions {
  /** e.g. v1.20.2 (written to /kind/version, one line, no newline: kind parses it as semver). */
  k8sVersion: string;
  /** containerd's sandbox_image, e.g. k8s.gcr.io/pause:3.4. */
  sandboxImage: string;
  /** Image archive names (without .tar) a worker imports; the control plane imports all. */
  workerImages: string[];
}

const ENTRYPOINT = `#!/bin/sh
# resetlab's kind node entrypoint (harness/kind-image/node-files.ts). Any failure stops the node.
set -eu
log() { echo "INFO: $*"; }

if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  log "detected cgroup v2"
else
  log "detected cgroup v1"
  # kubelet runs with cgroupRoot /kubelet (kind's kubeadm config): make it in every hierarchy,
  # with the parent's cpuset so tasks can join it.
  for d in /sys/fs/cgroup/*/; do
    [ -d "$d" ] || continue
    for c in kubelet kubelet.slice; do
      mkdir -p "$d$c"
      if [ -f "\${d}cpuset.cpus" ]; then
        cat "\${d}cpuset.cpus" > "$d$c/cpuset.cpus"
        cat "\${d}cpuset.mems" > "$d$c/cpuset.mems"
      fi
    done
  done
fi

log "remounting /sys read-only"
mount -o remount,ro /sys
log "making mounts shared"
mount --make-rshared /

log "setting a machine id"
rm -f /etc/machine-id
systemd-machine-id-setup >/dev/null

log "starting init"
exec "$@"
`;

const CONTAINERD_CONFIG = (sandboxImage: string) => `# resetlab's kind node (harness/kind-image/node-files.ts): containerd 1.6 serving CRI to kubelet.
version = 2

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${sandboxImage}"
  tolerate_missing_hugepages_controller = true
  restrict_oom_score_adj = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    discard_unpacked_layers = true
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/opt/cni/bin"
    conf_dir = "/etc/cni/net.d"
`;

const KUBELET_SERVICE = `[Unit]
Description=kubelet: The Kubernetes Node Agent
# Idle until kubeadm has written the kubelet's configuration.
ConditionPathExists=/var/lib/kubelet/config.yaml
After=containerd.service resetlab-images.service
Wants=resetlab-images.service

[Service]
ExecStart=/usr/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=1s
CPUAccounting=true
MemoryAccounting=true
Slice=kubelet.slice
KillMode=process

[Install]
WantedBy=multi-user.target
`;

const KUBEADM_DROPIN = `[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
EnvironmentFile=-/etc/default/kubelet
ExecStartPre=/bin/sh -c "[ -f /sys/fs/cgroup/cgroup.controllers ] || mkdir -p /sys/fs/cgroup/systemd/kubelet"
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`;

const KUBELET_SLICE = `[Unit]
Description=kubelet's slice
Before=slices.target

[Slice]
MemoryAccounting=true
CPUAccounting=true
`;

const IMAGES_SERVICE = `[Unit]
Description=resetlab: import the component images into containerd (k8s.io)
After=containerd.service
Requires=containerd.service
Before=kubelet.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/bin/resetlab-import-images

[Install]
WantedBy=multi-user.target
`;

const IMPORT_SCRIPT = (workerImages: string[]) => `#!/bin/sh
# Imports /kind/images/*.tar into containerd's k8s.io namespace (no unpack: containerd's CRI
# unpacks an image when a container first uses it). The control plane gets every image; a
# worker only ${workerImages.join(', ')}. Every node gets /kind/images/every-node/*.tar.
set -eu
i=0
until ctr version >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -lt 120 ] || { echo "resetlab: containerd did not answer in 120 s" >&2; exit 1; }
  sleep 1
done
case "$(hostname)" in
  *-control-plane*) want="" ;;
  *) want=" ${workerImages.join(' ')} " ;;
esac
for f in /kind/images/*.tar; do
  n=$(basename "$f" .tar)
  if [ -n "$want" ]; then case "$want" in *" $n "*) ;; *) continue ;; esac; fi
  start=$(date +%s)
  ctr -n k8s.io images import --all-platforms --no-unpack "$f" >/dev/null
  echo "resetlab: imported $n in $(( $(date +%s) - start )) s"
done
for f in /kind/images/every-node/*.tar; do
  [ -e "$f" ] || continue
  start=$(date +%s)
  ctr -n k8s.io images import --all-platforms --no-unpack "$f" >/dev/null
  echo "resetlab: imported $(basename "$f" .tar) (every node) in $(( $(date +%s) - start )) s"
done
`;

const SYSCTLS = `# kind's node sysctls (images/base/files/etc/sysctl.d), so a node's netns matches a kind node's.
net.ipv4.conf.all.route_localnet=1
net.ipv4.conf.all.arp_ignore=0
net.ipv4.conf.default.rp_filter=1
net.ipv4.conf.all.rp_filter=1
`;

/** Where the real kubeadm goes in the node (the wrapper at /usr/bin/kubeadm execs it). */
export const REAL_KUBEADM = '/usr/lib/resetlab/kubeadm';

/** The folder of kubeadm patches the wrapper passes to `kubeadm init`. */
export const KUBEADM_PATCHES_DIR = '/kind/resetlab-patches';

const KUBEADM_WRAPPER = `#!/bin/sh
# resetlab's kind node (harness/kind-image/node-files.ts): the real kubeadm; \`init\` also gets
# kubeadm's own static-pod patches (${KUBEADM_PATCHES_DIR}: probes that tolerate an emulated CPU).
if [ "\${1:-}" = init ]; then
  shift
  exec ${REAL_KUBEADM} init --experimental-patches=${KUBEADM_PATCHES_DIR} "$@"
fi
exec ${REAL_KUBEADM} "$@"
`;

/**
 * Probe patches (strategic merge, one per static pod, on fields kubeadm v1.20.2 writes: it
 * gives every control-plane pod a liveness and a startup probe, and the apiserver a readiness
 * probe every second). Liveness: every 30 s, 60 s to answer, 20 failures (10 min) before a
 * restart, instead of 10 s, 15 s and 8. Startup: 60 s to answer. The apiserver's readiness:
 * every 10 s. Checked against v1.20.2's kubeadm (`init phase control-plane all --rootfs`).
 */
export function probePatch(container: string): string {
  const readiness = container === 'kube-apiserver' ? '    readinessProbe:\n      periodSeconds: 10\n      timeoutSeconds: 60\n' : '';
  return `spec:\n  containers:\n  - name: ${container}\n    livenessProbe:\n      periodSeconds: 30\n      timeoutSeconds: 60\n      failureThreshold: 20\n    startupProbe:\n      timeoutSeconds: 60\n${readiness}`;
}

/** The static pods kubeadm init writes (kubeadm's patch target names). */
export const STATIC_POD_TARGETS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'];

/** Every file resetlab writes into the node tree (see module doc). Pure. */
export function nodeFiles(o: NodeFileOptions): Record<string, NodeFile> {
  return {
    '/usr/local/bin/entrypoint': { content: ENTRYPOINT, mode: 0o755 },
    '/usr/local/bin/resetlab-import-images': { content: IMPORT_SCRIPT(o.workerImages), mode: 0o755 },
    '/etc/containerd/config.toml': { content: CONTAINERD_CONFIG(o.sandboxImage), mode: 0o644 },
    '/etc/systemd/system/kubelet.service': { content: KUBELET_SERVICE, mode: 0o644 },
    '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf': { content: KUBEADM_DROPIN, mode: 0o644 },
    '/etc/systemd/system/kubelet.slice': { content: KUBELET_SLICE, mode: 0o644 },
    '/etc/systemd/system/resetlab-images.service': { content: IMAGES_SERVICE, mode: 0o644 },
    '/etc/default/kubelet': { content: 'KUBELET_EXTRA_ARGS=--runtime-cgroups=/system.slice/containerd.service\n', mode: 0o644 },
    '/etc/sysctl.d/10-kind-node.conf': { content: SYSCTLS, mode: 0o644 },
    '/kind/version': { content: o.k8sVersion, mode: 0o644 },
    '/usr/bin/kubeadm': { content: KUBEADM_WRAPPER, mode: 0o755 },
    ...Object.fromEntries(STATIC_POD_TARGETS.map((t) => [`${KUBEADM_PATCHES_DIR}/${t}+strategic.yaml`, { content: probePatch(t), mode: 0o644 }])),
  };
}

/**
 * Units enabled (symlinks in `<target>.wants`) and masked (symlinks to /dev/null): only what
 * a node runs, as kind's base image does (it removes every other `wants` link).
 */
export const ENABLED_UNITS: { unit: string; target: string; path: string }[] = [
  { unit: 'containerd.service', target: 'multi-user.target', path: '/lib/systemd/system/containerd.service' },
  { unit: 'resetlab-images.service', target: 'multi-user.target', path: '/etc/systemd/system/resetlab-images.service' },
  { unit: 'kubelet.service', target: 'multi-user.target', path: '/etc/systemd/system/kubelet.service' },
];

/** Units a container must not run (consoles, binfmt, udev, time sync), masked. */
export const MASKED_UNITS = ['getty@tty1.service', 'console-getty.service', 'serial-getty@ttyS0.service', 'systemd-binfmt.service', 'systemd-udevd.service', 'systemd-timesyncd.service', 'systemd-networkd.service', 'systemd-resolved.service'];
