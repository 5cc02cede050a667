import * as pulumi from "@pulumi/pulumi";
import { certificateFingerprint, defaultPoll, DialInputs, engineClientOf, waitForDocker } from "../engine";
import { ClientTlsBundle, dialInputs } from "../pki/bundles";

export interface ReadinessGateArgs {
    readonly endpoint: pulumi.Input<{ readonly host: string; readonly port: number }>;
    readonly client: ClientTlsBundle;
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

/** What the gate keeps in state: no key material, only what proves which daemon answered. */
type GateOutputs = Omit<GateInputs, "clientKeyPem" | "stoppedHint"> & { readonly apiVersion: string };

const comparedInputs = ["host", "port", "caCertPem", "clientCertPem", "serverCertPem", "revision"] as const;

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
        host: inputs.host,
        port: inputs.port,
        caCertPem: inputs.caCertPem,
        clientCertPem: inputs.clientCertPem,
        serverCertPem: inputs.serverCertPem,
        timeoutSeconds: inputs.timeoutSeconds,
        revision: inputs.revision,
        apiVersion: result.apiVersion ?? "",
    };
}

/**
 * Pure-Node dynamic provider: create and update both wait until the daemon answers over mutual TLS
 * with exactly the issued server certificate, so "renewal finished" is observed, not assumed.
 * It needs no plugin; Pulumi serializes these functions, and the engine client, into the state.
 */
export const readinessGateProvider: pulumi.dynamic.ResourceProvider<GateInputs, GateOutputs> = {
    async create(inputs) {
        const outs = await verify(inputs);
        return { id: `tcp://${outs.host}:${outs.port}`, outs };
    },
    async diff(_id, olds, news) {
        const changes = comparedInputs.filter((key) => olds[key] !== news[key]);
        return { changes: changes.length > 0 || olds.timeoutSeconds !== news.timeoutSeconds };
    },
    async update(_id, _olds, news) {
        return { outs: await verify(news) };
    },
};

/**
 * Blocks everything that talks to the Docker daemon until it answers `/_ping` over mutual TLS.
 * The docker provider pings its host as soon as the host is known and does not retry, so its host
 * must come from this gate's output (data flow) rather than from a dependsOn it may not honour.
 */
export class DockerReadinessGate extends pulumi.dynamic.Resource {
    /** Known only once the daemon has answered: what everything after the gate dials. */
    declare readonly host: pulumi.Output<string>;
    declare readonly port: pulumi.Output<number>;
    declare readonly apiVersion: pulumi.Output<string>;

    constructor(name: string, args: ReadinessGateArgs, opts?: pulumi.CustomResourceOptions) {
        const inputs: Record<Exclude<keyof GateInputs, "stoppedHint">, pulumi.Input<string | number>> & {
            readonly stoppedHint?: pulumi.Input<string>;
        } = {
            ...dialInputs(args.endpoint, args.client),
            serverCertPem: args.serverCertPem,
            timeoutSeconds: args.timeoutSeconds,
            revision: args.revision,
            ...(args.stoppedHint === undefined ? {} : { stoppedHint: args.stoppedHint }),
        };
        super(
            readinessGateProvider,
            name,
            { ...inputs, apiVersion: undefined },
            { ...opts, additionalSecretOutputs: ["clientKeyPem"] },
            "azure-docker-host",
            "DockerReadinessGate",
        );
    }
}
