import * as pulumi from "@pulumi/pulumi";
import { certificateFingerprint, defaultBackoff, DockerTlsEndpoint, waitForDocker } from "./dockerPing";
import { ClientTlsMaterial } from "./tlsMaterial";

export interface ReadinessGateArgs extends ClientTlsMaterial {
    readonly host: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    readonly timeoutSeconds: pulumi.Input<number>;
    /** The certificate the daemon must serve: the gate waits while it serves any other. */
    readonly serverCertPem: pulumi.Input<string>;
    /**
     * Changes whenever the daemon may have changed under us (new VM, renewed certificates), so the
     * gate waits for the daemon again instead of trusting an old answer.
     */
    readonly revision: pulumi.Input<string>;
}

interface GateInputs extends DockerTlsEndpoint {
    readonly timeoutSeconds: number;
    readonly serverCertPem: string;
    readonly revision: string;
}

/** What the gate keeps in state: no key material, only what proves which daemon answered. */
interface GateOutputs {
    readonly host: string;
    readonly port: number;
    readonly caCertPem: string;
    readonly clientCertPem: string;
    readonly serverCertPem: string;
    readonly timeoutSeconds: number;
    readonly revision: string;
    readonly dockerHost: string;
    readonly apiVersion: string;
}

const comparedInputs = ["host", "port", "caCertPem", "clientCertPem", "serverCertPem", "revision"] as const;

async function verify(inputs: GateInputs): Promise<GateOutputs> {
    const result = await waitForDocker(
        inputs,
        { ...defaultBackoff, timeoutMs: inputs.timeoutSeconds * 1000 },
        certificateFingerprint(inputs.serverCertPem),
    );
    return {
        host: inputs.host,
        port: inputs.port,
        caCertPem: inputs.caCertPem,
        clientCertPem: inputs.clientCertPem,
        serverCertPem: inputs.serverCertPem,
        timeoutSeconds: inputs.timeoutSeconds,
        revision: inputs.revision,
        dockerHost: `tcp://${inputs.host}:${inputs.port}`,
        apiVersion: result.apiVersion ?? "",
    };
}

/**
 * Pure-Node dynamic provider: create and update both wait until the daemon answers over mutual TLS
 * with exactly the issued server certificate, so "renewal finished" is observed, not assumed.
 * It needs no plugin; Pulumi serializes these functions into the state.
 */
export const readinessGateProvider: pulumi.dynamic.ResourceProvider<GateInputs, GateOutputs> = {
    async create(inputs) {
        const outs = await verify(inputs);
        return { id: outs.dockerHost, outs };
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
    /** `tcp://<host>:<port>`, known only once the daemon has answered. */
    declare readonly dockerHost: pulumi.Output<string>;
    declare readonly apiVersion: pulumi.Output<string>;

    constructor(name: string, args: ReadinessGateArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            readinessGateProvider,
            name,
            { ...args, dockerHost: undefined, apiVersion: undefined },
            { ...opts, additionalSecretOutputs: ["clientKeyPem"] },
            "azure-docker-host",
            "DockerReadinessGate",
        );
    }
}
