import * as pulumi from "@pulumi/pulumi";
import { canDial, dialState, reconciledProvider } from "../dynamic/reconciled";
import { DaemonArgs, DaemonResource } from "../dynamic/resource";
import { describeSwarm, DialInputs, engineClientOf, ensureSwarmManager } from "../engine";

export interface SwarmManagerArgs extends DaemonArgs {
    /** The host's private IP: what workers dial (2377) on the virtual network. */
    readonly advertiseAddress: pulumi.Input<string>;
    /** Where overlay networks take their subnets; fixed when the swarm is created. */
    readonly defaultAddressPool: pulumi.Input<string>;
    /** Changes when the daemon may have changed (new VM, new settings): the swarm is looked at again. */
    readonly revision: pulumi.Input<string>;
}

interface ManagerInputs extends DialInputs {
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
        super(swarmManagerProvider, "SwarmManager", name, args, own, opts, ["workerToken", "managerToken"]);
    }
}
