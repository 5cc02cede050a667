import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import {
    mongodbBuildContext,
    mongodbCommand,
    mongodbHealthCheck,
    mongodbRootPasswordFile,
    mongodbRootUserEnvironment,
    mongodbSecretsDirectory,
    mongodbUser,
} from "./mongodbConfig";
import { ServiceSpec } from "./service";

export const mongodbPort = 27017;
export const mongodbPidsLimit = 512;
export const mongodbRootUser = "root";

/**
 * mongodb, as the original walkthrough's `docker build` of a MongoDB Dockerfile: the image is built
 * on the remote daemon from images/mongodb (the pinned official base passed in) and never pushed;
 * its root user is created from a password file on first start; `pulumi up` waits until healthy.
 */
export const mongodbService: ServiceSpec = {
    type: "azure-docker-host:index:MongodbService",
    image: (name, args, opts) =>
        // The digest changes with every rebuild, so a new image replaces the container.
        new docker.Image(
            `${name}-image`,
            {
                imageName: `azure-docker-host/mongodb:${args.image.tag}`,
                build: {
                    context: mongodbBuildContext,
                    platform: "linux/amd64",
                    args: { MONGO_BASE_IMAGE: args.image.reference },
                },
                skipPush: true,
                buildOnPreview: false,
            },
            opts,
        ).repoDigest,
    containerName: "mongodb",
    command: (args) => mongodbCommand(args.memoryMb),
    envs: mongodbRootUserEnvironment(mongodbRootUser),
    user: mongodbUser,
    port: mongodbPort,
    pidsLimit: mongodbPidsLimit,
    healthcheck: { ...mongodbHealthCheck, tests: [...mongodbHealthCheck.tests] },
    waitTimeoutSeconds: 300,
    passwordSuffix: "root-password",
    secretFile: {
        volumeName: "mongodb-secrets",
        directory: mongodbSecretsDirectory,
        fileName: mongodbRootPasswordFile,
        content: (password) => password,
    },
    volumes: [
        { resourceSuffix: "data", volumeName: "mongodb-data", containerPath: "/data/db", retain: true },
        {
            resourceSuffix: "configdb",
            volumeName: "mongodb-configdb",
            containerPath: "/data/configdb",
            retain: true,
        },
    ],
    // mongod's unix socket and the entrypoint's first-start files go to /tmp.
    tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m,mode=1777" },
    connectionString: (password, address) =>
        pulumi.interpolate`mongodb://${mongodbRootUser}:${password}@${address}/?authSource=admin`,
};
