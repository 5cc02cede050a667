import { canDial, dialState, reconciledProvider } from "../dynamic/reconciled";
import { describeSwarm, DialInputs, engineClientOf, ensureSwarmManager } from "../engine";

export interface ManagerInputs extends DialInputs {
    readonly advertiseAddress: string;
    readonly defaultAddressPool: string;
    readonly revision: string;
}

interface ManagerOutputs extends DialInputs {
    readonly advertiseAddress: string;
    readonly defaultAddressPool: string;
    readonly revision: string;
    readonly nodeId: string;
    readonly managerAddress: string;
    /** Secrets (additionalSecretOutputs). */
    readonly workerToken: string;
    readonly managerToken: string;
}

async function ensure(inputs: ManagerInputs): Promise<ManagerOutputs> {
    const state = await ensureSwarmManager(engineClientOf(inputs), {
        advertiseAddress: inputs.advertiseAddress,
        defaultAddressPool: inputs.defaultAddressPool,
    });
    return {
        ...dialState(inputs),
        advertiseAddress: inputs.advertiseAddress,
        defaultAddressPool: inputs.defaultAddressPool,
        revision: inputs.revision,
        ...state,
    };
}

/**
 * Initialises the swarm once and reads it ever after; an update checks that the live swarm still
 * has the address and pool it was made with (ensureSwarmManager refuses one that does not). A
 * refresh reads them live, so a swarm changed outside Pulumi shows.
 */
export const swarmManagerProvider = reconciledProvider<ManagerInputs, ManagerOutputs>({
    identity: [],
    compared: ["host", "port", "advertiseAddress", "defaultAddressPool", "revision"],
    idOf: (outs) => outs.nodeId,
    apply: ensure,
    async observe(_id, state) {
        if (!canDial(state)) {
            return state;
        }
        const live = await describeSwarm(engineClientOf(state)).catch(() => "unreachable" as const);
        if (live === "unreachable") {
            return state;
        }
        return live === undefined ? undefined : { ...state, ...live };
    },
    // Leaving the swarm would strand the workers' tasks mid-destroy; the VM going away ends it anyway.
});

/** What Pulumi's dynamic-provider host calls on this module once it has loaded it from the state. */
export const handler = () => swarmManagerProvider;
