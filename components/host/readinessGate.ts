import * as pulumi from "@pulumi/pulumi";
import { canDial, dialState, reconciledProvider } from "../dynamic/reconciled";
import { DaemonArgs, DaemonResource } from "../dynamic/resource";
import {
    certificateFingerprint,
    defaultPoll,
    DialInputs,
    engineClientOf,
    servedCertificatePem,
    waitForDocker,
} from "../engine";

export interface ReadinessGateArgs extends DaemonArgs {
    /** The certificate the daemon must serve: the gate waits while it serves any other. */
    readonly serverCertPem: pulumi.Input<string>;
    readonly timeoutSeconds: pulumi.Input<number>;
    /**
     * Changes whenever the daemon may have changed under us (new VM, renewed certificates), so the
     * gate waits for the daemon again instead of trusting an old answer.
     */
    readonly revision: pulumi.Input<string>;
    /**
     * Set when the preflight found the VM deallocated: the gate then fails at once with this
     * message, rather than waiting out its timeout for a daemon that cannot answer. A gate with
     * nothing to change is not asked at all, so a stopped VM never blocks a preview.
     */
    readonly stoppedHint?: pulumi.Input<string>;
}

/** The gate's inputs as the provider receives them: flat, with the names existing stacks hold. */
interface GateInputs extends DialInputs {
    readonly serverCertPem: string;
    readonly timeoutSeconds: number;
    readonly revision: string;
    readonly stoppedHint?: string;
}

/** What the gate keeps in state: which daemon answered, with which certificate (the key a secret). */
type GateOutputs = Omit<GateInputs, "stoppedHint"> & { readonly apiVersion: string };

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

/**
 * Blocks everything that talks to the Docker daemon until it answers `/_ping` over mutual TLS.
 * The docker provider pings its host as soon as the host is known and does not retry, so its host
 * must come from this gate's output (data flow) rather than from a dependsOn it may not honour.
 */
export class DockerReadinessGate extends DaemonResource {
    /** Known only once the daemon has answered: what everything after the gate dials. */
    declare readonly host: pulumi.Output<string>;
    declare readonly port: pulumi.Output<number>;
    declare readonly apiVersion: pulumi.Output<string>;

    constructor(name: string, args: ReadinessGateArgs, opts?: pulumi.CustomResourceOptions) {
        // Every input the provider reads, beside the dial inputs the base adds.
        const own: Record<
            Exclude<keyof GateInputs, "stoppedHint" | keyof DialInputs>,
            pulumi.Input<string | number>
        > & {
            readonly stoppedHint?: pulumi.Input<string>;
        } = {
            serverCertPem: args.serverCertPem,
            timeoutSeconds: args.timeoutSeconds,
            revision: args.revision,
            ...(args.stoppedHint === undefined ? {} : { stoppedHint: args.stoppedHint }),
        };
        super(readinessGateProvider, "DockerReadinessGate", name, args, { ...own, apiVersion: undefined }, opts);
    }
}
