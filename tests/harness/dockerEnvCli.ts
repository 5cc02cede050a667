import { spawn, spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { ToolResult } from "./tools";

/** The tool's bin entry, as npm links it. */
export const toolEntry = path.resolve(__dirname, "..", "..", "bin", "azure-docker-host.js");

/**
 * Runs `azure-docker-host <args>` the way npx would (the bin entry), with a controlled environment,
 * from `cwd`: outside the repository by default, as a user calls it from their own project.
 */
export function toolCli(
    args: readonly string[],
    env: NodeJS.ProcessEnv,
    options: { readonly cwd?: string; readonly input?: string } = {},
): ToolResult {
    const result = spawnSync(process.execPath, [toolEntry, ...args], {
        encoding: "utf8",
        env,
        cwd: options.cwd ?? os.tmpdir(),
        timeout: 120_000,
        ...(options.input === undefined ? {} : { input: options.input }),
    });
    if (result.error) {
        throw result.error;
    }
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `azure-docker-host env <args>`. */
export function dockerEnvCli(args: readonly string[], env: NodeJS.ProcessEnv): ToolResult {
    return toolCli(["env", ...args], env);
}

/**
 * `azure-docker-host <args>` without blocking this process: what a test needs when the tool calls
 * back into something this process serves (the Resource Manager stand-in).
 */
export function toolCliAsync(
    args: readonly string[],
    env: NodeJS.ProcessEnv,
    options: { readonly cwd?: string } = {},
): Promise<ToolResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [toolEntry, ...args], {
            env,
            cwd: options.cwd ?? os.tmpdir(),
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
        const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
        child.on("error", reject);
        child.on("close", (status) => {
            clearTimeout(timer);
            resolve({ status, stdout, stderr });
        });
    });
}
