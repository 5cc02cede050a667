import * as compute from "@pulumi/azure-native/compute";
import * as pulumi from "@pulumi/pulumi";
import { ScaleSetInstance } from "../../catalogue/scaleSetInstance";
import { DockerEndpoint, engineClientOf, listNodes, SwarmNode } from "../engine";
import { ClientTlsBundle } from "../pki/bundles";
import { joinScript, joinTokenVariable } from "./joinScript";

/** The instances of the scale set the swarm does not list: removed by hand, or never joined. */
export function unjoinedInstances(
    instances: readonly ScaleSetInstance[],
    nodes: readonly SwarmNode[],
): ScaleSetInstance[] {
    const listed = new Set(nodes.map((node) => node.hostname.toLowerCase()));
    return instances.filter((instance) => !listed.has(instance.computerName.toLowerCase()));
}

export interface RejoinArgs {
    /** The scale set's instances, as Azure lists them after its update. */
    readonly instances: pulumi.Output<ScaleSetInstance[]>;
    /** The manager's daemon, and how to reach it. */
    readonly endpoint: pulumi.Input<DockerEndpoint>;
    readonly client: ClientTlsBundle;
    readonly managerAddress: pulumi.Input<string>;
    readonly workerToken: pulumi.Input<string>;
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
    readonly parent: pulumi.Resource;
}

/**
 * Makes every instance of the scale set the swarm does not list join it again, and resolves to
 * their host names (undefined when there are none), for the membership to wait on.
 *
 * A worker removed by hand (`docker node rm --force`) lost its identity with the manager but not on
 * its own disk: it keeps reporting itself active, and the scale set's join script, which Azure runs
 * only when an instance is made, would never run again there. So, for each such instance, the
 * program declares a Run Command on its VM (a Flexible scale set's instances are ordinary VMs) that
 * leaves the stale swarm and joins anew, with the token in a protected parameter. The instances
 * are compared with the manager's node list while the program runs, so `pulumi preview` shows the
 * repair before it is made; once the worker is back, the next update removes the finished command.
 * A manager that cannot be asked (being made, or unreachable) rejoins nothing this time.
 */
export function rejoinUnjoinedWorkers(name: string, args: RejoinArgs): pulumi.Output<string[] | undefined> {
    const manager = pulumi
        .all([args.endpoint, args.client.caCertPem, args.client.certPem, args.client.keyPem])
        .apply(([endpoint, caCertPem, clientCertPem, clientKeyPem]) =>
            engineClientOf({ host: endpoint.host, port: endpoint.port, caCertPem, clientCertPem, clientKeyPem }),
        );
    const found = pulumi.all([args.instances, manager]).apply(async ([instances, client]) => {
        if (instances.length === 0) {
            return [];
        }
        // A few seconds at most: the preview waits on it.
        const nodes = await listNodes(client, 10_000).catch((error: Error) => {
            pulumi.log.debug(`the swarm's nodes could not be listed, so no worker is rejoined: ${error.message}`);
            return undefined;
        });
        return nodes ? unjoinedInstances(instances, nodes) : [];
    });
    // Host names are no secret, though they were found with the client's key. Left secret, an
    // absent list would reach the membership as a secret null rather than not at all: a change.
    return pulumi.unsecret(found).apply((unjoined) => {
        if (unjoined.length === 0) {
            return pulumi.output<string[] | undefined>(undefined);
        }
        const commands = unjoined.map(
            (instance) =>
                new compute.VirtualMachineRunCommandByVirtualMachine(
                    `${name}-${instance.computerName}`,
                    {
                        resourceGroupName: args.resourceGroupName,
                        location: args.location,
                        vmName: instance.vmName,
                        runCommandName: "rejoin-swarm",
                        source: {
                            script: pulumi
                                .output(args.managerAddress)
                                .apply((address) => joinScript(address, { leaveFirst: true })),
                        },
                        protectedParameters: [{ name: joinTokenVariable, value: pulumi.secret(args.workerToken) }],
                        asyncExecution: false,
                        timeoutInSeconds: 600,
                        treatFailureAsDeploymentFailure: true,
                    },
                    { parent: args.parent },
                ),
        );
        pulumi.log.info(
            `${unjoined.map((instance) => instance.computerName).join(", ")}: an instance of the scale set the swarm does not list; it is made to join again`,
            args.parent,
        );
        return pulumi
            .all(commands.map((command) => command.id))
            .apply((): string[] | undefined => unjoined.map((instance) => instance.computerName));
    });
}
