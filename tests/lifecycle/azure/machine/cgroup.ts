import * as fs from "fs";
import * as path from "path";
import { sleep } from "./shell";

/**
 * Each VM's processes in one subtree of the pids controller: dockerd (and the containerd it starts)
 * under `daemon`, containers under their own ids (dockerd's --cgroup-parent), so that powering the
 * VM off ends everything it ran, as a real power-off does, live-restored containers included.
 */
const controllerRoot = "/sys/fs/cgroup/pids";

export function vmCgroup(namespace: string): string {
    return `/${namespace}`;
}

function directory(cgroup: string): string {
    return path.join(controllerRoot, cgroup);
}

/** The shell line that moves the shell itself into the VM's daemon cgroup before it execs. */
export function enterDaemonCgroup(namespace: string): string {
    const target = directory(path.join(vmCgroup(namespace), "daemon"));
    fs.mkdirSync(target, { recursive: true });
    return `echo $$ > '${path.join(target, "cgroup.procs")}'`;
}

function processesUnder(root: string): number[] {
    if (!fs.existsSync(root)) {
        return [];
    }
    const own = fs.readFileSync(path.join(root, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
    const children = fs
        .readdirSync(root, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .flatMap((entry) => processesUnder(path.join(root, entry.name)));
    return [...own, ...children];
}

/** SIGKILLs every process the VM still runs and removes its cgroups. */
export async function killAll(namespace: string): Promise<void> {
    const root = directory(vmCgroup(namespace));
    for (let attempt = 0; attempt < 100; attempt++) {
        const pids = processesUnder(root);
        if (pids.length === 0) {
            break;
        }
        for (const pid of pids) {
            try {
                process.kill(pid, "SIGKILL");
            } catch {
                // Gone already.
            }
        }
        await sleep(100);
    }
    removeTree(root);
}

export function running(namespace: string): number[] {
    return processesUnder(directory(vmCgroup(namespace)));
}

function removeTree(root: string): void {
    if (!fs.existsSync(root)) {
        return;
    }
    for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
        if (entry.isDirectory()) {
            removeTree(path.join(root, entry.name));
        }
    }
    try {
        fs.rmdirSync(root);
    } catch {
        // A process that has just died may still be accounted for; the next power-off retries.
    }
}
