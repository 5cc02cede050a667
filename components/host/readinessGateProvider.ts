import { canDial, dialState, reconciledProvider } from "../dynamic/reconciled";
import {
    certificateFingerprint,
    defaultPoll,
    DialInputs,
    engineClientOf,
    servedCertificatePem,
    waitForDocker,
} from "../engine";

/** The gate's inputs as the provider receives them: flat, with the names existing stacks hold. */
export interface GateInputs extends DialInputs {
    readonly serverCertPem: string;
    readonly timeoutSeconds: number;
    readonly revision: string;
    readonly stoppedHint?: string;
}

/** What the gate keeps in state: which daemon answered, with which certificate (the key a secret). */
export type GateOutputs = Omit<GateInputs, "stoppedHint"> & { readonly apiVersion: string };

async function verify(inputs: GateInputs): Promise<GateOutputs> {
    if (inputs.stoppedHint) {
        throw new Error(inputs.stoppedHint);
    }
    const result = await waitForDocker(
        engineClientOf(inputs),
        { ...defaultPoll, timeoutMs: inputs.timeoutSeconds * 1000 },
        certificateFingerprint(inputs.serverCertPem),
        // A dynamic provider's console output reaches the Pulumi CLI, so a long wait is never silent.
        (line) => console.log(line),
    );
    return {
        ...dialState(inputs),
        serverCertPem: inputs.serverCertPem,
        timeoutSeconds: inputs.timeoutSeconds,
        revision: inputs.revision,
        apiVersion: result.apiVersion ?? "",
    };
}

/**
 * Pure-Node dynamic provider: create and update both wait until the daemon answers over mutual TLS
 * with exactly the issued server certificate, so "renewal finished" is observed, not assumed.
 * Another host is another gate. A refresh asks the daemon which certificate it serves now: one
 * other than the issued shows as a change, which the next `pulumi up` waits out again. A daemon
 * that does not answer (a deallocated VM) leaves the state as it is.
 */
export const readinessGateProvider = reconciledProvider<GateInputs, GateOutputs>({
    identity: ["host", "port"],
    compared: ["caCertPem", "clientCertPem", "serverCertPem", "revision", "timeoutSeconds"],
    idOf: (outs) => `tcp://${outs.host}:${outs.port}`,
    apply: verify,
    async observe(_id, state) {
        if (!canDial(state)) {
            return state;
        }
        const served = await servedCertificatePem(engineClientOf(state)).catch(() => undefined);
        return served === undefined || certificateFingerprint(served) === certificateFingerprint(state.serverCertPem)
            ? state
            : { ...state, serverCertPem: served };
    },
});

/** What Pulumi's dynamic-provider host calls on this module once it has loaded it from the state. */
export const handler = () => readinessGateProvider;
