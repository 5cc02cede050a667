import { canDial, dialState, reconciledProvider } from "../dynamic/reconciled";
import {
    DialInputs,
    engineClientOf,
    listNodes,
    pruneDownWorkers,
    waitForDepartedDown,
    waitForWorkersReady,
} from "../engine";

export interface MembershipInputs extends DialInputs {
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

/** What Pulumi's dynamic-provider host calls on this module once it has loaded it from the state. */
export const handler = () => swarmMembershipProvider;
