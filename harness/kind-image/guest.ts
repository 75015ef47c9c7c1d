/**
 * What a guest runs before kind can (pure shell text for stage 2's prelude, see
 * harness/lab/vm/guest-init.ts): cgroup v1 hierarchies (kind 0.33 waits 30 s for a node to
 * print "detected cgroup v1" or systemd's "Reached target ... Multi-User System"; on v1 the
 * node's entrypoint prints the first at once, which is what makes kind usable under TCG),
 * a tmpfs for Docker's data root (overlayfs cannot use 9p as an upper layer), the guest's own
 * dockerd (Debian's, from the host's read-only root: it never runs on the host), and the node
 * image imported from the cache (`docker import`, harness/kind-image/build.ts). Progress goes
 * to the console as `RL-VM kind-...` markers, each with its seconds since the prelude began;
 * dockerd's log goes to the run share.
 */
import { dockerImportArgv, nodeImageDockerfile } from './build.js';

/** Inputs of the prelude. */
export interface KindGuestOptions {
  /** The node image tarball (host path, seen through the shared root). */
  nodeTar: string;
  /** The name it is imported as. */
  nodeImage: string;
  /** Folders put first on PATH: kind's and kubectl's. */
  pathDirs: string[];
  /** tmpfs size for Docker's data root, e.g. "10g". */
  dockerSize: string;
  /** The run share in the guest (e.g. /rl-out): dockerd.log goes there. */
  share: string;
}

/** v1 controllers mounted (one hierarchy each, as Debian's systemd mounted them before v2). */
export const CGROUP_V1_CONTROLLERS = ['cpuset', 'cpu,cpuacct', 'blkio', 'memory', 'devices', 'freezer', 'net_cls,net_prio', 'perf_event', 'hugetlb', 'pids'];

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A background watcher, every 60 s. Always one cheap guest line: the load average and,
 * when a control-plane node exists, how its API server answers `/readyz` (HTTP code and
 * seconds, from the guest over the kind network). While `kind` itself runs, or while an API
 * server does not answer 200, the five busiest processes over 5 s. While `kind` runs
 * (kubeadm's minutes, when kind prints nothing) also one line per kind node saying where it
 * is (kubelet's state, the static pods kubeadm wrote, images imported, running containers,
 * kubelet's last log line). Once kind is done the per-node `docker exec`s stop, so they do
 * not load the scenarios being measured. This is the live progress, and the evidence when a
 * control plane starves under TCG.
 */
const KIND_WATCH = `(
  while sleep 60; do
    rz=
    for cp in $(docker ps --filter label=io.x-k8s.kind.role=control-plane --format '{{.Names}}' 2>/dev/null); do
      ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$cp" 2>/dev/null)
      rz="$rz readyz=$(curl -sk -m 30 -o /dev/null -w '%{http_code}/%{time_total}s' "https://$ip:6443/readyz" 2>/dev/null)"
    done
    echo "kind-watch t=$(kt)s guest load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,)$rz"
    kr=0; pgrep -x kind >/dev/null && kr=1
    slow=0; for x in $rz; do case $x in readyz=200/*) ;; *) slow=1 ;; esac; done
    if [ $kr = 1 ] || [ $slow = 1 ]; then
      top5=$(top -b -n2 -d 5 -w 200 -o %CPU 2>/dev/null | awk '/^top -/{f++} f==2 && /^ *[0-9]+ /{if (++k<=5) printf "%s:%s%%,", $12, $9}')
      echo "kind-watch t=$(kt)s guest top=$top5"
    fi
    [ $kr = 1 ] || continue
    for n in $(docker ps --filter label=io.x-k8s.kind.cluster --format '{{.Names}}' 2>/dev/null); do
      s=$(docker exec "$n" sh -c 'echo "kubelet=$(systemctl is-active kubelet) manifests=$(ls /etc/kubernetes/manifests 2>/dev/null | sed "s/.yaml//" | tr "\\n" "," ) images=$(ctr -n k8s.io images ls -q 2>/dev/null | grep -vc "^sha256:") running=$(ctr -n k8s.io tasks ls 2>/dev/null | grep -c RUNNING) last=$(journalctl -u kubelet -n 1 -o cat --no-pager 2>/dev/null | cut -c1-160)"' 2>/dev/null)
      echo "kind-watch t=$(kt)s $n $s"
    done
  done
) &`;

/** The prelude (see module doc). Pure. */
export function kindGuestPrelude(o: KindGuestOptions): string {
  const links = CGROUP_V1_CONTROLLERS.filter((c) => c.includes(','))
    .flatMap((c) => c.split(',').map((one) => `ln -s ${c} /sys/fs/cgroup/${one}`))
    .join('\n');
  return `kt0=$(date +%s)
kt() { echo $(( $(date +%s) - kt0 )); }
${o.pathDirs.length > 0 ? `export PATH=${o.pathDirs.map(shq).join(':')}:$PATH` : ''}
mount -t tmpfs -o mode=755 cgroup /sys/fs/cgroup || { say "fatal=mount a tmpfs on /sys/fs/cgroup failed"; exit 1; }
for c in ${CGROUP_V1_CONTROLLERS.join(' ')}; do
  mkdir -p /sys/fs/cgroup/$c
  mount -t cgroup -o $c cgroup /sys/fs/cgroup/$c || { say "fatal=mount the cgroup v1 controller $c failed"; exit 1; }
done
${links}
mkdir -p /sys/fs/cgroup/systemd
mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd || { say "fatal=mount the systemd cgroup hierarchy failed"; exit 1; }
mkdir -p /var/lib/docker
mount -t tmpfs -o size=${o.dockerSize} tmpfs /var/lib/docker || { say "fatal=mount a tmpfs for Docker failed"; exit 1; }
command -v dockerd >/dev/null || { say "fatal=dockerd is missing (install Debian's docker.io on the host: its dockerd runs only in guests)"; exit 1; }
dockerd --data-root /var/lib/docker > ${o.share}/dockerd.log 2>&1 &
i=0
until docker info >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -lt 300 ] || { say "fatal=dockerd did not answer in 300 s (see dockerd.log)"; exit 1; }
  sleep 1
done
say kind-dockerd=$(kt) docker=$(docker version -f '{{.Server.Version}}') cgroup=$(docker info -f '{{.CgroupVersion}}')
${dockerImportArgv(o.nodeTar, o.nodeImage).map(shq).join(' ')} >/dev/null || { say "fatal=docker import of the node image failed"; exit 1; }
printf ${shq(nodeImageDockerfile(o.nodeImage))} | docker build -q -t ${shq(o.nodeImage)} - >/dev/null || { say "fatal=docker build of the node image's stop signal failed"; exit 1; }
say kind-image=$(kt) kind=$(kind version | tr ' ' '_')
${KIND_WATCH}
`;
}
