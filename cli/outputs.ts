import { createPrivateKey, X509Certificate } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { DockerEndpoint } from "../components/engine/endpoint";
import { CliError } from "./errors";
import { PulumiProject } from "./pulumi";
import { StackName } from "./stackName";

/** Where a verb reads a stack's outputs: the stack itself through Pulumi, or a file saved from it. */
export interface OutputsSource {
    readonly pulumi: PulumiProject;
    /** Absolute, resolved against the caller's working directory. */
    readonly outputsFile: string | undefined;
}

/** Reads a stack's outputs: from `--outputs-file` when given, from the stack through Pulumi otherwise. */
export async function readOutputs(source: OutputsSource, stack: StackName): Promise<Record<string, unknown>> {
    const raw = source.outputsFile ? outputsFromFile(source.outputsFile) : await source.pulumi.outputs(stack);
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        throw new CliError(`the outputs of stack ${stack.pulumi} are not a JSON object`);
    }
    if (Object.keys(raw).length === 0) {
        throw new CliError(`stack ${stack.pulumi} has no outputs yet: run \`pulumi up --stack ${stack.pulumi}\` first`);
    }
    return raw as Record<string, unknown>;
}

function outputsFromFile(file: string): unknown {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(file);
    } catch {
        throw new CliError(`--outputs-file ${file} does not exist`);
    }
    if (!stat.isFile()) {
        throw new CliError(`--outputs-file ${file} is not a file`);
    }
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
        throw new CliError(
            `--outputs-file ${file} is not JSON: save it with \`pulumi stack output --json --show-secrets > ${path.basename(file)}\``,
        );
    }
}

/** One string output, or a refusal that says which is missing and what to run. */
export function textOutput(outputs: Record<string, unknown>, key: string, stack: StackName): string {
    const value = outputs[key];
    if (typeof value !== "string" || value === "") {
        throw new CliError(
            `stack ${stack.pulumi} has no ${key} output: run \`pulumi up --stack ${stack.pulumi}\` until it completes`,
        );
    }
    if (value === "[secret]") {
        throw new CliError(`${key} is hidden: the outputs were read without --show-secrets`);
    }
    return value;
}

/** What a TLS docker client needs, checked to be what it claims. */
export interface DockerClientOutputs {
    readonly dockerHost: string;
    /** dockerHost, parsed once: what the Engine API client dials. */
    readonly endpoint: DockerEndpoint;
    readonly caCertPem: string;
    readonly clientCertPem: string;
    readonly clientKeyPem: string;
}

export function dockerClientOutputs(outputs: Record<string, unknown>, stack: StackName): DockerClientOutputs {
    const read = (key: string) => textOutput(outputs, key, stack);
    const [dockerHost, caCertPem, clientCertPem, clientKeyPem] = [
        read("dockerHost"),
        read("caCertPem"),
        read("clientCertPem"),
        read("clientKeyPem"),
    ] as [string, string, string, string];
    const [, host, port] = /^tcp:\/\/([^/\s]+):(\d+)$/.exec(dockerHost) ?? [];
    if (!host || !port) {
        throw new CliError(`dockerHost ${JSON.stringify(dockerHost)} is not a tcp://host:port address`);
    }
    const certificate = (key: string, pem: string) => {
        try {
            return new X509Certificate(pem);
        } catch {
            throw new CliError(`${key} is not a PEM certificate`);
        }
    };
    certificate("caCertPem", caCertPem);
    const client = certificate("clientCertPem", clientCertPem);
    let key;
    try {
        key = createPrivateKey(clientKeyPem);
    } catch {
        throw new CliError("clientKeyPem is not a PEM private key");
    }
    if (!client.checkPrivateKey(key)) {
        throw new CliError("clientKeyPem is not the key of clientCertPem");
    }
    return { dockerHost, endpoint: { host, port: Number(port) }, caCertPem, clientCertPem, clientKeyPem };
}

/** The stack's region, read off its host name: `<label>.<region>.cloudapp.azure.com`. */
export function regionOf(outputs: Record<string, unknown>): string | undefined {
    return /^[^.]+\.([^.]+)\.cloudapp\./.exec(String(outputs.fqdn ?? ""))?.[1];
}

/** The VM's resource id, split: what the Azure SDK's calls take. */
export interface VmReference {
    readonly subscriptionId: string;
    readonly resourceGroup: string;
    readonly name: string;
}

export function vmReference(outputs: Record<string, unknown>, stack: StackName): VmReference {
    const id = textOutput(outputs, "vmId", stack);
    const match =
        /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)$/i.exec(
            id,
        );
    const [, subscriptionId, resourceGroup, name] = match ?? [];
    if (!subscriptionId || !resourceGroup || !name) {
        throw new CliError(`vmId ${JSON.stringify(id)} is not a virtual machine's resource id`);
    }
    return { subscriptionId, resourceGroup, name };
}
