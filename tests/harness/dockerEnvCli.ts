import { spawnSync } from "child_process";
import * as path from "path";
import { ToolResult } from "./tools";

const entry = path.resolve(__dirname, "..", "..", "cli", "dockerEnv.ts");

/** Runs `npm run docker-env` the way npm would (same entry point), with a controlled environment. */
export function dockerEnvCli(args: readonly string[], env: NodeJS.ProcessEnv): ToolResult {
    const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", entry, ...args], {
        encoding: "utf8",
        env,
        cwd: path.resolve(__dirname, "..", ".."),
        timeout: 60_000,
    });
    if (result.error) {
        throw result.error;
    }
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
