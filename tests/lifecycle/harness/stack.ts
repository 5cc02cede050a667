import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { projectRoot, Toolchain } from "./toolchain";

/**
 * The project's top-level files and folders that `entry` reaches through relative imports, so a
 * folder the program starts to import is copied without anyone listing it.
 */
function importedTopLevel(root: string, entry: string): string[] {
    const seen = new Set<string>();
    const reached = new Set<string>();
    const queue = [path.join(root, entry)];
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
        if (seen.has(file)) {
            continue;
        }
        seen.add(file);
        reached.add(path.relative(root, file).split(path.sep)[0]!);
        const source = fs.readFileSync(file, "utf8");
        for (const [, specifier] of source.matchAll(/(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*)["'](\.[^"']*)["']/g)) {
            const base = path.resolve(path.dirname(file), specifier!);
            const resolved = [`${base}.ts`, path.join(base, "index.ts")].find((candidate) => fs.existsSync(candidate));
            if (resolved) {
                queue.push(resolved);
            }
        }
    }
    return [...reached].sort();
}

/**
 * The program's files, copied into each lifecycle workspace as ProgramTest copies a program: the
 * project's files, the mongodb image's build context, and every source index.ts imports.
 */
const programFiles = [
    "Pulumi.yaml",
    "package.json",
    "tsconfig.json",
    "images",
    ...importedTopLevel(projectRoot, "index.ts"),
];

export interface CommandOutcome {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
    readonly seconds: number;
}

/** One step of `pulumi preview --json`: what the engine would do to one resource. */
export interface PlannedStep {
    readonly op: string;
    readonly urn: string;
    readonly diffReasons?: readonly string[];
    readonly replaceReasons?: readonly string[];
}

/** Where a stack's program comes from: a folder and the files of it to copy. */
export interface ProgramSource {
    readonly root: string;
    readonly files: readonly string[];
}

/** The project's own program. */
export const projectProgram: ProgramSource = { root: projectRoot, files: programFiles };

/**
 * One stack of the real program under the real CLI: a copy of the program in a folder of its own,
 * its own local backend and PULUMI_HOME, secrets under a passphrase, nothing downloaded. Every
 * command is the one a user types; the harness only reads what it prints.
 */
export class LifecycleStack {
    readonly directory: string;
    private readonly env: NodeJS.ProcessEnv;

    constructor(
        readonly name: string,
        toolchain: Toolchain,
        extraEnv: NodeJS.ProcessEnv,
        program: ProgramSource = projectProgram,
    ) {
        const work = fs.mkdtempSync(path.join(os.tmpdir(), `adh-lifecycle-${name}-`));
        this.directory = path.join(work, "program");
        fs.mkdirSync(this.directory);
        for (const file of program.files) {
            fs.cpSync(path.join(program.root, file), path.join(this.directory, file), { recursive: true });
        }
        fs.symlinkSync(path.join(projectRoot, "node_modules"), path.join(this.directory, "node_modules"));
        fs.mkdirSync(path.join(work, "state"));
        this.env = {
            ...process.env,
            ...extraEnv,
            PATH: [...toolchain.path, process.env.PATH ?? "", "/usr/sbin", "/sbin"].join(":"),
            // A user's own CLI finds the tls, random and docker plugins in the user's plugin cache.
            ...(toolchain.origin === "built" ? { PULUMI_HOME: path.join(work, "home") } : {}),
            PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
            PULUMI_CONFIG_PASSPHRASE: "lifecycle",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            PULUMI_STACK: name,
            NO_COLOR: "1",
        };
    }

    /** The environment a user's shell would have for this stack (for the project's own tool). */
    get environment(): NodeJS.ProcessEnv {
        return this.env;
    }

    /** Runs `pulumi <args>` to completion; `onSpawn` gets the process (to kill it mid-run). */
    pulumi(args: readonly string[], options: RunOptions = {}): Promise<CommandOutcome> {
        return runCommand("pulumi", args, this.directory, this.env, options);
    }

    /** Runs a command that must succeed, failing with everything it printed. */
    async must(args: readonly string[]): Promise<CommandOutcome> {
        const outcome = await this.pulumi(args);
        if (outcome.status !== 0) {
            throw new Error(`pulumi ${args.join(" ")} exited ${outcome.status}:\n${outcome.stdout}\n${outcome.stderr}`);
        }
        return outcome;
    }

    async init(config: Record<string, unknown>): Promise<void> {
        await this.must(["stack", "init", this.name]);
        this.writeConfig(config);
    }

    /** The stack's config file as a user edits it: `Pulumi.<stack>.yaml`, keys in the project's namespace. */
    writeConfig(config: Record<string, unknown>): void {
        const namespaced = Object.fromEntries(
            Object.entries(config).map(([key, value]) => [key.includes(":") ? key : `azure-docker-host:${key}`, value]),
        );
        const file = path.join(this.directory, `Pulumi.${this.name}.yaml`);
        const existing = fs.existsSync(file)
            ? (YAML.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>)
            : {};
        fs.writeFileSync(file, YAML.stringify({ ...existing, config: namespaced }));
    }

    /** `pulumi preview --json`: the plan's steps, each resource's operation. */
    async plan(extra: readonly string[] = []): Promise<{ steps: PlannedStep[]; outcome: CommandOutcome }> {
        const outcome = await this.pulumi(["preview", "--json", ...extra]);
        if (outcome.status !== 0) {
            throw new Error(`pulumi preview failed (${outcome.status}):\n${outcome.stdout}\n${outcome.stderr}`);
        }
        const parsed = JSON.parse(outcome.stdout) as { steps?: PlannedStep[] };
        return { steps: parsed.steps ?? [], outcome };
    }

    up(extra: readonly string[] = []): Promise<CommandOutcome> {
        return this.must(["up", "--yes", "--skip-preview", ...extra]);
    }

    async outputs(): Promise<Record<string, unknown>> {
        const outcome = await this.must(["stack", "output", "--json", "--show-secrets"]);
        return JSON.parse(outcome.stdout) as Record<string, unknown>;
    }

    /** The stack's resources as the state holds them. */
    async resources(): Promise<{ urn: string; type: string; id?: string; outputs?: Record<string, unknown> }[]> {
        const outcome = await this.must(["stack", "export", "--show-secrets"]);
        const exported = JSON.parse(outcome.stdout) as {
            deployment: { resources?: { urn: string; type: string; id?: string; outputs?: Record<string, unknown> }[] };
        };
        return exported.deployment.resources ?? [];
    }

    /** The URN of the one resource whose URN ends with `::<name>` and has `type`. */
    async urnOf(type: string, name: string): Promise<string> {
        const found = (await this.resources()).filter(
            (resource) => resource.type === type && resource.urn.endsWith(`::${name}`),
        );
        if (found.length !== 1) {
            throw new Error(`expected one ${type} named ${name} in the state, found ${found.length}`);
        }
        return found[0]!.urn;
    }

    dispose(): void {
        fs.rmSync(path.dirname(this.directory), { recursive: true, force: true });
    }
}

/** Steps grouped by operation, each as `type::name` (the URN's last two parts), for assertions that read. */
export function operations(steps: readonly PlannedStep[]): Record<string, string[]> {
    const grouped: Record<string, string[]> = {};
    for (const step of steps) {
        if (step.op === "same") {
            continue;
        }
        const short = step.urn.split("::").slice(-2).join("::").replace(/^.*\$/, "");
        (grouped[step.op] ??= []).push(short);
    }
    for (const list of Object.values(grouped)) {
        list.sort();
    }
    return grouped;
}

export interface RunOptions {
    /** Called with the process's id once it runs (to kill it mid-run). */
    readonly onSpawn?: (pid: number) => void;
    /** Called with everything it prints on stdout so far, as it prints it. */
    readonly onOutput?: (stdout: string) => void;
    readonly input?: string;
    /**
     * A session of its own, led by the command, so `killSession` can end it with everything it
     * started. Pulumi puts each plugin in a process group of its own, but they stay in its session.
     */
    readonly ownSession?: boolean;
}

export function runCommand(
    command: string,
    args: readonly string[],
    cwd: string,
    env: NodeJS.ProcessEnv,
    options: RunOptions = {},
): Promise<CommandOutcome> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, {
            cwd,
            env,
            stdio: ["pipe", "pipe", "pipe"],
            // setsid(2): the command leads a new session.
            detached: options.ownSession ?? false,
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => {
            stdout += chunk.toString("utf8");
            options.onOutput?.(stdout);
        });
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
        child.on("error", reject);
        child.on("close", (status, signal) =>
            resolve({
                status: status ?? (signal ? 128 : null),
                stdout,
                stderr,
                seconds: (Date.now() - started) / 1000,
            }),
        );
        child.stdin.end(options.input ?? "");
        if (child.pid !== undefined) {
            options.onSpawn?.(child.pid);
        }
    });
}

/**
 * SIGKILLs every process of the session `leader` started (see RunOptions.ownSession): what a
 * SIGKILL of the CLI alone leaves behind, its plugins, goes too. Returns how many it killed.
 */
export function killSession(leader: number): number {
    let killed = 0;
    for (const entry of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
        let stat: string;
        try {
            stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
        } catch {
            continue;
        }
        // pid (comm) state ppid pgrp session ...: the command's name may hold spaces and parentheses.
        const session = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[3]);
        if (session === leader) {
            try {
                process.kill(Number(entry), "SIGKILL");
                killed++;
            } catch {
                // It ended meanwhile.
            }
        }
    }
    return killed;
}
