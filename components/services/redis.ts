import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ServiceSpec } from "./service";
import { redisConfig, redisConfigDirectory, redisConfigPath, redisHealthCheck, redisUser } from "./redisConfig";

export const redisPort = 6379;
export const redisPidsLimit = 128;

/**
 * redis, as the original walkthrough's `docker pull redis` and `docker run`: the pinned official
 * Debian-based image (its redis user is 999), the password in its config file, append-only
 * persistence on a volume of the data disk, and a health check that authenticates.
 */
export const redisService: ServiceSpec = {
    type: "azure-docker-host:index:RedisService",
    image: (name, args, opts) =>
        new docker.RemoteImage(`${name}-image`, { name: args.image.reference, keepLocally: true }, opts).imageId,
    containerName: "redis",
    command: () => ["redis-server", redisConfigPath],
    user: redisUser,
    port: redisPort,
    pidsLimit: redisPidsLimit,
    healthcheck: {
        tests: ["CMD-SHELL", redisHealthCheck],
        interval: "10s",
        timeout: "5s",
        retries: 5,
        startPeriod: "10s",
    },
    waitTimeoutSeconds: 120,
    passwordSuffix: "password",
    secretFile: {
        volumeName: "redis-config",
        directory: redisConfigDirectory,
        fileName: "redis.conf",
        content: (password, args) => redisConfig(password, args.memoryMb),
    },
    volumes: [{ resourceSuffix: "data", volumeName: "redis-data", containerPath: "/data", retain: true }],
    connectionString: (password, address) => pulumi.interpolate`redis://:${password}@${address}/0`,
};
