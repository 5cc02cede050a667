import * as docker from "@pulumi/docker";
import type * as dockerInputs from "@pulumi/docker/types/input";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { PinnedImage } from "../../catalogue/imageReference";
import { PublishMode } from "../../catalogue/publishModes";
import { DockerEndpoint } from "../engine/endpoint";
import { ClientTlsBundle } from "../pki/bundles";
import { ContainerPidsLimit } from "./containerPidsLimit";
import { VolumeFile } from "./volumeFile";

/** One service's settings from the stack's config; the Services component leaves out those turned off. */
export interface ServiceArgs {
    readonly image: PinnedImage;
    readonly memoryMb: number;
    readonly publish: PublishMode;
}

/** Where a service's resources go: the remote daemon's provider, its private network, its Engine API. */
export interface ServiceTarget {
    readonly provider: docker.Provider;
    /** The networks a service joins; its container name is its alias on each. */
    readonly networkNames: readonly pulumi.Input<string>[];
    /** For what the docker provider cannot declare (pids limits): the Engine API over mutual TLS. */
    readonly endpoint: pulumi.Input<DockerEndpoint>;
    readonly client: ClientTlsBundle;
}

/** A named volume on the data disk. */
export interface ServiceVolume {
    /** Ends the volume resource's logical name (`<service>-<suffix>`). */
    readonly resourceSuffix: string;
    /** The volume's name on the daemon. */
    readonly volumeName: string;
    readonly containerPath: string;
    /** Data outlives the stack. */
    readonly retain: boolean;
}

/**
 * What makes one service itself; everything else is the hardened block every service runs in.
 * The names here (type, container, suffixes, volumes) are in existing stacks' URNs and on their
 * daemons: they never change.
 */
export interface ServiceSpec {
    /** The component's type token. */
    readonly type: string;
    /** The container's name on the daemon and its alias on the networks. */
    readonly containerName: string;
    readonly port: number;
    /** The image's own non-root user, `uid:gid`, from the first process on. */
    readonly user: string;
    readonly pidsLimit: number;
    /** The one statement of the service's health check; the image carries none. */
    readonly healthcheck: dockerInputs.ContainerHealthcheck;
    readonly waitTimeoutSeconds: number;
    /** Declares the image the container runs on the daemon and returns what the container takes. */
    image(
        name: string,
        args: ServiceArgs,
        opts: { parent: pulumi.Resource; provider: docker.Provider },
    ): pulumi.Input<string>;
    command(args: ServiceArgs): string[];
    readonly envs?: readonly string[];
    /** The generated password's resource suffix (`<service>-<suffix>`). */
    readonly passwordSuffix: string;
    /**
     * The file that carries the password: written 0400 for `user` into a volume of its own, which
     * the container mounts read-only at `directory`.
     */
    readonly secretFile: {
        readonly volumeName: string;
        readonly directory: string;
        readonly fileName: string;
        content(password: string, args: ServiceArgs): string;
    };
    readonly volumes: readonly ServiceVolume[];
    /** Where the service writes outside its volumes, as tmpfs mounts: the root file system is read-only. */
    readonly tmpfs?: Readonly<Record<string, string>>;
    /** Linux capabilities the service needs back after all are dropped; none so far. */
    readonly capabilities?: readonly string[];
    /** The connection string for a client at `address` (`host:port`). */
    connectionString(password: pulumi.Output<string>, address: string): pulumi.Output<string>;
}

/**
 * One service on the remote daemon, hardened as CIS Docker Benchmark section 5 asks: a generated
 * password that travels only in a file readable by the service's user alone, on a volume the
 * container mounts read-only (never on a command line or in the environment), volumes on the data
 * disk, every Linux capability dropped with only the service's own added back (5.3), the image's
 * non-root user from the first process (no root entrypoint stepping down later), a read-only root
 * file system with tmpfs where it writes outside its volumes (5.12), a memory cap with no extra
 * swap, no privilege escalation, an init that reaps zombies, a restart policy, a pids limit (5.28,
 * through the Engine API), and a port on the VM's loopback at most. Containers are never
 * privileged and never see the Docker socket. Its output is a secret connection string.
 */
export class Service extends pulumi.ComponentResource {
    /** For a client on the VM or at the near end of an SSH tunnel; a secret. */
    readonly connectionString: pulumi.Output<string>;

    constructor(
        spec: ServiceSpec,
        name: string,
        args: ServiceArgs & { readonly target: ServiceTarget },
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super(spec.type, name, {}, opts);
        const { target } = args;
        const onDaemon = { parent: this, provider: target.provider };
        const image = spec.image(name, args, onDaemon);
        const password = new random.RandomPassword(
            `${name}-${spec.passwordSuffix}`,
            { length: 32, special: false },
            { parent: this },
        );
        const volumes = spec.volumes.map((volume) => ({
            volume,
            resource: new docker.Volume(
                `${name}-${volume.resourceSuffix}`,
                { name: volume.volumeName },
                // Removing the stack leaves data on the (protected) data disk; deleting it is a separate act.
                { ...onDaemon, retainOnDelete: volume.retain },
            ),
        }));
        // The secret's own volume goes with the stack: the file is written anew with every container.
        const secretVolume = new docker.Volume(
            `${name}-secrets`,
            { name: spec.secretFile.volumeName },
            { ...onDaemon, retainOnDelete: false },
        );
        const [uid, gid] = spec.user.split(":").map(Number) as [number, number];
        const secret = new VolumeFile(
            `${name}-secret-file`,
            {
                endpoint: target.endpoint,
                client: target.client,
                // The name as declared, known in every preview: the volume's output is unknown while the
                // volume updates (a new client certificate), and an unknown name would plan the file's
                // replacement. The dependency keeps the volume first.
                volume: spec.secretFile.volumeName,
                image,
                fileName: spec.secretFile.fileName,
                content: password.result.apply((value) => spec.secretFile.content(value, args)),
                uid,
                gid,
                mode: 0o400,
            },
            { parent: this, dependsOn: [secretVolume] },
        );

        const container = new docker.Container(
            name,
            {
                name: spec.containerName,
                image,
                command: spec.command(args),
                envs: spec.envs ? [...spec.envs] : undefined,
                user: spec.user,
                // A new secret file means a new container: the service reads it when it starts.
                labels: [{ label: "azure-docker-host.secret-revision", value: secret.revision }],
                volumes: [
                    ...volumes.map(({ volume, resource }) => ({
                        volumeName: resource.name,
                        containerPath: volume.containerPath,
                    })),
                    { volumeName: secretVolume.name, containerPath: spec.secretFile.directory, readOnly: true },
                ],
                networksAdvanced: target.networkNames.map((network) => ({
                    name: network,
                    aliases: [spec.containerName],
                })),
                ports:
                    args.publish === "localhost"
                        ? [{ internal: spec.port, external: spec.port, ip: "127.0.0.1", protocol: "tcp" }]
                        : [],
                healthcheck: spec.healthcheck,
                wait: true,
                waitTimeout: spec.waitTimeoutSeconds,
                restart: "unless-stopped",
                memory: args.memoryMb,
                memorySwap: args.memoryMb,
                capabilities: { drops: ["ALL"], adds: [...(spec.capabilities ?? [])] },
                readOnly: true,
                tmpfs: spec.tmpfs ? { ...spec.tmpfs } : undefined,
                securityOpts: ["no-new-privileges:true"],
                privileged: false,
                init: true,
                destroyGraceSeconds: 30,
            },
            // The fixed container name can exist once per daemon: the old one goes first.
            { ...onDaemon, deleteBeforeReplace: true },
        );

        new ContainerPidsLimit(
            `${name}-pids`,
            { endpoint: target.endpoint, client: target.client, containerId: container.id, pidsLimit: spec.pidsLimit },
            { parent: this },
        );

        const address = args.publish === "localhost" ? `127.0.0.1:${spec.port}` : `${spec.containerName}:${spec.port}`;
        this.connectionString = pulumi.secret(spec.connectionString(password.result, address));
        this.registerOutputs({ connectionString: this.connectionString });
    }
}
