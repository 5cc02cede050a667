import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { parsePinnedImage } from "../config/imageReference";
import { ServiceSettings } from "../config";
import { hardenedContainer, publishedPorts } from "./containerHardening";
import { ContainerPidsLimit } from "./containerPidsLimit";
import {
    dockerfileHealthCheck,
    mongodbBuildContext,
    mongodbCommand,
    mongodbRootPasswordPath,
    mongodbRootUserEnvironment,
    mongodbUid,
} from "./mongodbConfig";
import { ServiceTarget } from "./serviceTarget";

export const mongodbPort = 27017;
export const mongodbPidsLimit = 512;
export const mongodbRootUser = "root";

export interface MongodbServiceArgs {
    readonly settings: ServiceSettings;
    readonly target: ServiceTarget;
}

/**
 * mongodb, as the original walkthrough's `docker build` of a MongoDB Dockerfile: the image is built
 * on the remote daemon from images/mongodb and never pushed, then run with a generated root
 * password, data on volumes of the data disk, and `pulumi up` waits until it reports healthy.
 */
export class MongodbService extends pulumi.ComponentResource {
    readonly connectionString: pulumi.Output<string>;

    constructor(name: string, args: MongodbServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azure-docker-host:index:MongodbService", name, {}, opts);
        const { settings, target } = args;
        const onDaemon = { parent: this, provider: target.provider };

        const password = new random.RandomPassword(
            `${name}-root-password`,
            { length: 32, special: false },
            { parent: this },
        );
        const baseTag = parsePinnedImage(settings.image)?.tag ?? "custom";
        const image = new docker.Image(
            `${name}-image`,
            {
                imageName: `azure-docker-host/mongodb:${baseTag}`,
                build: {
                    context: mongodbBuildContext,
                    platform: "linux/amd64",
                    args: { MONGO_BASE_IMAGE: settings.image },
                },
                skipPush: true,
                buildOnPreview: false,
            },
            onDaemon,
        );
        const data = new docker.Volume(`${name}-data`, { name: "mongodb-data" }, { ...onDaemon, retainOnDelete: true });
        const configData = new docker.Volume(
            `${name}-configdb`,
            { name: "mongodb-configdb" },
            { ...onDaemon, retainOnDelete: true },
        );

        const container = new docker.Container(
            name,
            {
                name: "mongodb",
                // The digest changes with every rebuild, so a new image replaces the container.
                image: image.repoDigest,
                command: mongodbCommand(settings.memoryMb),
                envs: mongodbRootUserEnvironment(mongodbRootUser),
                uploads: [
                    {
                        file: mongodbRootPasswordPath,
                        content: pulumi.secret(password.result),
                        owner: mongodbUid,
                        group: mongodbUid,
                        permissions: "0400",
                    },
                ],
                volumes: [
                    { volumeName: data.name, containerPath: "/data/db" },
                    { volumeName: configData.name, containerPath: "/data/configdb" },
                ],
                networksAdvanced: [{ name: target.networkName, aliases: ["mongodb"] }],
                ports: publishedPorts(settings.publish, mongodbPort),
                healthcheck: dockerfileHealthCheck(),
                wait: true,
                waitTimeout: 300,
                ...hardenedContainer(settings.memoryMb),
            },
            { ...onDaemon, deleteBeforeReplace: true },
        );

        new ContainerPidsLimit(
            `${name}-pids`,
            { ...target.api, containerId: container.id, pidsLimit: mongodbPidsLimit },
            { parent: this },
        );

        const host = settings.publish === "localhost" ? `127.0.0.1:${mongodbPort}` : `mongodb:${mongodbPort}`;
        this.connectionString = pulumi.secret(
            pulumi.interpolate`mongodb://${mongodbRootUser}:${password.result}@${host}/?authSource=admin`,
        );
        this.registerOutputs({ connectionString: this.connectionString });
    }
}
