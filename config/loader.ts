import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./errors";
import { readCertificates } from "./readers/certificates";
import { readBackup, readHost, readSwarm } from "./readers/host";
import { readNetwork } from "./readers/network";
import { readServices } from "./readers/services";
import { ConfigReader, RawConfig } from "./reader";
import { StackConfig, StackIdentity } from "./settings";

/**
 * Reads and validates the whole stack config. Throws a ConfigError that lists every bad key before
 * the program declares a single resource.
 */
export function loadStackConfig(
    raw: RawConfig = pulumiRawConfig(),
    identity: StackIdentity = { project: pulumi.getProject(), stack: pulumi.getStack() },
): StackConfig {
    const reader = new ConfigReader(raw);
    const preflight = reader.boolean("preflight");
    const config: StackConfig = {
        ...identity,
        preflight,
        // With the preflight on, Azure's own list of regions judges the location; the static one otherwise.
        network: readNetwork(reader, identity.stack, preflight),
        host: readHost(reader),
        certificates: readCertificates(reader),
        services: readServices(reader),
        swarm: readSwarm(reader),
        backup: readBackup(reader),
    };
    if (reader.problems.length > 0) {
        throw new ConfigError(identity.project, reader.problems);
    }
    return config;
}

/** Raw values from the running Pulumi stack, in this project's namespace. */
export function pulumiRawConfig(): RawConfig {
    const config = new pulumi.Config();
    return (key) => config.get(key);
}
