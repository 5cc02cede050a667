import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runTool } from "./tools";

function must(command: string, args: readonly string[]): string {
    const result = runTool(command, args);
    if (result.status !== 0) {
        throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}`);
    }
    return result.stdout.trim();
}

/**
 * An ext4 file system on a loop device, mounted: the data disk as the VM's kernel writes it. Data a
 * program writes sits in the page cache until it is fsynced (or the flusher writes it back, after
 * 30 s by default); only then does it reach the device, which here is a file. Copying that file
 * while every writer is stopped therefore gives what a crash-consistent disk snapshot holds: what
 * reached the disk, and nothing still in memory. Mounting the copy replays ext4's journal, as the
 * restored VM's kernel would.
 */
export class MountedDisk {
    private constructor(
        readonly image: string,
        readonly device: string,
        readonly mountPoint: string,
    ) {}

    /** A new, empty disk, formatted as the host's boot script formats the data disk. */
    static create(sizeMb: number, label = "docker-data"): MountedDisk {
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "adh-block-"));
        const image = path.join(work, "disk.img");
        fs.writeFileSync(image, "");
        fs.truncateSync(image, sizeMb * 1024 * 1024);
        must("mkfs.ext4", ["-q", "-L", label, image]);
        return MountedDisk.attach(image);
    }

    /** Attaches and mounts a disk image, replaying its journal. */
    static attach(image: string): MountedDisk {
        const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), "adh-mount-"));
        const device = must("losetup", ["--find", "--show", image]);
        try {
            must("mount", ["-t", "ext4", device, mountPoint]);
        } catch (error) {
            runTool("losetup", ["--detach", device]);
            throw error;
        }
        return new MountedDisk(image, device, mountPoint);
    }

    /**
     * The device's content at this instant, as a new image: the caller has stopped every writer, so
     * nothing reaches the device while it is copied.
     */
    snapshot(): string {
        const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "adh-snapshot-")), "disk.img");
        must("cp", ["--sparse=always", this.image, copy]);
        return copy;
    }

    /** Unmounts, detaches and deletes the disk; the caller has stopped every process using it. */
    dispose(): void {
        // Recursively: a daemon on the disk may leave its own mounts under it.
        const unmount = runTool("umount", ["--recursive", this.mountPoint]);
        if (unmount.status !== 0 && isMounted(this.mountPoint)) {
            // Deleting a mounted directory would fail on EBUSY, or worse, delete the disk's files.
            throw new Error(
                `umount ${this.mountPoint} failed (${unmount.stderr.trim()}); still using it: ` +
                    `${writersOf(this.mountPoint).join(", ") || "no process"}`,
            );
        }
        runTool("losetup", ["--detach", this.device]);
        fs.rmSync(this.mountPoint, { recursive: true, force: true });
        fs.rmSync(path.dirname(this.image), { recursive: true, force: true });
    }
}

/** Whether something is mounted at `directory`, as the kernel's mount table says. */
function isMounted(directory: string): boolean {
    const resolved = fs.realpathSync(directory);
    return fs
        .readFileSync("/proc/self/mounts", "utf8")
        .split("\n")
        .some((line) => line.split(" ")[1] === resolved);
}

/** Every process holding a file open under `mountPoint`: what must stop while its disk is copied. */
export function writersOf(mountPoint: string): number[] {
    const holders: number[] = [];
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry) || Number(entry) === process.pid) {
            continue;
        }
        let descriptors: string[];
        try {
            descriptors = fs.readdirSync(`/proc/${entry}/fd`);
        } catch {
            continue; // Gone, or not ours to read.
        }
        const holds = descriptors.some((fd) => {
            try {
                return fs.readlinkSync(`/proc/${entry}/fd/${fd}`).startsWith(`${mountPoint}/`);
            } catch {
                return false;
            }
        });
        if (holds) {
            holders.push(Number(entry));
        }
    }
    return holders;
}

/**
 * Stops every process writing under the disk's mount, copies the device, and lets them go on: a
 * crash-consistent snapshot of a disk in use, as Azure takes one without asking the VM.
 */
export function snapshotInUse(disk: MountedDisk): string {
    const writers = writersOf(disk.mountPoint);
    for (const pid of writers) {
        process.kill(pid, "SIGSTOP");
    }
    try {
        return disk.snapshot();
    } finally {
        for (const pid of writers) {
            process.kill(pid, "SIGCONT");
        }
    }
}
