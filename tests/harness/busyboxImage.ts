import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runTool } from "./tools";

/** Applets the rehearsal containers use; each is a link to the one static binary. */
const applets = ["sh", "sleep", "test", "touch", "seq", "cat", "echo"];

/**
 * A root filesystem tarball holding Debian's static busybox and nothing else: a real image that
 * needs no registry, for `docker import`.
 */
export function busyboxRootfsTar(): { tar: string; dispose(): void } {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "adh-busybox-"));
    const rootfs = path.join(work, "rootfs");
    fs.mkdirSync(path.join(rootfs, "bin"), { recursive: true });
    for (const directory of ["data", "tmp", "proc", "sys", "dev", "etc"]) {
        fs.mkdirSync(path.join(rootfs, directory));
    }
    fs.copyFileSync("/bin/busybox", path.join(rootfs, "bin", "busybox"));
    fs.chmodSync(path.join(rootfs, "bin", "busybox"), 0o755);
    for (const applet of applets) {
        fs.symlinkSync("busybox", path.join(rootfs, "bin", applet));
    }
    const tar = path.join(work, "rootfs.tar");
    const result = runTool("tar", ["-C", rootfs, "-cf", tar, "."]);
    if (result.status !== 0) {
        throw new Error(`tar failed: ${result.stderr}`);
    }
    return { tar, dispose: () => fs.rmSync(work, { recursive: true, force: true }) };
}
