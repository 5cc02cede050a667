import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { DockerEndpoint, dockerUrl } from "../engine/endpoint";
import { ClientTlsBundle } from "../pki/bundles";
import { mongodbPort, mongodbService } from "./mongodb";
import { declareOverlayAnchor } from "./overlayAnchor";
import { redisPort, redisService } from "./redis";
import { Service, ServiceArgs, ServiceTarget } from "./service";

export interface ServicesArgs {
    /** From the readiness gate: the provider must not dial before the daemon answers. */
    readonly endpoint: pulumi.Input<DockerEndpoint>;
    readonly client: ClientTlsBundle;
    readonly redis?: ServiceArgs;
    readonly mongodb?: ServiceArgs;
    /**
     * The swarm manager, when there is a swarm: an encrypted, attachable overlay network is made once
     * it is up, and the services join it, so tasks on any node reach them by name.
     */
    readonly swarm?: pulumi.Resource;
}

/**
 * The containers on the remote host: a docker provider that speaks mutual TLS to it, a private
 * network (and, in a swarm, an encrypted overlay with an anchor on it), and the enabled services.
 * In a swarm they stay containers on the manager, where their data disk is, attached to the
 * overlay: services on any node reach them as `redis` and `mongodb`, and their data, limits and
 * pids limits stay as they are.
 */
export class Services extends pulumi.ComponentResource {
    readonly provider: docker.Provider;
    readonly redisConnectionString: pulumi.Output<string> | undefined;
    readonly mongodbConnectionString: pulumi.Output<string> | undefined;
    /** The ports published on the VM's loopback, which an SSH tunnel forwards. */
    readonly loopbackPorts: readonly number[];

    constructor(name: string, args: ServicesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azure-docker-host:index:Services", name, {}, opts);
        const { client } = args;

        // Named `<name>-docker`: existing stacks hold this provider's URN, and every container's
        // provider reference with it.
        this.provider = new docker.Provider(
            `${name}-docker`,
            {
                host: pulumi.output(args.endpoint).apply(dockerUrl),
                caMaterial: pulumi.secret(client.caCertPem),
                certMaterial: pulumi.secret(client.certPem),
                keyMaterial: pulumi.secret(client.keyPem),
                // The provider pings the daemon when it starts, in every preview too, and fails when
                // the VM is deallocated. The readiness gate already proves the daemon answers before
                // anything reaches it; a config change to a bridged provider updates it in place.
                disableDockerDaemonCheck: true,
            },
            { parent: this },
        );

        const network = new docker.Network(
            `${name}-network`,
            { name: "azure-docker-host", driver: "bridge" },
            { parent: this, provider: this.provider },
        );

        const overlay = args.swarm
            ? new docker.Network(
                  `${name}-overlay`,
                  { name: "azure-docker-host-swarm", driver: "overlay", attachable: true, options: { encrypted: "" } },
                  {
                      parent: this,
                      provider: this.provider,
                      dependsOn: [args.swarm],
                      // The daemon reports more options than it was given (the VXLAN id): without
                      // this, every preview would want to replace the network. They are set once.
                      ignoreChanges: ["options"],
                  },
              )
            : undefined;

        const target: ServiceTarget = {
            provider: this.provider,
            networkNames: [network.name, ...(overlay ? [overlay.name] : [])],
            endpoint: args.endpoint,
            client,
        };
        if (overlay) {
            declareOverlayAnchor(name, overlay, target, this);
        }
        this.redisConnectionString = args.redis
            ? new Service(redisService, `${name}-redis`, { ...args.redis, target }, { parent: this }).connectionString
            : undefined;
        this.mongodbConnectionString = args.mongodb
            ? new Service(mongodbService, `${name}-mongodb`, { ...args.mongodb, target }, { parent: this })
                  .connectionString
            : undefined;
        this.loopbackPorts = [
            { service: args.redis, port: redisPort },
            { service: args.mongodb, port: mongodbPort },
        ]
            .filter(({ service }) => service?.publish === "localhost")
            .map(({ port }) => port);

        this.registerOutputs({});
    }
}
