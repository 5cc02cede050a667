import { canDial, dialState, reconciledProvider } from "../dynamic/reconciled";
import { describeSwarm, DialInputs, engineClientOf, leaveSwarm } from "../engine";

export interface LeaveInputs extends DialInputs {
    readonly swarm: boolean;
}

interface LeaveOutputs extends DialInputs {
    readonly swarm: boolean;
    /** What the last run found and did: `left`, `not in a swarm`, `swarm mode kept`, `not reachable`. */
    readonly outcome: string;
}

/**
 * The daemon's swarm state brought in line with a swarm turned off, before its settings change:
 * with live-restore back on and swarm state still on the data disk, dockerd would refuse to start.
 * A new host may not answer yet, and has no swarm to leave; an existing one that does not answer
 * when the swarm is turned off stops the update, since its settings must not change under a swarm.
 */
async function reconcile(inputs: LeaveInputs, existing: boolean): Promise<LeaveOutputs> {
    const placed = { ...dialState(inputs), swarm: inputs.swarm };
    if (inputs.swarm) {
        return { ...placed, outcome: "swarm mode kept" };
    }
    try {
        return { ...placed, outcome: await leaveSwarm(engineClientOf(inputs)) };
    } catch (error) {
        if (!existing) {
            return { ...placed, outcome: "not reachable" };
        }
        throw new Error(
            `the host's daemon must leave its swarm before swarm mode is turned off, and it did not answer ` +
                `(${(error as Error).message}); start the VM (azure-docker-host start), and keep certificate ` +
                "changes for another `pulumi up` than turning the swarm off",
            { cause: error },
        );
    }
}

const inSwarm = "in a swarm, to leave";

/** A refresh that finds the host in a swarm while the swarm is off marks it, and the next up leaves. */
export const swarmLeaveProvider = reconciledProvider<LeaveInputs, LeaveOutputs>({
    identity: [],
    compared: ["host", "port", "swarm"],
    changed: (olds) => olds.outcome === inSwarm,
    idOf: (outs) => `${outs.host}:${outs.port}`,
    apply: (inputs, previous) => reconcile(inputs, previous !== undefined),
    async observe(_id, state) {
        if (!canDial(state) || state.swarm) {
            return state;
        }
        const live = await describeSwarm(engineClientOf(state)).catch(() => "unreachable" as const);
        return live === "unreachable" || live === undefined ? state : { ...state, outcome: inSwarm };
    },
});

/** What Pulumi's dynamic-provider host calls on this module once it has loaded it from the state. */
export const handler = () => swarmLeaveProvider;
