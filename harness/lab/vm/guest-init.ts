/**
 * The guest's two scripts (pure text). Stage 1 is the initramfs `/init` (busybox): load the
 * few modules the initramfs carries, mount the host's `/` read-only over 9p with a tmpfs
 * overlay on top, bind the kernel's modules folder at /usr/lib/modules/$(uname -r), mount the
 * run's writable share at /rl-out, and `switch_root` into stage 2 (`/rl-out/stage2.sh`, so
 * pid 1 lives in the new root and kernel module auto-loading finds modprobe there).
 * Every step prints an `RL-VM key=value` marker on the console (see console-markers.ts); a
 * failure prints `RL-VM fatal=...` and powers off.
 */

/** The 9p mount tags. */
export const TAGS = { hostroot: 'hostroot', out: 'rlout' } as const;

/** Where the run's share appears in the new root. */
export const GUEST_OUT = '/rl-out';

/** Modules the initramfs loads before it can mount anything. */
export const INITRAMFS_MODULES = ['virtio_pci', '9pnet_virtio', '9p', 'overlay'];

/** Options of stage 1. */
export interface Stage1Options {
  /** Host path of the kernel's modules folder (seen at the same path through the 9p root). */
  modulesDir: string;
  /** tmpfs size for the overlay's upper layer, e.g. "1g". */
  overlaySize: string;
}

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The initramfs /init (busybox sh). */
export function stage1Init(o: Stage1Options): string {
  const p9 = 'trans=virtio,version=9p2000.L,msize=262144,cache=loose';
  return `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
say() { echo "RL-VM $*" > /dev/console; }
fatal() { say "fatal=$*"; echo o > /proc/sysrq-trigger; sleep 10; poweroff -f; }
say stage=initramfs uname=$(uname -r)
while read m; do
  [ -n "$m" ] || continue
  insmod /modules/$m 2>/dev/console || fatal "insmod $m failed"
done < /modules/order
mount -t 9p -o ${p9},ro ${TAGS.hostroot} /lower || fatal "mount the host root over 9p failed"
mount -t tmpfs -o size=${o.overlaySize} tmpfs /upper || fatal "mount tmpfs failed"
mkdir -p /upper/u /upper/w
mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w /newroot || fatal "mount the overlay failed"
mkdir -p /newroot${GUEST_OUT} /newroot/usr/lib/modules/$(uname -r)
mount -t 9p -o ${p9.replace(',cache=loose', '')} ${TAGS.out} /newroot${GUEST_OUT} || fatal "mount the run share failed"
mount --bind /newroot${shq(o.modulesDir)} /newroot/usr/lib/modules/$(uname -r) || fatal "bind the modules folder failed"
[ -x /newroot${GUEST_OUT}/stage2.sh ] || fatal "stage2.sh missing in the run share"
umount /proc /sys /dev 2>/dev/null
exec switch_root /newroot /bin/sh ${GUEST_OUT}/stage2.sh
`;
}

/** Options of stage 2. */
export interface Stage2Options {
  /** Absolute path of node (the host's, seen through the shared root). */
  node: string;
  /** Absolute path of bin/resetlab.js. */
  resetlab: string;
  /** Modules to modprobe: `required` missing is fatal; `optional` missing is reported. */
  required: string[];
  optional: string[];
  /** The host's probe time (calibrate.ts). */
  hostProbeMs: number;
  /** Extra `resetlab run` arguments every cell gets (the stopping mode: `--fixed`, `--schedule X`). */
  runArgs?: string[];
  /** The driver every cell runs on in the guest (default `--driver netns`; the kind host: `--driver kind --node-image X`). */
  cellDriverArgs?: string[];
  /** The static busybox (seen at the same path through the shared root): powers off with reboot(2). */
  busybox: string;
  /**
   * Cell files (relative to the share) in order. `autoDuration`: arms sized by the probe.
   * `floorSec`: arms run at most the longer of the probe's size and this written duration.
   */
  cells: { index: number; file: string; autoDuration: boolean; floorSec?: number }[];
  /**
   * Other resetlab commands run after the cells, each as `resetlab <args> --time-scale S`, its
   * stdout into `<outFile>` (relative to the share); reported on the console like cells
   * (`cell-start=<index>` / `cell-end=<index> exit=<code>`). With `shell` instead of `args`, that
   * script is run by sh the same way (e.g. reading a kept cluster's state for fixtures); the
   * guest's PATH includes what the prelude added (kind, kubectl).
   */
  commands?: ({ index: number; outFile: string; interrupt?: GuestInterrupt; keepStderr?: boolean } & ({ args: string[]; shell?: undefined } | { shell: string; args?: undefined }))[];
  /**
   * Shell run after the modules are loaded and before calibration (e.g. the kind host's
   * cgroups, dockerd and node image, harness/kind-image/guest.ts); its failure is fatal
   * (it should `say fatal=...` and `exit 1` itself to say why).
   */
  prelude?: string;
}

/**
 * A signal sent to a guest command once its stderr has shown `after` (an extended regular
 * expression), `delaySec` later, if it still runs: how the opt-in tests interrupt a run at a
 * chosen point (SIGINT: its own cleanup; SIGKILL: none). Such a command's stderr is also kept in
 * `<outFile>.err` on the share (and streamed to the console as the others are), as is that of a
 * command with `keepStderr`.
 */
export interface GuestInterrupt {
  after: string;
  delaySec: number;
  signal: 'INT' | 'TERM' | 'KILL';
}

/**
 * Stage 2 (`/rl-out/stage2.sh`, the host's /bin/sh, pid 1 in the overlay root): fresh
 * proc/sys/dev/run (not /tmp: see below), modprobe via the bound modules folder, calibrate, then one
 * `resetlab run --driver netns --json` per cell (report on stdout into `cells/<i>.json`,
 * progress on the console), then each of `commands` (stdout into its `outFile`), then power
 * off. Cells and commands share the `cell-start`/`cell-end` markers, so their indices must
 * not collide (the vm driver boots a guest for either, never both). Any exit path powers off.
 */
export function stage2Script(o: Stage2Options): string {
  const durationArg = (c: Stage2Options['cells'][number]): string =>
    c.autoDuration ? ' --duration "$duration"s' : c.floorSec !== undefined ? ` --duration "$(( duration > ${Math.ceil(c.floorSec)} ? duration : ${Math.ceil(c.floorSec)} ))"s` : '';
  const cells = o.cells
    .map(
      // stderr through a pipe: the guest's progress is plain lines, not a redrawn terminal line.
      (c) => `say cell-start=${c.index}
( ${shq(o.node)} ${shq(o.resetlab)} run ${GUEST_OUT}/${c.file}${(o.cellDriverArgs ?? ['--driver', 'netns']).map((a) => ` ${/^[\w./:=@-]+$/.test(a) ? a : shq(a)}`).join('')} --json --out ${GUEST_OUT}/results --time-scale "$scale"${(o.runArgs ?? []).map((a) => ` ${shq(a)}`).join('')}${durationArg(c)} 2>&1 > ${GUEST_OUT}/cells/${c.index}.json
  say cell-end=${c.index} exit=$? ) | cat`,
    )
    .join('\n');
  const commands = (o.commands ?? [])
    .map((c) => {
      const run = c.shell !== undefined ? `sh -c ${shq(c.shell)}` : `${shq(o.node)} ${shq(o.resetlab)}${c.args.map((a) => ` ${shq(a)}`).join('')} --time-scale "$scale"`;
      if (!c.interrupt && !c.keepStderr) {
        return `say cell-start=${c.index}
( ${run} 2>&1 > ${GUEST_OUT}/${c.outFile}
  say cell-end=${c.index} exit=$? ) | cat`;
      }
      // In the background, its stderr into a file that tail streams to the console; signalled once
      // the file shows the pattern (or never, if the command ends first). Node resets the SIGINT
      // disposition that sh gives background jobs, so the command's own handler runs.
      const i = c.interrupt;
      const err = `${GUEST_OUT}/${c.outFile}.err`;
      const signal = i
        ? `
  until grep -qE ${shq(i.after)} ${err} 2>/dev/null || ! kill -0 $pid 2>/dev/null; do sleep 2; done
  sleep ${Math.max(0, Math.round(i.delaySec))}
  if kill -0 $pid 2>/dev/null; then say interrupt=${c.index} signal=${i.signal}; kill -${i.signal} $pid; fi`
        : '';
      return `say cell-start=${c.index}
( ${run} > ${GUEST_OUT}/${c.outFile} 2> ${err} &
  pid=$!
  tail -n +1 -s 1 -f --pid=$pid ${err} &
  tailpid=$!${signal}
  wait $pid; rc=$?
  wait $tailpid
  say cell-end=${c.index} exit=$rc ) | cat`;
    })
    .join('\n');
  return `#!/bin/sh
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb NO_COLOR=1
say() { echo "RL-VM $*"; }
off() { sync; ${shq(o.busybox)} poweroff -f 2>/dev/null; echo o > /proc/sysrq-trigger; sleep 600; }
trap off EXIT
mount -t proc proc /proc || { say "fatal=mount /proc failed"; exit 1; }
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
# /tmp stays the overlay's (writable, in the tmpfs upper layer): a fresh tmpfs there would hide
# a project checked out under the host's /tmp (CI clones), and with it resetlab itself.
echo /sbin/modprobe > /proc/sys/kernel/modprobe
hostname rl-guest
ip link set lo up 2>/dev/null
say stage=root uname=$(uname -r) cpus=$(nproc)
# A heartbeat (a marker the host does not print): the host's hang watchdog, a console silent for
# minutes, then means the guest itself stopped, not that a command was quiet (a namespace being
# deleted, a rollout waited for). A guest's own deadlines and the host's budget bound the commands.
( while sleep 60; do say alive uptime=$(cut -d' ' -f1 /proc/uptime) load=$(cut -d' ' -f1 /proc/loadavg); done ) &
for m in ${o.required.join(' ')}; do
  modprobe $m || { say "fatal=module $m is missing or does not load in kernel $(uname -r)"; exit 1; }
done
missing=""
for m in ${o.optional.join(' ')}; do
  modprobe $m 2>/dev/null || missing="$missing,$m"
done
say modules=ok modules-missing=\${missing#,}
${o.prelude ?? ''}
out=$(${shq(o.node)} ${GUEST_OUT}/calibrate.mjs ${o.hostProbeMs.toFixed(1)})
echo "$out"
scale=$(echo "$out" | sed -n 's/.* scale=\\([0-9.]*\\).*/\\1/p')
[ -n "$scale" ] || scale=1
duration=$(echo "$out" | sed -n 's/.* duration=\\([0-9]*\\).*/\\1/p')
[ -n "$duration" ] || duration=10
mkdir -p ${GUEST_OUT}/cells ${GUEST_OUT}/results
${cells}
${commands}
say done
`;
}
