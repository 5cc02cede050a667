import { spawn, spawnSync } from "child_process";

export interface CommandResult {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** A word for sh, single-quoted: whatever it holds reaches the command as it is. */
export function shellWord(word: string): string {
    return `'${word.replace(/'/g, "'\\''")}'`;
}

/** Runs a command to completion; throws with its output when it fails and `check` is on. */
export function run(
    command: string,
    args: readonly string[],
    options: { check?: boolean; input?: string } = {},
): CommandResult {
    const result = spawnSync(command, args, { encoding: "utf8", input: options.input, timeout: 300_000 });
    if (result.error) {
        throw result.error;
    }
    const outcome = { status: result.status, stdout: result.stdout, stderr: result.stderr };
    if ((options.check ?? true) && result.status !== 0) {
        throw new Error(
            `${command} ${args.join(" ")} failed (${result.status}): ${result.stderr.trim() || result.stdout.trim()}`,
        );
    }
    return outcome;
}

/** Like run, without blocking the event loop: other requests of the same process go on meanwhile. */
export function runAsync(
    command: string,
    args: readonly string[],
    options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, {
            env: options.env ?? process.env,
            cwd: options.cwd,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
}

export function processAlive(pid: number | undefined): boolean {
    if (!pid || pid <= 0) {
        return false;
    }
    try {
        process.kill(pid, 0);
    } catch {
        return false;
    }
    // A zombie still answers kill(0); it is no longer running.
    const status = spawnSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" }).stdout.trim();
    return status !== "" && !status.startsWith("Z");
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
