import { spawn } from "child_process";

/** A child process that ran to completion. */
export interface Finished {
    /** Wall time from just before the spawn until the process closed its output, in milliseconds. */
    readonly wallMs: number;
    readonly stdout: string;
}

/**
 * Runs one command to completion, never in parallel with another, so that the two cores stay free for
 * the process being timed. Rejects with the command's output when it fails: a failed run is no sample.
 * `env` replaces the inherited environment when given.
 */
export function runChild(
    command: string,
    args: readonly string[],
    cwd: string,
    env: NodeJS.ProcessEnv = process.env,
): Promise<Finished> {
    return new Promise((resolve, reject) => {
        const started = performance.now();
        const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (code, signal) => {
            const wallMs = performance.now() - started;
            if (code === 0) {
                resolve({ wallMs, stdout });
                return;
            }
            // tsc reports type errors on stdout, Node on stderr: show the tail of both.
            const output = `${stdout}${stderr}`.trim().split("\n").slice(-40).join("\n");
            const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
            reject(new Error(`${[command, ...args].join(" ")} failed with ${how}:\n${output}`));
        });
    });
}

export function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    if (sorted.length === 0) {
        throw new Error("median of no values");
    }
    return sorted.length % 2 === 1
        ? (sorted[middle] as number)
        : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
