import { spawnSync } from "child_process";
import * as path from "path";
import { CliError } from "./errors";

export interface ContextResult {
    readonly name: string;
    readonly action: "created" | "updated";
}

/**
 * Creates the docker context, or points an existing one at the current host and files, so
 * `docker --context <name> ...` and `docker context use <name>` work like the environment variables.
 */
export function upsertDockerContext(
    name: string,
    dockerHost: string,
    certDir: string,
    docker = "docker",
): ContextResult {
    const endpoint = [
        `host=${dockerHost}`,
        `ca=${path.join(certDir, "ca.pem")}`,
        `cert=${path.join(certDir, "cert.pem")}`,
        `key=${path.join(certDir, "key.pem")}`,
    ].join(",");
    const exists = run(docker, ["context", "inspect", name]).status === 0;
    const description = "azure-docker-host: Docker on Azure over mutual TLS";
    const args = exists
        ? ["context", "update", name, "--description", description, "--docker", endpoint]
        : ["context", "create", name, "--description", description, "--docker", endpoint];
    const result = run(docker, args);
    if (result.status !== 0) {
        throw new CliError(`docker context ${exists ? "update" : "create"} ${name} failed: ${result.stderr.trim()}`);
    }
    return { name, action: exists ? "updated" : "created" };
}

/** Removes the context, when there is one; true when it existed. */
export function removeDockerContext(name: string, docker = "docker"): boolean {
    if (run(docker, ["context", "inspect", name]).status !== 0) {
        return false;
    }
    const result = run(docker, ["context", "rm", "--force", name]);
    if (result.status !== 0) {
        throw new CliError(`docker context rm ${name} failed: ${result.stderr.trim()}`);
    }
    return true;
}

/** True when the docker CLI can be run at all. */
export function hasDockerCli(docker = "docker"): boolean {
    return (
        (spawnSync(docker, ["--version"], { stdio: "ignore" }).error as NodeJS.ErrnoException | undefined)?.code !==
        "ENOENT"
    );
}

function run(command: string, args: string[]) {
    const result = spawnSync(command, args, { encoding: "utf8" });
    return { status: result.status, stderr: result.stderr ?? "" };
}
