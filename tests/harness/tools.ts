import { spawnSync } from "child_process";

/** Set by CI: a rehearsal that cannot run is a failure there, not a skip. */
export const rehearsalRequired = process.env.REHEARSAL_REQUIRED === "1";

/** True when `command` is on PATH. */
export function hasTool(command: string): boolean {
    return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/**
 * Skips the calling suite with one clear line when a tool is missing on a developer's machine;
 * under CI (REHEARSAL_REQUIRED=1) fails instead, because there a skip would hide a broken install.
 */
export function requireTools(context: Mocha.Context, ...commands: string[]): void {
    const missing = commands.filter((command) => !hasTool(command));
    if (missing.length === 0) {
        return;
    }
    const message = `rehearsal needs ${missing.join(", ")} on PATH (Debian: apt-get install ${missing.map(debianPackage).join(" ")})`;
    if (rehearsalRequired) {
        throw new Error(message);
    }
    console.log(`      skipped: ${message}`);
    context.skip();
}

function debianPackage(command: string): string {
    const packages: Record<string, string> = {
        dockerd: "docker.io",
        docker: "docker.io",
        busybox: "busybox-static",
        "redis-server": "redis-server",
        "redis-cli": "redis-tools",
        "cloud-init": "cloud-init",
        shellcheck: "shellcheck",
        sfdisk: "fdisk",
        "mkfs.ext4": "e2fsprogs",
        losetup: "mount",
        blkid: "util-linux",
    };
    return packages[command] ?? command;
}

export interface ToolResult {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs a tool to completion, feeding it `input` on stdin. */
export function runTool(
    command: string,
    args: readonly string[],
    input?: string,
    env: NodeJS.ProcessEnv = process.env,
): ToolResult {
    const result = spawnSync(command, args, { input, encoding: "utf8", timeout: 120_000, env });
    if (result.error) {
        throw result.error;
    }
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** dockerd and network namespaces need root; say so instead of failing obscurely. */
export function requireRoot(context: Mocha.Context): void {
    if (process.getuid?.() === 0) {
        return;
    }
    const message = "rehearsal needs root (dockerd and network namespaces)";
    if (rehearsalRequired) {
        throw new Error(message);
    }
    console.log(`      skipped: ${message}`);
    context.skip();
}

/** setpriv's flags that run a command as a container's user, with no capabilities and none to gain. */
export function setprivAsContainerUser(uid: number, gid: number): string[] {
    return [
        `--reuid=${uid}`,
        `--regid=${gid}`,
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
    ];
}
