import * as path from "path";
import { CommandOutcome, LifecycleStack, runCommand } from "./stack";
import { projectRoot } from "./toolchain";

const tool = path.join(projectRoot, "bin", "azure-docker-host.js");

/**
 * What an operator does beside `pulumi`: the project's own tool (`azure-docker-host env`, `status`,
 * `ls`), then the docker CLI with the variables `env` printed, as `eval "$(azure-docker-host env)"`
 * leaves them in a shell.
 */
export class Operator {
    private dockerEnvironment: NodeJS.ProcessEnv | undefined;

    constructor(
        private readonly stack: LifecycleStack,
        /** Where the tool finds Resource Manager (the stand-in) and its login. */
        private readonly azureEnv: NodeJS.ProcessEnv,
    ) {}

    private get env(): NodeJS.ProcessEnv {
        return {
            ...this.stack.environment,
            ...this.azureEnv,
            DOCKER_CONFIG: path.join(path.dirname(this.stack.directory), "docker"),
        };
    }

    tool(args: readonly string[]): Promise<CommandOutcome> {
        return runCommand(process.execPath, [tool, ...args], this.stack.directory, this.env);
    }

    /** `eval "$(azure-docker-host env --stack <stack> --shell bash)"`: the variables it prints. */
    async loadDockerEnv(): Promise<NodeJS.ProcessEnv> {
        const outcome = await this.tool(["env", "--stack", this.stack.name, "--shell", "bash", "--no-context"]);
        if (outcome.status !== 0) {
            throw new Error(`azure-docker-host env exited ${outcome.status}: ${outcome.stderr}`);
        }
        const variables = Object.fromEntries(
            [...outcome.stdout.matchAll(/^export (DOCKER_[A-Z_]+)=(?:'([^']*)'|"([^"]*)"|(\S*))$/gm)].map((match) => [
                match[1]!,
                match[2] ?? match[3] ?? match[4] ?? "",
            ]),
        );
        if (!variables.DOCKER_HOST) {
            throw new Error(`azure-docker-host env printed no DOCKER_HOST:\n${outcome.stdout}`);
        }
        this.dockerEnvironment = { ...this.env, ...variables };
        return variables;
    }

    /** The docker CLI against the stack's host, over mutual TLS. */
    async docker(args: readonly string[], input?: string): Promise<CommandOutcome> {
        const env = this.dockerEnvironment ?? { ...this.env, ...(await this.loadDockerEnv()) };
        return runCommand("docker", args, this.stack.directory, env, input === undefined ? {} : { input });
    }

    async mustDocker(args: readonly string[], input?: string): Promise<string> {
        const outcome = await this.docker(args, input);
        if (outcome.status !== 0) {
            throw new Error(`docker ${args.join(" ")} exited ${outcome.status}: ${outcome.stderr}${outcome.stdout}`);
        }
        return outcome.stdout;
    }

    /** Containers by name with their health, as `docker ps` shows them. */
    async containers(): Promise<Record<string, string>> {
        const lines = await this.mustDocker(["ps", "--all", "--format", "{{.Names}}\t{{.Status}}"]);
        return Object.fromEntries(
            lines
                .trim()
                .split("\n")
                .filter(Boolean)
                .map((line) => line.split("\t") as [string, string]),
        );
    }

    /**
     * Watches redis and mongodb from now on, once a second, on the host VM whose socket
     * `hostSocket` names (it may change: a replaced VM); `stop` tells the longest stretch in which
     * either was not healthy (or Docker did not answer), in seconds.
     */
    watchHealth(hostSocket: () => string | undefined): { stop(): Promise<number> } {
        let running = true;
        let longest = 0;
        let downSince: number | undefined;
        const loop = (async () => {
            while (running) {
                // As root on the VM, through its own socket: certificates may change under the watch.
                const socket = hostSocket();
                const outcome = socket
                    ? await runCommand(
                          "docker",
                          ["-H", `unix://${socket}`, "ps", "--format", "{{.Names}}\t{{.Status}}"],
                          this.stack.directory,
                          {
                              PATH: process.env.PATH,
                          },
                      ).catch(() => undefined)
                    : undefined;
                const healthy =
                    outcome?.status === 0 &&
                    ["redis", "mongodb"].every((name) =>
                        new RegExp(`^${name}\t.*\\(healthy\\)`, "m").test(outcome.stdout),
                    );
                const now = Date.now();
                if (!healthy && downSince === undefined) {
                    downSince = now;
                } else if (healthy && downSince !== undefined) {
                    longest = Math.max(longest, (now - downSince) / 1000);
                    downSince = undefined;
                }
                await new Promise((resolve) => setTimeout(resolve, 1000));
            }
        })();
        return {
            async stop() {
                running = false;
                await loop;
                if (downSince !== undefined) {
                    longest = Math.max(longest, (Date.now() - downSince) / 1000);
                }
                return longest;
            },
        };
    }

    /** Waits until redis and mongodb are both running and healthy (after a restart, say). */
    async waitHealthy(timeoutMs = 180_000): Promise<Record<string, string>> {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const outcome = await this.docker(["ps", "--all", "--format", "{{.Names}}\t{{.Status}}"]);
            const states =
                outcome.status === 0
                    ? Object.fromEntries(
                          outcome.stdout
                              .trim()
                              .split("\n")
                              .filter(Boolean)
                              .map((line) => line.split("\t") as [string, string]),
                      )
                    : {};
            if (["redis", "mongodb"].every((name) => /\(healthy\)/.test(states[name] ?? ""))) {
                return states;
            }
            if (Date.now() > deadline) {
                // What the unhealthy ones said last, so a failure explains itself.
                const logs: string[] = [];
                for (const name of ["redis", "mongodb"].filter(
                    (service) => !/\(healthy\)/.test(states[service] ?? ""),
                )) {
                    const tail = await this.docker(["logs", "--tail", "20", name]);
                    logs.push(`${name}'s last log lines:\n${tail.stdout}${tail.stderr}`);
                }
                throw new Error(
                    `redis and mongodb are not healthy: ${JSON.stringify(states)} ${outcome.stderr}\n${logs.join("\n")}`,
                );
            }
            await new Promise((resolve) => setTimeout(resolve, 2000));
        }
    }
}

/**
 * Data written before a transition and looked for after it: a key in redis (through redis-cli in
 * its container, authenticated with the stack's own connection string) and a file in mongodb's
 * data volume, both on the data disk. Every marker ever written must still be there.
 */
export class DataMarkers {
    private readonly written: string[] = [];

    constructor(
        private readonly operator: Operator,
        private readonly stack: LifecycleStack,
    ) {}

    private async redisPassword(): Promise<string> {
        const outputs = await this.stack.outputs();
        const match = /^redis:\/\/:([^@]+)@/.exec(String(outputs.redisConnectionString));
        if (!match) {
            throw new Error("the stack has no redisConnectionString output");
        }
        return match[1]!;
    }

    async write(label: string): Promise<void> {
        const marker = `${label}-${Date.now()}`;
        const password = await this.redisPassword();
        const set = await this.operator.mustDocker([
            "exec",
            "-e",
            `REDISCLI_AUTH=${password}`,
            "redis",
            "redis-cli",
            "SET",
            `marker:${marker}`,
            marker,
        ]);
        if (set.trim() !== "OK") {
            throw new Error(`redis refused the marker: ${set}`);
        }
        // appendfsync everysec: give the append-only file its second before anything is cut off.
        await this.operator.mustDocker([
            "exec",
            "-e",
            `REDISCLI_AUTH=${password}`,
            "redis",
            "redis-cli",
            "BGREWRITEAOF",
        ]);
        // Synced, as mongod's journal is: a snapshot of the disk must find what was acknowledged.
        await this.operator.mustDocker([
            "exec",
            "mongodb",
            "sh",
            "-c",
            `echo ${marker} > /data/db/marker-${marker} && sync`,
        ]);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        this.written.push(marker);
    }

    /** A point in the markers' history, to which a restore goes back. */
    checkpoint(): number {
        return this.written.length;
    }

    /** The markers written after `checkpoint` are gone on purpose (a restore from before them). */
    rollBackTo(checkpoint: number): string[] {
        return this.written.splice(checkpoint);
    }

    /** Every marker written so far, or the ones missing. */
    async missing(): Promise<string[]> {
        const password = await this.redisPassword();
        const lost: string[] = [];
        for (const marker of this.written) {
            const value = await this.operator.mustDocker([
                "exec",
                "-e",
                `REDISCLI_AUTH=${password}`,
                "redis",
                "redis-cli",
                "GET",
                `marker:${marker}`,
            ]);
            if (value.trim() !== marker) {
                lost.push(`redis marker:${marker}`);
            }
            const file = await this.operator.docker(["exec", "mongodb", "cat", `/data/db/marker-${marker}`]);
            if (file.stdout.trim() !== marker) {
                lost.push(`mongodb /data/db/marker-${marker}`);
            }
        }
        return lost;
    }
}
