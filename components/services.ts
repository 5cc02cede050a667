import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ServicesSettings } from "../config";
import { MongodbService } from "./mongodbService";
import { RedisService } from "./redisService";
import { ServiceTarget } from "./serviceTarget";
import { ClientTlsMaterial, clientTlsMaterial } from "./tlsMaterial";

export interface ServicesArgs {
    readonly settings: ServicesSettings;
    /** `tcp://<fqdn>:<port>` from the readiness gate: the provider must not dial before the daemon answers. */
    readonly dockerHost: pulumi.Output<string>;
    readonly tls: ClientTlsMaterial;
}

/**
 * The containers on the remote host: a docker provider that speaks mutual TLS to it, a private
 * network, and the enabled services.
 */
export class Services extends pulumi.ComponentResource {
    readonly provider: docker.Provider;
    readonly redisConnectionString: pulumi.Output<string> | undefined;
    readonly mongodbConnectionString: pulumi.Output<string> | undefined;

    constructor(name: string, args: ServicesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azure-docker-host:index:Services", name, {}, opts);
        const { tls } = args;

        this.provider = new docker.Provider(
            `${name}-docker`,
            {
                host: args.dockerHost,
                caMaterial: pulumi.secret(tls.caCertPem),
                certMaterial: pulumi.secret(tls.clientCertPem),
                keyMaterial: pulumi.secret(tls.clientKeyPem),
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
            // Only the PEMs: the caller may pass a whole component, whose internals must not become inputs.
            api: { ...clientTlsMaterial(tls), dockerHost: args.dockerHost },
        };
        const { redis, mongodb } = args.settings;
        this.redisConnectionString = redis.enabled
            ? new RedisService(`${name}-redis`, { settings: redis, target }, { parent: this }).connectionString
            : undefined;
        this.mongodbConnectionString = mongodb.enabled
            ? new MongodbService(`${name}-mongodb`, { settings: mongodb, target }, { parent: this }).connectionString
            : undefined;

        this.registerOutputs({});
    }
}
