import * as pulumi from "@pulumi/pulumi";
import { DaemonArgs, DaemonResource } from "../dynamic/resource";

export interface ContainerPidsLimitArgs extends DaemonArgs {
    readonly containerId: pulumi.Input<string>;
    readonly pidsLimit: pulumi.Input<number>;
}

/**
 * A cgroup pids limit for one container. The docker provider's Container has no pids_limit, yet a
 * fork bomb in a container must not take the host down (CIS Docker Benchmark 5.28).
 */
export class ContainerPidsLimit extends DaemonResource {
    declare readonly pidsLimit: pulumi.Output<number>;

    constructor(name: string, args: ContainerPidsLimitArgs, opts?: pulumi.CustomResourceOptions) {
        const own = {
            containerId: args.containerId,
            pidsLimit: args.pidsLimit,
        };
        super(require.resolve("./containerPidsLimitProvider"), "ContainerPidsLimit", name, args, own, opts);
    }
}
