/**
 * What a VM-backed machine boots: a Debian kernel (downloaded with apt, not installed on the host) and a busybox
 * initramfs that is both the installer and the "installed OS". As installer (network boot) it brings up the NIC
 * with udhcpc, reads its metadata with its install token, writes a marker to its disk, phones home and reboots.
 * Booted from the disk it reads the marker back and runs as the installed system. Built once into a cache
 * directory (not the repository), keyed by the script's hash so a change rebuilds it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOOT_TOKEN_HEADER, INSTALLER_KERNEL_ARGS } from '../../contract/boot';

/** The kernel argument telling the image it was booted from its disk (the stand-in for the disk's bootloader). */
export const DISK_BOOT_ARG = 'metalforge.boot=disk';
/** What the installer writes at the start of the disk; a disk boot without it finds no operating system. */
export const DISK_MARKER = 'metalforge-disk';

/** Modules the virtio NIC and disk need, in load order (virtio uses virtio_ring though modinfo does not say so). */
const MODULES = [
  'drivers/virtio/virtio_ring.ko',
  'drivers/virtio/virtio.ko',
  'drivers/virtio/virtio_pci_modern_dev.ko',
  'drivers/virtio/virtio_pci_legacy_dev.ko',
  'drivers/virtio/virtio_pci.ko',
  'net/core/failover.ko',
  'drivers/net/net_failover.ko',
  'drivers/net/virtio_net.ko',
  'drivers/block/virtio_blk.ko',
];

/** Debian's cloud kernel: small, with every virtio driver as a module. */
const KERNEL_METAPACKAGE = 'linux-image-cloud-amd64';

const A = INSTALLER_KERNEL_ARGS;
const INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
say() { echo "metalforge-vm: $*" > /dev/console; }
arg() { for word in $(cat /proc/cmdline); do case "$word" in "$1="*) echo "\${word#*=}" ;; esac; done; }
halt_with() { say "$*"; sleep 1; poweroff -f; }
for module in ${MODULES.map((m) => m.replace(/^.*\//, '').replace(/\.ko$/, '')).join(' ')}; do insmod /lib/modules/$module.ko; done
n=0; while [ ! -e /sys/class/net/eth0 ] || [ ! -e /dev/vda ]; do n=$((n + 1)); [ $n -gt 100 ] && halt_with "no NIC or disk appeared"; sleep 0.1; done
if grep -q "${DISK_BOOT_ARG}" /proc/cmdline; then
  marker=$(head -c 200 /dev/vda | tr -d '\\000')
  case "$marker" in
    ${DISK_MARKER}*) say "booted from disk: $marker" ;;
    *) halt_with "no operating system on the disk" ;;
  esac
  while true; do sleep 3600; done
fi
ip link set lo up
ip link set eth0 up
udhcpc -i eth0 -n -q -t 20 -T 1 -s /etc/udhcpc.script || halt_with "no DHCP answer"
token=$(arg ${A.token})
wget -q -O /tmp/metadata --header "${BOOT_TOKEN_HEADER}: $token" "$(arg ${A.metadataUrl})" || halt_with "cannot read metadata"
hostname=$(sed -n 's/.*"hostname":"\\([^"]*\\)".*/\\1/p' /tmp/metadata)
say "installing $(arg ${A.os}) for $hostname"
printf '${DISK_MARKER} os=%s hostname=%s\\n' "$(arg ${A.os})" "$hostname" | dd of=/dev/vda conv=notrunc,fsync 2>/dev/null
sync
wget -q -O /dev/null --header "${BOOT_TOKEN_HEADER}: $token" --post-data "" "$(arg ${A.phoneHomeUrl})" || halt_with "phone-home refused"
say "phoned home, rebooting into the installed system"
sleep 1
reboot -f
`;

const UDHCPC_SCRIPT = `#!/bin/sh
case "$1" in
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/$mask" dev "$interface"
    [ -n "$router" ] && ip route add default via "\${router%% *}" dev "$interface"
    ;;
esac
exit 0
`;

export interface VmImages {
  kernel: string;
  initramfs: string;
  /** The boot service's installer directory: osie/vmlinuz-x86_64 and osie/initramfs-x86_64 (BootRoutesOptions.installerDir). */
  installerDir: string;
}

export function vmCacheDir(): string {
  return process.env.METALFORGE_VM_CACHE ?? join(homedir(), '.cache', 'metalforge', 'vm');
}

/** The kernel and initramfs in the cache, downloading and building what is missing (takes ~30 s the first time). */
export function ensureVmImages(cache = vmCacheDir()): VmImages {
  mkdirSync(cache, { recursive: true });
  const kernelDir = ensureKernel(cache);
  const hash = createHash('sha256').update(INIT).update(UDHCPC_SCRIPT).digest('hex').slice(0, 12);
  const initramfs = join(cache, `initramfs-${hash}.cpio.gz`);
  if (!existsSync(initramfs)) buildInitramfs(kernelDir, initramfs);
  const kernel = join(kernelDir, 'vmlinuz');
  const installerDir = join(cache, `installers-${hash}`);
  if (!existsSync(installerDir)) {
    const staging = `${installerDir}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(join(staging, 'osie'), { recursive: true });
    copyFileSync(kernel, join(staging, 'osie', 'vmlinuz-x86_64'));
    copyFileSync(initramfs, join(staging, 'osie', 'initramfs-x86_64'));
    renameSync(staging, installerDir);
  }
  return { kernel, initramfs, installerDir };
}

function ensureKernel(cache: string): string {
  const dir = join(cache, 'kernel');
  if (existsSync(join(dir, 'vmlinuz'))) return dir;
  const depends = execFileSync('apt-cache', ['depends', '--important', KERNEL_METAPACKAGE], { encoding: 'utf8' });
  const pkg = /Depends: (linux-image-\S+)/.exec(depends)?.[1];
  if (!pkg) throw new Error(`apt-cache knows no kernel behind ${KERNEL_METAPACKAGE}; run apt-get update`);
  const work = mkdtempSync(join(tmpdir(), 'metalforge-kernel-'));
  try {
    execFileSync('apt-get', ['download', pkg], { cwd: work, stdio: 'ignore' });
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${pkg} left no .deb`);
    execFileSync('dpkg-deb', ['-x', join(work, deb), join(work, 'x')]);
    const staging = `${dir}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(join(staging, 'modules'), { recursive: true });
    const vmlinuz = readdirSync(join(work, 'x', 'boot')).find((f) => f.startsWith('vmlinuz-'))!;
    copyFileSync(join(work, 'x', 'boot', vmlinuz), join(staging, 'vmlinuz'));
    const [release] = readdirSync(join(work, 'x', 'lib', 'modules'));
    for (const module of MODULES) {
      copyFileSync(join(work, 'x', 'lib', 'modules', release, 'kernel', module), join(staging, 'modules', module.replace(/^.*\//, '')));
    }
    renameSync(staging, dir);
    return dir;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function buildInitramfs(kernelDir: string, target: string): void {
  const stage = mkdtempSync(join(tmpdir(), 'metalforge-initramfs-'));
  try {
    for (const sub of ['bin', 'dev', 'proc', 'sys', 'tmp', 'etc', 'lib/modules']) mkdirSync(join(stage, sub), { recursive: true });
    copyFileSync('/bin/busybox', join(stage, 'bin', 'busybox'));
    chmodSync(join(stage, 'bin', 'busybox'), 0o755);
    for (const module of readdirSync(join(kernelDir, 'modules')))
      copyFileSync(join(kernelDir, 'modules', module), join(stage, 'lib', 'modules', module));
    writeFileSync(join(stage, 'init'), INIT, { mode: 0o755 });
    writeFileSync(join(stage, 'etc', 'udhcpc.script'), UDHCPC_SCRIPT, { mode: 0o755 });
    // The kernel opens /dev/console before /init mounts devtmpfs.
    execFileSync('mknod', [join(stage, 'dev', 'console'), 'c', '5', '1']);
    execFileSync(
      'sh',
      ['-c', `find . | busybox cpio -o -H newc 2>/dev/null | gzip -9 > '${target}.tmp' && mv '${target}.tmp' '${target}'`],
      { cwd: stage },
    );
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
