import * as pulumi from "@pulumi/pulumi";
import { canDial, dialState, reconciledProvider } from "../dynamic/reconciled";
import { DaemonArgs, DaemonResource } from "../dynamic/resource";
import {
    DialInputs,
    engineClientOf,
    listNodes,
    pruneDownWorkers,
    waitForDepartedDown,
    waitForWorkersReady,
} from "../engine";

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

interface MembershipInputs extends DialInputs {
    readonly workers: number;
    readonly scaleSetRevision: string;
    readonly instances?: string[];
    readonly rejoined?: string[];
}

interface MembershipOutputs extends DialInputs {
    readonly workers: number;
    readonly scaleSetRevision: string;
    readonly instances?: string[];
    readonly rejoined?: string[];
    /** Host names of the workers the last reconcile removed. */
    readonly removed: string[];
}

async function reconcile(inputs: MembershipInputs): Promise<MembershipOutputs> {
    const client = engineClientOf(inputs);
    let removed: string[] = [];
    if (inputs.instances) {
        // Departed workers may still look ready until their heartbeats time out.
        await waitForDepartedDown(client, inputs.instances, 120_000);
        // Only workers whose instance is gone: a down worker may be rebooting, or briefly cut off.
        removed = await pruneDownWorkers(client, inputs.instances);
    }
    if (inputs.rejoined) {
        await waitForWorkersReady(client, inputs.rejoined, 180_000);
    }
    return {
        ...dialState(inputs),
        workers: inputs.workers,
        scaleSetRevision: inputs.scaleSetRevision,
        ...(inputs.instances ? { instances: inputs.instances } : {}),
        ...(inputs.rejoined ? { rejoined: inputs.rejoined } : {}),
        removed,
    };
}

/**
 * Reconciles after every change of the scale set. A refresh counts the workers the swarm lists
 * (down or not: a worker rebooting is still one of them), so one removed from the swarm by hand
 * shows as fewer workers than the scale set's capacity.
 */
export const swarmMembershipProvider = reconciledProvider<MembershipInputs, MembershipOutputs>({
    identity: [],
    compared: ["host", "port", "workers", "scaleSetRevision", "instances", "rejoined"],
    idOf: () => "swarm-membership",
    apply: reconcile,
    async observe(_id, state) {
        if (!canDial(state)) {
            return state;
        }
        const nodes = await listNodes(engineClientOf(state)).catch(() => undefined);
        return nodes === undefined
            ? state
            : { ...state, workers: nodes.filter((node) => node.role === "worker").length };
    },
});

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
        super(swarmMembershipProvider, "SwarmMembership", name, args, own, opts);
    }
}
