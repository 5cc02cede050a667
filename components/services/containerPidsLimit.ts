import * as pulumi from "@pulumi/pulumi";
import { DialInputs, DockerEndpoint, engineClientOf, setPidsLimit } from "../engine";
import { ClientTlsBundle, dialInputs } from "../pki/bundles";

export interface ContainerPidsLimitArgs {
    readonly endpoint: pulumi.Input<DockerEndpoint>;
    readonly client: ClientTlsBundle;
    readonly containerId: pulumi.Input<string>;
    readonly pidsLimit: pulumi.Input<number>;
}

interface LimitInputs extends DialInputs {
    readonly containerId: string;
    readonly pidsLimit: number;
}

/** What stays in state: no key material. */
interface LimitOutputs {
    readonly host: string;
    readonly port: number;
    readonly containerId: string;
    readonly pidsLimit: number;
}

/** `host:port` of either shape: this one, or the `dockerHost` URL earlier releases kept in state. */
function daemonOf(state: Partial<LimitInputs> & { readonly dockerHost?: string }): string {
    return state.host !== undefined ? `${state.host}:${state.port}` : (state.dockerHost ?? "").replace(/^tcp:\/\//, "");
}

async function applyLimit(inputs: LimitInputs): Promise<LimitOutputs> {
    await setPidsLimit(engineClientOf(inputs), inputs.containerId, inputs.pidsLimit);
    return { host: inputs.host, port: inputs.port, containerId: inputs.containerId, pidsLimit: inputs.pidsLimit };
}

export const containerPidsLimitProvider: pulumi.dynamic.ResourceProvider<LimitInputs, LimitOutputs> = {
    async create(inputs) {
        const outs = await applyLimit(inputs);
        return { id: `${outs.containerId}/pids`, outs };
    },
    async diff(_id, olds, news) {
        const changed =
            olds.containerId !== news.containerId ||
            olds.pidsLimit !== news.pidsLimit ||
            daemonOf(olds) !== daemonOf(news);
        return { changes: changed };
    },
    async update(_id, _olds, news) {
        return { outs: await applyLimit(news) };
    },
};

/**
 * A cgroup pids limit for one container. The docker provider's Container has no pids_limit, yet a
 * fork bomb in a container must not take the host down (CIS Docker Benchmark 5.28).
 */
export class ContainerPidsLimit extends pulumi.dynamic.Resource {
    declare readonly pidsLimit: pulumi.Output<number>;

    constructor(name: string, args: ContainerPidsLimitArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            containerPidsLimitProvider,
            name,
            {
                ...dialInputs(args.endpoint, args.client),
                containerId: args.containerId,
                pidsLimit: args.pidsLimit,
            },
            { ...opts, additionalSecretOutputs: ["clientKeyPem"] },
            "azure-docker-host",
            "ContainerPidsLimit",
        );
    }
}
