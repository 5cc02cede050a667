import * as pulumi from "@pulumi/pulumi";
import { DialInputs, DockerEndpoint, engineClientOf, pruneDownWorkers, waitForWorkersAtMost } from "../engine";
import { ClientTlsBundle, dialInputs } from "../pki/bundles";

export interface SwarmMembershipArgs {
    readonly endpoint: pulumi.Input<DockerEndpoint>;
    readonly client: ClientTlsBundle;
    /** The scale set's capacity: every change of it is followed by a reconcile. */
    readonly workers: pulumi.Input<number>;
    /** Changes when the scale set does. */
    readonly scaleSetRevision: pulumi.Input<string>;
}

interface MembershipInputs extends DialInputs {
    readonly workers: number;
    readonly scaleSetRevision: string;
}

interface MembershipOutputs {
    readonly host: string;
    readonly port: number;
    readonly workers: number;
    readonly scaleSetRevision: string;
    /** Host names of the workers the last reconcile removed. */
    readonly removed: string[];
}

async function reconcile(inputs: MembershipInputs): Promise<MembershipOutputs> {
    const client = engineClientOf(inputs);
    // Departed workers may still look ready until their heartbeats time out.
    await waitForWorkersAtMost(client, inputs.workers, 120_000);
    const removed = await pruneDownWorkers(client);
    return {
        host: inputs.host,
        port: inputs.port,
        workers: inputs.workers,
        scaleSetRevision: inputs.scaleSetRevision,
        removed,
    };
}

export const swarmMembershipProvider: pulumi.dynamic.ResourceProvider<MembershipInputs, MembershipOutputs> = {
    async create(inputs) {
        return { id: "swarm-membership", outs: await reconcile(inputs) };
    },
    async diff(_id, olds, news) {
        const keys = ["host", "port", "workers", "scaleSetRevision"] as const;
        return { changes: keys.some((key) => olds[key] !== news[key]) };
    },
    async update(_id, _olds, news) {
        return { outs: await reconcile(news) };
    },
};

/**
 * After every change of the scale set, removes the workers it took away from the swarm's node list:
 * a worker leaves the swarm when Azure schedules its removal (its terminate notification), and is
 * then "down" until someone deletes the node; this is that someone. Managers are never touched.
 */
export class SwarmMembership extends pulumi.dynamic.Resource {
    declare readonly removed: pulumi.Output<string[]>;

    constructor(name: string, args: SwarmMembershipArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            swarmMembershipProvider,
            name,
            {
                ...dialInputs(args.endpoint, args.client),
                workers: args.workers,
                scaleSetRevision: args.scaleSetRevision,
                removed: undefined,
            },
            { ...opts, additionalSecretOutputs: ["clientKeyPem"] },
            "azure-docker-host",
            "SwarmMembership",
        );
    }
}
