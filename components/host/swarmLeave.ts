import * as pulumi from "@pulumi/pulumi";
import { DialInputs, engineClientOf, leaveSwarm } from "../engine";
import { ClientTlsBundle, dialInputs } from "../pki/bundles";

export interface SwarmLeaveArgs {
    /** The daemon as it is before this update's provisioning: the host's name and port. */
    readonly endpoint: pulumi.Input<{ readonly host: string; readonly port: number }>;
    readonly client: ClientTlsBundle;
    /** Whether the host is meant to be a swarm manager; when it is not, it leaves any swarm. */
    readonly swarm: pulumi.Input<boolean>;
}

interface LeaveInputs extends DialInputs {
    readonly swarm: boolean;
}

interface LeaveOutputs {
    readonly host: string;
    readonly port: number;
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
    const placed = { host: inputs.host, port: inputs.port, swarm: inputs.swarm };
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

export const swarmLeaveProvider: pulumi.dynamic.ResourceProvider<LeaveInputs, LeaveOutputs> = {
    async create(inputs) {
        return { id: `${inputs.host}:${inputs.port}`, outs: await reconcile(inputs, false) };
    },
    async diff(_id, olds, news) {
        return { changes: (["host", "port", "swarm"] as const).some((key) => olds[key] !== news[key]) };
    },
    async update(_id, _olds, news) {
        return { outs: await reconcile(news, true) };
    },
};

/**
 * Makes the host leave its swarm when the swarm is turned off, ahead of the provisioning that
 * turns live-restore back on: the provisioning depends on it, so it always runs first.
 */
export class SwarmLeave extends pulumi.dynamic.Resource {
    declare readonly outcome: pulumi.Output<string>;

    constructor(name: string, args: SwarmLeaveArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            swarmLeaveProvider,
            name,
            { ...dialInputs(args.endpoint, args.client), swarm: args.swarm, outcome: undefined },
            { ...opts, additionalSecretOutputs: ["clientKeyPem"] },
            "azure-docker-host",
            "SwarmLeave",
        );
    }
}
