import { dockerDataRoot } from "./daemonSettings";

/** The LUN the data disk is attached at on the VM. */
export const dataDiskLun = 0;
/** ext4 label of the data disk's file system (at most 16 characters); fstab mounts it by this label. */
export const dataDiskLabel = "docker-data";

/**
 * How the remote NVMe controller of NVMe-only sizes names itself; its namespace id is the data
 * disk's LUN plus 2 (namespace 1 is the OS disk), as azure-vm-utils' udev rules map it.
 */
export const azureRemoteNvmeModel = "MSFT NVMe Accelerator v1.0";

/**
 * A shell script, run by cloud-init's bootcmd on every boot before the mounts module, that gives
 * the data disk an ext4 file system labelled `docker-data` when, and only when, the disk is blank.
 *
 * It finds the disk without assuming one controller: `/dev/disk/azure/data/by-lun/<n>`
 * (azure-vm-utils, SCSI and NVMe), then `/dev/disk/azure/scsi1/lun<n>` (the Azure agent's udev
 * rules, SCSI only), then the remote NVMe controller's namespace `<n> + 2` through sysfs, for an
 * NVMe-only size on an image without azure-vm-utils. It never writes to a disk that holds anything:
 * a partition table or any file system other than ours is left alone and reported. A disk formatted
 * by earlier releases (GPT, partition 1 labelled docker-data) is recognised by its label. The file
 * system spans the whole disk, so growing the disk needs only resize2fs. A disk attached late gets
 * `attempts` looks two seconds apart (a minute by default) before the script gives up.
 *
 * This replaces cloud-init's disk_setup/fs_setup, whose list in user data would replace the Azure
 * datasource's default for the temporary disk (ephemeral0.1), leaving /mnt unformatted.
 */
export function dataDiskScript(lun: number = dataDiskLun, label: string = dataDiskLabel, attempts = 30): string {
    return `set -eu
lun=${lun}
label=${label}
if blkid -L "$label" >/dev/null 2>&1; then
  exit 0
fi
find_disk() {
  for link in "/dev/disk/azure/data/by-lun/$lun" "/dev/disk/azure/scsi1/lun$lun"; do
    if [ -b "$link" ]; then
      readlink -f "$link"
      return 0
    fi
  done
  for block in /sys/block/nvme*n*; do
    if [ ! -r "$block/nsid" ] || [ ! -r "$block/device/model" ]; then
      continue
    fi
    model=$(sed 's/[[:space:]]*$//' "$block/device/model")
    if [ "$model" = "${azureRemoteNvmeModel}" ] && [ "$(cat "$block/nsid")" = "$((lun + 2))" ] && [ -b "/dev/\${block##*/}" ]; then
      echo "/dev/\${block##*/}"
      return 0
    fi
  done
  return 1
}
attempt=0
until disk=$(find_disk); do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge ${attempts} ]; then
    echo "azure-docker-host: no data disk at LUN $lun (looked for /dev/disk/azure/data/by-lun/$lun, /dev/disk/azure/scsi1/lun$lun and the remote NVMe namespace $((lun + 2))); Docker stays stopped" >&2
    exit 1
  fi
  udevadm settle --timeout=5 >/dev/null 2>&1 || true
  sleep 2
done
if [ "$(blkid -p -s LABEL -o value "$disk" 2>/dev/null || true)" = "$label" ]; then
  exit 0
fi
if blkid -p "$disk" >/dev/null 2>&1; then
  echo "azure-docker-host: the data disk $disk holds a partition table or file system not labelled $label; left untouched, Docker stays stopped" >&2
  exit 0
fi
mkfs.ext4 -q -L "$label" "$disk"
udevadm settle --timeout=10 >/dev/null 2>&1 || true
echo "azure-docker-host: formatted the blank data disk $disk as ext4 labelled $label"
`;
}

/**
 * Shell lines that grow the data disk's file system to the disk's size after Azure grew the disk:
 * the file system mounted at /var/lib/docker, and only when it is labelled as ours (a machine where
 * that path is on another file system is left alone). resize2fs does nothing when there is nothing
 * to grow. The file system spans the whole disk (dataDiskScript), so no partition grows first.
 *
 * Online first, with everything running. Where the kernel refuses that (growth past what the file
 * system reserved for it, or a kernel that allows no online growth), offline: the running
 * containers stopped (live-restore would keep them, and the disk, busy), Docker stopped, the file
 * system checked and grown unmounted, mounted again from fstab, and Docker and those containers
 * started again.
 */
export function growDataDiskLines(label: string = dataDiskLabel): string[] {
    return [
        "# A data disk Azure has grown: its file system grows with it.",
        `data_disk=$(findmnt -n -o SOURCE --target ${dockerDataRoot} 2>/dev/null || true)`,
        `if [ -n "$data_disk" ] && [ "$(blkid -s LABEL -o value "$data_disk" 2>/dev/null || true)" = '${label}' ]; then`,
        '  if ! resize2fs "$data_disk" >/dev/null 2>&1; then',
        '    echo "the kernel refused to grow $data_disk online; growing it with Docker stopped" >&2',
        "    running=$(docker ps -q)",
        '    if [ -n "$running" ]; then echo "$running" | xargs docker stop >/dev/null; fi',
        "    systemctl stop docker.service docker.socket",
        `    umount ${dockerDataRoot}`,
        '    e2fsck -f -p "$data_disk" || [ "$?" -le 1 ]',
        '    resize2fs "$data_disk"',
        `    mount ${dockerDataRoot}`,
        "    systemctl start docker.service",
        '    if [ -n "$running" ]; then echo "$running" | xargs docker start >/dev/null; fi',
        "  fi",
        "fi",
    ];
}
