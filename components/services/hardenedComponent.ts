import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { PinnedImage } from "../../catalogue/imageReference";
import { hardenedService, HardenedServiceSpec, ServiceTarget } from "./hardenedService";
import { PublishMode } from "../../catalogue/publishModes";

/** One service's settings; the Services component leaves out the ones turned off. */
export interface ServiceArgs {
    readonly image: PinnedImage;
    readonly memoryMb: number;
    readonly publish: PublishMode;
}

/** What makes one service itself: its component type, its image, its block's settings, its URL. */
export interface ServiceDefinition {
    /** The component's type token; existing stacks' URNs hold it. */
    readonly type: string;
    /** Declares the image the container runs on the daemon and returns what the container takes. */
    image(
        name: string,
        args: ServiceArgs,
        opts: { parent: pulumi.Resource; provider: docker.Provider },
    ): pulumi.Input<string>;
    /** Everything of the hardened block that is the service's own. */
    spec(args: ServiceArgs): Omit<HardenedServiceSpec, "image" | "memoryMb" | "publish">;
    /** The connection string for a client at `address` (`host:port`). */
    connectionString(password: pulumi.Output<string>, address: string): pulumi.Output<string>;
}

/**
 * A service on the remote daemon: its image, then the hardened block every service runs in, and a
 * secret connection string. Each service is a definition; this is the one component they share.
 */
export class HardenedServiceComponent extends pulumi.ComponentResource {
    /** For a client on the VM or at the near end of an SSH tunnel; a secret. */
    readonly connectionString: pulumi.Output<string>;

    constructor(
        definition: ServiceDefinition,
        name: string,
        args: ServiceArgs & { readonly target: ServiceTarget },
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super(definition.type, name, {}, opts);
        const image = definition.image(name, args, { parent: this, provider: args.target.provider });
        const service = hardenedService(
            this,
            name,
            { ...definition.spec(args), image, memoryMb: args.memoryMb, publish: args.publish },
            args.target,
        );
        this.connectionString = pulumi.secret(definition.connectionString(service.password, service.address));
        this.registerOutputs({ connectionString: this.connectionString });
    }
}

/** The component class of one service definition, for `new RedisService(name, args, opts)`. */
export function serviceComponent(definition: ServiceDefinition) {
    return class extends HardenedServiceComponent {
        constructor(
            name: string,
            args: ServiceArgs & { readonly target: ServiceTarget },
            opts?: pulumi.ComponentResourceOptions,
        ) {
            super(definition, name, args, opts);
        }
    };
}
