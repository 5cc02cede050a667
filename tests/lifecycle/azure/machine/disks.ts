import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DiskPresentation, runWithDiskPresented } from "../../../harness/loopDisk";
import { run, shellWord } from "./shell";

/** A managed disk attached to a running VM: the loop device its image is on, at its LUN. */
export interface AttachedDisk {
    readonly lun: number;
    readonly image: string;
    readonly device: string;
}

/** How the VM's kernel shows its data disks: SCSI sizes with the agent's udev rules, or remote NVMe. */
export type DiskController = "SCSI" | "NVMe";

export function presentationOf(controller: DiskController): DiskPresentation {
    return controller === "NVMe" ? "nvme-sysfs-only" : "scsi-agent-rules";
}

export function attachImage(image: string, lun: number): AttachedDisk {
    const device = run("losetup", ["--find", "--show", image]).stdout.trim();
    return { lun, image, device };
}

/** Copies a disk image keeping its holes: a 64 GiB disk holds what was written, not 64 GiB. */
export function copyImage(source: string, target: string): void {
    run("cp", ["--sparse=always", source, target]);
}

export function detach(disk: AttachedDisk): void {
    run("losetup", ["--detach", disk.device], { check: false });
}

/** After Azure grows a disk, the guest's kernel sees the new size (a loop device must be told). */
export function refreshCapacity(disk: AttachedDisk): void {
    run("losetup", ["--set-capacity", disk.device]);
}

/**
 * Runs one cloud-init bootcmd entry as root where the VM's first data disk is presented as its
 * controller shows it: an entry in list form is executed as it stands, a string through `sh -c`,
 * as cloud-init's bootcmd module does.
 */
export function runBootCommand(
    entry: string | readonly string[],
    disk: AttachedDisk | undefined,
    controller: DiskController,
) {
    const script = typeof entry === "string" ? entry : `exec ${entry.map(shellWord).join(" ")}`;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "adh-bootcmd-"));
    try {
        if (disk === undefined) {
            return run("sh", ["-c", script], { check: false });
        }
        return runWithDiskPresented(work, disk.device, presentationOf(controller), script);
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

/** The device among the attached ones whose file system carries `label`, as `LABEL=` in fstab finds it. */
export function deviceWithLabel(disks: readonly AttachedDisk[], label: string): string | undefined {
    return disks.find(
        (disk) =>
            run("blkid", ["-p", "-s", "LABEL", "-o", "value", disk.device], { check: false }).stdout.trim() === label,
    )?.device;
}

/** Size of the file system on a device and what it has free, as `df` reports them (1K blocks). */
export function fileSystemSize(mountPoint: string): { sizeKb: number; availableKb: number } {
    const line = run("df", ["-k", "--output=size,avail", mountPoint]).stdout.trim().split("\n").pop() ?? "";
    const [size = "0", available = "0"] = line.trim().split(/\s+/);
    return { sizeKb: Number(size), availableKb: Number(available) };
}

/** Unmounts everything at or below `root`, deepest first (a daemon's overlay mounts, then the disk). */
export function unmountUnder(root: string): void {
    const resolved = path.resolve(root);
    const mounts = fs
        .readFileSync("/proc/self/mountinfo", "utf8")
        .split("\n")
        .map((line) => line.split(" ")[4] ?? "")
        .filter((mountPoint) => mountPoint === resolved || mountPoint.startsWith(`${resolved}/`))
        .sort((a, b) => b.length - a.length);
    for (const mountPoint of mounts) {
        if (run("umount", [mountPoint], { check: false }).status !== 0) {
            run("umount", ["-l", mountPoint], { check: false });
        }
    }
}
