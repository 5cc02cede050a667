import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ServiceSettings } from "../config";
import { hardenedContainer, publishedPorts } from "./containerHardening";
import { ContainerPidsLimit } from "./containerPidsLimit";
import { redisConfig, redisConfigPath, redisHealthCheck, redisUid } from "./redisConfig";
import { ServiceTarget } from "./serviceTarget";

export const redisPort = 6379;
export const redisPidsLimit = 128;

export interface RedisServiceArgs {
    readonly settings: ServiceSettings;
    readonly target: ServiceTarget;
}

/**
 * redis, as the original walkthrough's `docker pull redis` and `docker run`: a pinned image, a
 * password, append-only persistence on a volume of the data disk, an authenticating health check.
 */
export class RedisService extends pulumi.ComponentResource {
    /** For a client on the VM or at the near end of an SSH tunnel. */
    readonly connectionString: pulumi.Output<string>;

    constructor(name: string, args: RedisServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azure-docker-host:index:RedisService", name, {}, opts);
        const { settings, target } = args;
        const onDaemon = { parent: this, provider: target.provider };

        const password = new random.RandomPassword(
            `${name}-password`,
            { length: 32, special: false },
            { parent: this },
        );
        const image = new docker.RemoteImage(`${name}-image`, { name: settings.image, keepLocally: true }, onDaemon);
        // Removing the stack leaves the data on the (protected) data disk; deleting it is a separate act.
        const data = new docker.Volume(`${name}-data`, { name: "redis-data" }, { ...onDaemon, retainOnDelete: true });

        const container = new docker.Container(
            name,
            {
                name: "redis",
                image: image.imageId,
                command: ["redis-server", redisConfigPath],
                uploads: [
                    {
                        file: redisConfigPath,
                        content: pulumi.secret(
                            password.result.apply((secret) => redisConfig(secret, settings.memoryMb)),
                        ),
                        owner: redisUid,
                        group: redisUid,
                        permissions: "0400",
                    },
                ],
                volumes: [{ volumeName: data.name, containerPath: "/data" }],
                networksAdvanced: [{ name: target.networkName, aliases: ["redis"] }],
                ports: publishedPorts(settings.publish, redisPort),
                healthcheck: {
                    tests: ["CMD-SHELL", redisHealthCheck],
                    interval: "10s",
                    timeout: "5s",
                    retries: 5,
                    startPeriod: "10s",
                },
                wait: true,
                waitTimeout: 120,
                ...hardenedContainer(settings.memoryMb),
            },
            // The fixed container name can exist once per daemon: the old one goes first.
            { ...onDaemon, deleteBeforeReplace: true },
        );

        new ContainerPidsLimit(
            `${name}-pids`,
            { ...target.api, containerId: container.id, pidsLimit: redisPidsLimit },
            { parent: this },
        );

        const host = settings.publish === "localhost" ? `127.0.0.1:${redisPort}` : `redis:${redisPort}`;
        this.connectionString = pulumi.secret(pulumi.interpolate`redis://:${password.result}@${host}/0`);
        this.registerOutputs({ connectionString: this.connectionString });
    }
}
