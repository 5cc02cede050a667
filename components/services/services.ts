import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { DockerEndpoint, dockerUrl } from "../engine/endpoint";
import { ClientTlsBundle } from "../pki/bundles";
import { ServiceArgs } from "./hardenedComponent";
import { ServiceTarget } from "./hardenedService";
import { MongodbService, mongodbPort } from "./mongodb";
import { RedisService, redisPort } from "./redis";

export interface ServicesArgs {
    /** From the readiness gate: the provider must not dial before the daemon answers. */
    readonly endpoint: pulumi.Input<DockerEndpoint>;
    readonly client: ClientTlsBundle;
    readonly redis?: ServiceArgs;
    readonly mongodb?: ServiceArgs;
}

/**
 * The containers on the remote host: a docker provider that speaks mutual TLS to it, a private
 * network, and the enabled services.
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
            },
            { parent: this },
        );

        const network = new docker.Network(
            `${name}-network`,
            { name: "azure-docker-host", driver: "bridge" },
            { parent: this, provider: this.provider },
        );

        const target: ServiceTarget = {
            provider: this.provider,
            networkName: network.name,
            endpoint: args.endpoint,
            client,
        };
        this.redisConnectionString = args.redis
            ? new RedisService(`${name}-redis`, { ...args.redis, target }, { parent: this }).connectionString
            : undefined;
        this.mongodbConnectionString = args.mongodb
            ? new MongodbService(`${name}-mongodb`, { ...args.mongodb, target }, { parent: this }).connectionString
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
