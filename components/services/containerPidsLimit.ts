import * as pulumi from "@pulumi/pulumi";
import { canDial, dialState, reconciledProvider } from "../dynamic/reconciled";
import { DaemonArgs, DaemonResource } from "../dynamic/resource";
import { DialInputs, engineClientOf, readPidsLimit, setPidsLimit } from "../engine";

export interface ContainerPidsLimitArgs extends DaemonArgs {
    readonly containerId: pulumi.Input<string>;
    readonly pidsLimit: pulumi.Input<number>;
}

interface LimitInputs extends DialInputs {
    readonly containerId: string;
    readonly pidsLimit: number;
}

/** The limit on one container; the dial inputs too, so that a refresh can read it. */
type LimitOutputs = LimitInputs;

/** `host:port` of either shape: this one, or the `dockerHost` URL earlier releases kept in state. */
function daemonOf(state: Partial<LimitInputs> & { readonly dockerHost?: string }): string {
    return state.host !== undefined ? `${state.host}:${state.port}` : (state.dockerHost ?? "").replace(/^tcp:\/\//, "");
}

/**
 * A new container is another thing to limit: the resource is replaced and its id is the new
 * container's. A refresh reads the limit the daemon holds, so a container recreated or updated
 * outside Pulumi shows, and the next `pulumi up` sets the limit again.
 */
export const containerPidsLimitProvider = reconciledProvider<LimitInputs, LimitOutputs>({
    identity: ["containerId"],
    compared: ["pidsLimit"],
    changed: (olds, news) => daemonOf(olds) !== daemonOf(news),
    idOf: (outs) => `${outs.containerId}/pids`,
    async apply(inputs) {
        await setPidsLimit(engineClientOf(inputs), inputs.containerId, inputs.pidsLimit);
        return { ...dialState(inputs), containerId: inputs.containerId, pidsLimit: inputs.pidsLimit };
    },
    async observe(_id, state) {
        if (!canDial(state)) {
            return state;
        }
        const pidsLimit = await readPidsLimit(engineClientOf(state), state.containerId);
        return pidsLimit === undefined ? undefined : { ...state, pidsLimit };
    },
});

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
        super(containerPidsLimitProvider, "ContainerPidsLimit", name, args, own, opts);
    }
}
