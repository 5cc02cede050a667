import { canDial, dialState, reconciledProvider } from "../dynamic/reconciled";
import { DialInputs, engineClientOf, readPidsLimit, setPidsLimit } from "../engine";

export interface LimitInputs extends DialInputs {
    readonly containerId: string;
    readonly pidsLimit: number;
}

/** The limit on one container; the dial inputs too, so that a refresh can read it. */
export type LimitOutputs = LimitInputs;

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

/** What Pulumi's dynamic-provider host calls on this module once it has loaded it from the state. */
export const handler = () => containerPidsLimitProvider;
