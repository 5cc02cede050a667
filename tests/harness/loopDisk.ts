import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runTool, ToolResult } from "./tools";

/** How the VM's kernel shows the data disk: which of Azure's names lead to it. */
export type DiskPresentation =
    | "scsi-agent-rules" // /dev/disk/azure/scsi1/lun0 (the Azure agent's udev rules)
    | "azure-vm-utils" // /dev/disk/azure/data/by-lun/0 (SCSI or NVMe)
    | "nvme-sysfs-only" // an NVMe-only size without azure-vm-utils: only sysfs tells the namespaces apart
    | "absent"; // no data disk at all

/**
 * A scratch block device (a sparse file on a loop device) that stands in for the VM's data disk.
 * Scripts run against it inside a private mount namespace whose /dev holds only the basic nodes
 * and the names Azure's udev rules (or sysfs) would give the disk, so nothing touches the machine's
 * own devices or names.
 */
export class LoopDisk {
    /** Loop devices standing in for the disk's partitions, as the kernel would name them. */
    private readonly partitions: { device: string; name: string }[] = [];

    private constructor(
        readonly work: string,
        readonly device: string,
    ) {}

    static create(sizeMb = 64): LoopDisk {
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "adh-disk-"));
        const image = path.join(work, "disk.img");
        fs.writeFileSync(image, "");
        fs.truncateSync(image, sizeMb * 1024 * 1024);
        const attached = runTool("losetup", ["--find", "--show", "--partscan", image]);
        if (attached.status !== 0) {
            fs.rmSync(work, { recursive: true, force: true });
            throw new Error(`losetup failed: ${attached.stderr}`);
        }
        return new LoopDisk(work, attached.stdout.trim());
    }

    /** An existing disk image (a snapshot, say) on a loop device; the image stays when disposed. */
    static fromImage(image: string): LoopDisk {
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "adh-disk-"));
        const attached = runTool("losetup", ["--find", "--show", image]);
        if (attached.status !== 0) {
            fs.rmSync(work, { recursive: true, force: true });
            throw new Error(`losetup failed: ${attached.stderr}`);
        }
        return new LoopDisk(work, attached.stdout.trim());
    }

    /** Runs a shell command on the machine against the disk (to prepare it), `$1` being the device. */
    prepare(command: string, device = this.device): ToolResult {
        return runTool("sh", ["-c", command, "sh", device]);
    }

    /**
     * Gives partition `number` of the disk's partition table a device of its own, named as the
     * kernel names partitions (`loop0p1`). This machine's kernel does not scan loop partitions, so a
     * second loop device over the partition's extent stands in for it.
     */
    partition(number: number): string {
        const table = JSON.parse(runTool("sfdisk", ["--json", this.device]).stdout) as {
            partitiontable: { sectorsize?: number; partitions: { start: number; size: number }[] };
        };
        const sector = table.partitiontable.sectorsize ?? 512;
        const extent = table.partitiontable.partitions[number - 1];
        if (!extent) {
            throw new Error(`${this.device} has no partition ${number}`);
        }
        const attached = runTool("losetup", [
            "--find",
            "--show",
            `--offset=${extent.start * sector}`,
            `--sizelimit=${extent.size * sector}`,
            path.join(this.work, "disk.img"),
        ]);
        if (attached.status !== 0) {
            throw new Error(`losetup failed: ${attached.stderr}`);
        }
        const device = attached.stdout.trim();
        this.partitions.push({ device, name: `${path.basename(this.device)}p${number}` });
        return device;
    }

    /** A superblock value blkid reads off the device or one of its partitions. */
    probe(tag: "LABEL" | "UUID" | "TYPE" | "PTTYPE", device = this.device): string {
        return runTool("blkid", ["-p", "-s", tag, "-o", "value", device]).stdout.trim();
    }

    /** Runs `script` as root where the disk is presented as `presentation`, as cloud-init's bootcmd would. */
    runPresented(presentation: DiskPresentation, script: string): ToolResult {
        return runWithDiskPresented(
            this.work,
            this.device,
            presentation,
            script,
            this.partitions.map((partition) => ({ device: partition.device, name: partition.name })),
        );
    }

    dispose(): void {
        for (const partition of this.partitions) {
            runTool("losetup", ["--detach", partition.device]);
        }
        runTool("losetup", ["--detach", this.device]);
        fs.rmSync(this.work, { recursive: true, force: true });
    }
}

/**
 * Runs `script` as root in a private mount namespace whose /dev presents `device` (and its
 * partitions, by their kernel names) as a VM of `presentation` shows its data disk; `work` is a
 * folder of the caller's for the script file and the real /dev's bind.
 */
export function runWithDiskPresented(
    work: string,
    device: string,
    presentation: DiskPresentation,
    script: string,
    partitions: readonly { readonly device: string; readonly name: string }[] = [],
): ToolResult {
    const scriptFile = path.join(work, "script.sh");
    fs.writeFileSync(scriptFile, script, { mode: 0o700 });
    return runTool("unshare", [
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        privateDevices,
        "private-devices",
        work,
        device,
        presentation,
        scriptFile,
        ...partitions.flatMap((partition) => [path.basename(partition.device), partition.name]),
    ]);
}

/**
 * Inside the mount namespace: keeps the real /dev reachable under the work folder, covers /dev with
 * a tmpfs holding the basic nodes, the disk and its partitions by their kernel names, the
 * /dev/disk/by-label links udev would make for them, and the names the presentation gives the
 * disk; for an NVMe presentation, also a /sys/block with the remote controller's namespaces (OS
 * disk nsid 1, data disk nsid 2) and a local NVMe disk as a decoy. libblkid's cache starts empty,
 * as it does on every boot (/run is a tmpfs).
 */
const privateDevices = `set -eu
work=$1 device=$2 presentation=$3 script=$4
shift 4
name=\${device##*/}
mkdir -p "$work/real-dev"
mount --rbind /dev "$work/real-dev"
mount -t tmpfs tmpfs /dev
bind_node() {
  touch "/dev/$2"
  mount --bind "$work/real-dev/$1" "/dev/$2"
  label=$(blkid -p -s LABEL -o value "/dev/$2" 2>/dev/null || true)
  if [ -n "$label" ]; then
    mkdir -p /dev/disk/by-label
    ln -sf "../../$2" "/dev/disk/by-label/$label"
  fi
}
for node in null zero full random urandom; do bind_node "$node" "$node"; done
bind_node "$name" "$name"
while [ "$#" -ge 2 ]; do bind_node "$1" "$2"; shift 2; done
BLKID_FILE=$(mktemp)
export BLKID_FILE
case "$presentation" in
  scsi-agent-rules)
    mkdir -p /dev/disk/azure/scsi1
    ln -s "../../../$name" /dev/disk/azure/scsi1/lun0 ;;
  azure-vm-utils)
    mkdir -p /dev/disk/azure/data/by-lun
    ln -s "../../../../$name" /dev/disk/azure/data/by-lun/0 ;;
  nvme-sysfs-only)
    bind_node "$name" nvme0n2
    bind_node null nvme0n1
    bind_node null nvme1n2
    mount -t tmpfs tmpfs /sys/block
    namespace() {
      mkdir -p "/sys/block/$1/device"
      echo "$2" > "/sys/block/$1/nsid"
      printf '%-40s\\n' "$3" > "/sys/block/$1/device/model"
    }
    namespace nvme0n1 1 "MSFT NVMe Accelerator v1.0"
    namespace nvme0n2 2 "MSFT NVMe Accelerator v1.0"
    namespace nvme1n2 2 "Microsoft NVMe Direct Disk v2" ;;
  absent) ;;
esac
exec sh "$script"
`;
