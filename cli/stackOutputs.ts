import { spawnSync } from "child_process";
import * as fs from "fs";

/** The stack outputs docker-env needs, as `pulumi stack output --json --show-secrets` prints them. */
export interface DockerOutputs {
    readonly dockerHost: string;
    readonly caCertPem: string;
    readonly clientCertPem: string;
    readonly clientKeyPem: string;
}

const required: readonly (keyof DockerOutputs)[] = ["dockerHost", "caCertPem", "clientCertPem", "clientKeyPem"];

/** A refusal with a message meant for the operator, not a stack trace. */
export class DockerEnvError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "DockerEnvError";
    }
}

/** Reads the outputs through the Pulumi CLI. */
export function outputsFromPulumi(stack: string, pulumi = "pulumi"): unknown {
    const result = spawnSync(pulumi, ["stack", "output", "--json", "--show-secrets", "--stack", stack], {
        encoding: "utf8",
        maxBuffer: 16 * 1024 * 1024,
    });
    if ((result.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
        throw new DockerEnvError(
            "the Pulumi CLI (pulumi) is not on PATH. Install it (https://www.pulumi.com/docs/install/), " +
                "or pass the outputs you saved with `pulumi stack output --json --show-secrets` as --outputs-file.",
        );
    }
    if (result.status !== 0) {
        throw new DockerEnvError(
            `pulumi stack output --stack ${stack} failed: ${(result.stderr || result.stdout).trim()}`,
        );
    }
    return parseJson(result.stdout, `the output of pulumi stack output --stack ${stack}`);
}

/** Reads outputs recorded earlier with `pulumi stack output --json --show-secrets > file`. */
export function outputsFromFile(file: string): unknown {
    if (!fs.existsSync(file)) {
        throw new DockerEnvError(`--outputs-file ${file} does not exist`);
    }
    return parseJson(fs.readFileSync(file, "utf8"), file);
}

/** Checks the outputs hold what a TLS docker client needs, and says what to do when they do not. */
export function dockerOutputs(outputs: unknown, stack: string): DockerOutputs {
    const values = (typeof outputs === "object" && outputs !== null ? outputs : {}) as Record<string, unknown>;
    if (Object.keys(values).length === 0) {
        throw new DockerEnvError(`stack ${stack} has no outputs yet: run \`pulumi up --stack ${stack}\` first.`);
    }
    const missing = required.filter((key) => typeof values[key] !== "string" || values[key] === "");
    if (missing.length > 0) {
        throw new DockerEnvError(
            `stack ${stack} has no ${missing.join(", ")} output: run \`pulumi up --stack ${stack}\` until it completes.`,
        );
    }
    if (values.clientKeyPem === "[secret]") {
        throw new DockerEnvError("clientKeyPem is hidden: the outputs were read without --show-secrets.");
    }
    if (!/^tcp:\/\/[^/]+:\d+$/.test(String(values.dockerHost))) {
        throw new DockerEnvError(`dockerHost ${JSON.stringify(values.dockerHost)} is not a tcp://host:port address.`);
    }
    return {
        dockerHost: String(values.dockerHost),
        caCertPem: String(values.caCertPem),
        clientCertPem: String(values.clientCertPem),
        clientKeyPem: String(values.clientKeyPem),
    };
}

function parseJson(text: string, source: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        throw new DockerEnvError(`${source} is not JSON`);
    }
}
