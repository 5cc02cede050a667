import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runTool } from "./tools";

/** Applets the rehearsal containers use; each is a link to the one static binary. */
const applets = [
    "sh",
    "sleep",
    "test",
    "touch",
    "seq",
    "cat",
    "echo",
    "stat",
    "grep",
    "id",
    "mkdir",
    "httpd",
    "nc",
    "printf",
    "sed",
    "ls",
    "rm",
    "kill",
    "head",
    "true",
];
/** The folders the services' images give their user (999 in the official redis and mongo images). */
const serviceUserFolders = ["data", "data/db", "data/configdb"];

/** A file an image adds to the busybox root: copied from this machine, or written. */
export interface ImageFile {
    readonly path: string;
    readonly from?: string;
    readonly content?: string;
    readonly mode?: number;
}

/**
 * A root filesystem tarball holding Debian's static busybox and the services' data folders owned
 * by their user, as the official images have them: a real image that needs no registry, for
 * `docker import`. `extra` adds files (a service's binaries and libraries, /etc/passwd).
 */
export function busyboxRootfsTar(extra: readonly ImageFile[] = []): { tar: string; dispose(): void } {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "adh-busybox-"));
    const rootfs = path.join(work, "rootfs");
    fs.mkdirSync(path.join(rootfs, "bin"), { recursive: true });
    for (const directory of ["data", "data/db", "data/configdb", "tmp", "proc", "sys", "dev", "etc"]) {
        fs.mkdirSync(path.join(rootfs, directory));
    }
    for (const directory of serviceUserFolders) {
        fs.chownSync(path.join(rootfs, directory), 999, 999);
    }
    // As in every Debian or Ubuntu image. Docker copies a tmpfs mount point's mode onto the tmpfs.
    fs.chmodSync(path.join(rootfs, "tmp"), 0o1777);
    fs.copyFileSync("/bin/busybox", path.join(rootfs, "bin", "busybox"));
    fs.chmodSync(path.join(rootfs, "bin", "busybox"), 0o755);
    for (const applet of applets) {
        fs.symlinkSync("busybox", path.join(rootfs, "bin", applet));
    }
    for (const file of extra) {
        const target = path.join(rootfs, file.path);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        if (file.from !== undefined) {
            fs.copyFileSync(fs.realpathSync(file.from), target);
        } else {
            fs.writeFileSync(target, file.content ?? "");
        }
        fs.chmodSync(target, file.mode ?? 0o644);
    }
    const tar = path.join(work, "rootfs.tar");
    const result = runTool("tar", ["-C", rootfs, "-cf", tar, "."]);
    if (result.status !== 0) {
        throw new Error(`tar failed: ${result.stderr}`);
    }
    return { tar, dispose: () => fs.rmSync(work, { recursive: true, force: true }) };
}
