import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ToolResult } from "./tools";

/**
 * A network namespace of its own, held open by a sleeping process: its loopback, ports and
 * iptables rules are invisible to the rest of the machine. Rehearsal daemons run in it, and so do
 * the clients that talk to them over TCP, by joining it with nsenter.
 */
export class PrivateNetwork {
    private constructor(
        private readonly holder: ChildProcess,
        readonly pid: number,
        private readonly ownHostname: boolean,
    ) {}

    /** With `hostname`, the namespace has a host name of its own too (a UTS namespace), as a VM has. */
    static async create(hostname?: string): Promise<PrivateNetwork> {
        const uts = hostname === undefined ? [] : ["--uts"];
        const naming = hostname === undefined ? "" : `hostname '${hostname}' && `;
        const holder = spawn(
            "unshare",
            [
                "--net",
                ...uts,
                "--fork",
                "--kill-child",
                "sh",
                "-c",
                `${naming}ip link set lo up && echo ready && exec sleep 86400`,
            ],
            {
                stdio: ["ignore", "pipe", "pipe"],
            },
        );
        // Kept for the error message only: unshare also complains harmlessly when its child is killed.
        let stderr = "";
        holder.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
        await new Promise<void>((resolve, reject) => {
            holder.stdout?.once("data", () => resolve());
            holder.once("exit", (code) =>
                reject(new Error(`could not create a network namespace (exit ${code}): ${stderr}`)),
            );
        });
        const pid = await childPidOf(holder.pid ?? 0);
        return new PrivateNetwork(holder, pid, hostname !== undefined);
    }

    /** Argument list that runs `command` inside this namespace. */
    wrap(command: string, args: readonly string[]): [string, string[]] {
        const uts = this.ownHostname ? [`--uts=/proc/${this.pid}/ns/uts`] : [];
        return ["nsenter", [`--net=/proc/${this.pid}/ns/net`, ...uts, "--", command, ...args]];
    }

    /** Runs a command inside the namespace to completion; `input` is text, or a file to read (binary) as stdin. */
    run(
        command: string,
        args: readonly string[],
        input?: string | { readonly file: string },
        env: NodeJS.ProcessEnv = process.env,
    ): Promise<ToolResult> {
        const [wrapper, wrapped] = this.wrap(command, args);
        const stdinFile = typeof input === "object" ? fs.openSync(input.file, "r") : undefined;
        return new Promise((resolve, reject) => {
            const child = spawn(wrapper, wrapped, { env, stdio: [stdinFile ?? "pipe", "pipe", "pipe"] });
            if (stdinFile !== undefined) {
                fs.closeSync(stdinFile);
            }
            let stdout = "";
            let stderr = "";
            child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
            child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
            child.on("error", reject);
            child.on("close", (status) => resolve({ status, stdout, stderr }));
            // A command that exits without reading its input closes the pipe first (EPIPE), most
            // often on a loaded machine; its exit status says what happened, not the pipe.
            child.stdin?.on("error", () => undefined);
            child.stdin?.end(typeof input === "string" ? input : "");
        });
    }

    /** Sends one request to netnsClient.ts running inside the namespace and returns its answer. */
    async ask<T extends object = Record<string, unknown>>(request: object): Promise<ClientAnswer & T> {
        const result = await this.run(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", netnsClient],
            JSON.stringify(request),
        );
        const line = result.stdout.trim().split("\n").pop() ?? "";
        if (result.status !== 0 || !line.startsWith("{")) {
            throw new Error(`netns client failed (${result.status}): ${result.stderr}${result.stdout}`);
        }
        return JSON.parse(line) as ClientAnswer & T;
    }

    /** Ends the holder; the namespace goes with its last process. */
    async close(): Promise<void> {
        if (this.holder.exitCode === null && this.holder.signalCode === null) {
            const exited = new Promise((resolve) => this.holder.once("exit", resolve));
            // unshare --fork ignores SIGTERM while it waits; ending its child ends it.
            process.kill(this.pid, "SIGKILL");
            await exited;
        }
    }
}

export interface ClientAnswer {
    readonly ok: boolean;
    readonly error?: string;
    readonly code?: string;
}

const netnsClient = path.join(__dirname, "netnsClient.ts");

/** `unshare --fork` runs the command as its child; that child's pid names the namespace. */
async function childPidOf(parent: number): Promise<number> {
    const fs = await import("fs");
    for (let attempt = 0; attempt < 50; attempt++) {
        try {
            const children = fs.readFileSync(`/proc/${parent}/task/${parent}/children`, "utf8").trim().split(/\s+/);
            const child = Number.parseInt(children[0] ?? "", 10);
            if (child > 0) {
                return child;
            }
        } catch {
            // Not there yet.
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`unshare (pid ${parent}) started no child`);
}
