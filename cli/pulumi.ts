import { spawnSync } from "child_process";
import { CliError } from "./errors";
import { StackName } from "./stackName";

export interface PulumiResult {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/**
 * The Pulumi CLI, as operators run it: the tool never reimplements an engine call. Output meant for
 * the operator (`pulumi up`'s progress) streams to stderr, so stdout stays the tool's own.
 */
export class PulumiCli {
    constructor(
        private readonly command = process.env.PULUMI_CLI || "pulumi",
        /** Where the project lives: Pulumi finds Pulumi.yaml from its working directory. */
        private readonly projectDir: string,
    ) {}

    /** Runs a command to completion and returns what it printed; fails with its own words when it fails. */
    run(args: readonly string[], what = `pulumi ${args.join(" ")}`): string {
        const result = this.spawn(args, "capture");
        if (result.status !== 0) {
            throw new CliError(`${what} failed: ${(result.stderr || result.stdout).trim() || `exit ${result.status}`}`);
        }
        return result.stdout;
    }

    /** Runs a command with its output on the operator's terminal (stderr) and its input from it. */
    stream(args: readonly string[]): void {
        const result = this.spawn(args, "stream");
        if (result.status !== 0) {
            throw new CliError(`pulumi ${args.join(" ")} failed (exit ${result.status}); its output is above`);
        }
    }

    /** The stack's outputs with secrets, as `pulumi stack output --json --show-secrets` prints them. */
    outputs(stack: StackName): unknown {
        const text = this.run(
            ["stack", "output", "--json", "--show-secrets", "--stack", stack.pulumi],
            `pulumi stack output --stack ${stack.pulumi}`,
        );
        try {
            return JSON.parse(text);
        } catch {
            throw new CliError(`pulumi stack output --stack ${stack.pulumi} did not print JSON`);
        }
    }

    /** Every stack of the project in the current backend. */
    stacks(): { readonly name: string; readonly current: boolean }[] {
        const text = this.run(["stack", "ls", "--json"], "pulumi stack ls");
        try {
            const list = JSON.parse(text) as { name?: unknown; current?: unknown }[];
            return list
                .filter((entry) => typeof entry.name === "string")
                .map((entry) => ({ name: String(entry.name), current: entry.current === true }));
        } catch {
            throw new CliError("pulumi stack ls --json did not print a JSON list");
        }
    }

    configGet(stack: StackName, key: string): string | undefined {
        const result = this.spawn(["config", "get", key, "--stack", stack.pulumi], "capture");
        return result.status === 0 ? result.stdout.trim() : undefined;
    }

    configSet(stack: StackName, key: string, value: string, options: { readonly path?: boolean } = {}): void {
        this.run(["config", "set", ...(options.path ? ["--path"] : []), key, value, "--stack", stack.pulumi]);
    }

    private spawn(args: readonly string[], mode: "capture" | "stream"): PulumiResult {
        const result = spawnSync(this.command, args, {
            cwd: this.projectDir,
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
            stdio: mode === "stream" ? ["inherit", process.stderr, process.stderr] : ["ignore", "pipe", "pipe"],
        });
        if ((result.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
            throw new CliError(
                `the Pulumi CLI (${this.command}) is not on PATH: install it (https://www.pulumi.com/docs/install/)`,
            );
        }
        if (result.error) {
            throw new CliError(`${this.command} could not run: ${result.error.message}`);
        }
        return { status: result.status, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
    }
}
