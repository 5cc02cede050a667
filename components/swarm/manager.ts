import * as pulumi from "@pulumi/pulumi";
import { DaemonArgs, DaemonResource } from "../dynamic/resource";

export interface SwarmManagerArgs extends DaemonArgs {
    /** The host's private IP: what workers dial (2377) on the virtual network. */
    readonly advertiseAddress: pulumi.Input<string>;
    /** Where overlay networks take their subnets; fixed when the swarm is created. */
    readonly defaultAddressPool: pulumi.Input<string>;
    /** Changes when the daemon may have changed (new VM, new settings): the swarm is looked at again. */
    readonly revision: pulumi.Input<string>;
}

/**
 * The host as the swarm's one manager, set up through the Engine API over the same mutual TLS as
 * everything else: initialised once, read ever after (a daemon already managing a swarm is not
 * initialised again), handing out the join tokens as secrets.
 */
export class SwarmManager extends DaemonResource {
    declare readonly managerAddress: pulumi.Output<string>;
    declare readonly workerToken: pulumi.Output<string>;
    declare readonly nodeId: pulumi.Output<string>;

    constructor(name: string, args: SwarmManagerArgs, opts?: pulumi.CustomResourceOptions) {
        const own = {
            advertiseAddress: args.advertiseAddress,
            defaultAddressPool: args.defaultAddressPool,
            revision: args.revision,
            nodeId: undefined,
            managerAddress: undefined,
            workerToken: undefined,
            managerToken: undefined,
        };
        super(require.resolve("./managerProvider"), "SwarmManager", name, args, own, opts, [
            "workerToken",
            "managerToken",
        ]);
    }
}
