import * as pulumi from "@pulumi/pulumi";
import { DaemonArgs, DaemonResource } from "../dynamic/resource";

export interface SwarmMembershipArgs extends DaemonArgs {
    /** The scale set's capacity: every change of it is followed by a reconcile. */
    readonly workers: pulumi.Input<number>;
    /** Changes when the scale set does. */
    readonly scaleSetRevision: pulumi.Input<string>;
    /** The host names of the scale set's instances, after its update; without them nothing is pruned. */
    readonly instances?: pulumi.Input<string[]>;
    /** Host names of workers made to join again in this update (see rejoin.ts): waited for. */
    readonly rejoined?: pulumi.Input<string[] | undefined>;
}

/**
 * After every change of the scale set, removes the workers it took away from the swarm's node list:
 * a worker leaves the swarm when Azure schedules its removal (its terminate notification), and is
 * then "down" until someone deletes the node; this is that someone. Managers are never touched.
 */
export class SwarmMembership extends DaemonResource {
    declare readonly removed: pulumi.Output<string[]>;

    constructor(name: string, args: SwarmMembershipArgs, opts?: pulumi.CustomResourceOptions) {
        const own = {
            workers: args.workers,
            scaleSetRevision: args.scaleSetRevision,
            ...(args.instances === undefined ? {} : { instances: args.instances }),
            ...(args.rejoined === undefined ? {} : { rejoined: args.rejoined }),
            removed: undefined,
        };
        super(require.resolve("./membershipProvider"), "SwarmMembership", name, args, own, opts);
    }
}
