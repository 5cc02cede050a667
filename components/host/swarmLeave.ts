import * as pulumi from "@pulumi/pulumi";
import { DaemonArgs, DaemonResource } from "../dynamic/resource";

/** The daemon as it is before this update's provisioning: the host's name and port. */
export interface SwarmLeaveArgs extends DaemonArgs {
    /** Whether the host is meant to be a swarm manager; when it is not, it leaves any swarm. */
    readonly swarm: pulumi.Input<boolean>;
}

/**
 * Makes the host leave its swarm when the swarm is turned off, ahead of the provisioning that
 * turns live-restore back on: the provisioning depends on it, so it always runs first.
 */
export class SwarmLeave extends DaemonResource {
    declare readonly outcome: pulumi.Output<string>;

    constructor(name: string, args: SwarmLeaveArgs, opts?: pulumi.CustomResourceOptions) {
        const own = { swarm: args.swarm, outcome: undefined };
        super(require.resolve("./swarmLeaveProvider"), "SwarmLeave", name, args, own, opts);
    }
}
