import * as compute from "@pulumi/azure-native/compute";
import * as pulumi from "@pulumi/pulumi";
import { DockerEndpoint } from "../engine/endpoint";
import { linuxVmProfile } from "../host/linuxVmProfile";
import { provisionerTable } from "../host/provisioners";
import { cloudConfig, renderUserData } from "../host/userData";
import { ScaleSetInstance } from "../../catalogue/scaleSetInstance";
import { ClientTlsBundle } from "../pki/bundles";
import { overlayAddressPool } from "./addressPool";
import { joinScript } from "./joinScript";
import { SwarmManager } from "./manager";
import { SwarmMembership } from "./membership";
import { rejoinUnjoinedWorkers } from "./rejoin";
import { workerBoot } from "./workerBoot";

export interface SwarmArgs {
    /** How many workers; the scale set's capacity, so the graph does not grow with it. */
    readonly workers: pulumi.Input<number>;
    readonly workerVmSize: pulumi.Input<string>;
    /** The host's daemon (the manager), from the readiness gate. */
    readonly endpoint: pulumi.Input<DockerEndpoint>;
    readonly client: ClientTlsBundle;
    /** The host's private IP, which the workers dial on 2377. */
    readonly managerPrivateIp: pulumi.Input<string>;
    /** Changes when the host's daemon may have changed: the manager is looked at again then. */
    readonly hostRevision: pulumi.Input<string>;
    readonly vnetAddressSpace: string;
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
    readonly subnetId: pulumi.Input<string>;
    readonly computerNamePrefix: pulumi.Input<string>;
    readonly adminUsername: pulumi.Input<string>;
    readonly sshPublicKey: pulumi.Input<string>;
    /**
     * The scale set's instances as Azure lists them now (the preflight's client); without it
     * (preflight off) departed workers stay in the node list, and one removed by hand is not rejoined.
     */
    readonly scaleSetInstances?: (scaleSetId: string) => Promise<ScaleSetInstance[]>;
    /** The preflight found the host deallocated: its daemon is not asked for the swarm's nodes. */
    readonly hostStopped?: boolean;
}

/**
 * A Docker Swarm-mode cluster grown out of the host: the host is its one manager, initialised over
 * mutual TLS; the workers are one VM Scale Set (Flexible orchestration) of Ubuntu 24.04 with Docker
 * from cloud-init, joined by a CustomScript whose token travels in protected settings only. They
 * have no public IP and no Docker TCP port. After every change of the scale set, workers it removed
 * are deleted from the swarm's node list.
 */
export class Swarm extends pulumi.ComponentResource {
    readonly manager: SwarmManager;
    /** `ip:2377`. */
    readonly managerAddress: pulumi.Output<string>;
    readonly scaleSetId: pulumi.Output<string>;

    constructor(name: string, args: SwarmArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azure-docker-host:index:Swarm", name, {}, opts);
        this.manager = new SwarmManager(
            `${name}-manager`,
            {
                endpoint: args.endpoint,
                client: args.client,
                advertiseAddress: args.managerPrivateIp,
                defaultAddressPool: overlayAddressPool(args.vnetAddressSpace),
                revision: args.hostRevision,
            },
            { parent: this },
        );
        this.managerAddress = this.manager.managerAddress;

        const customScript = provisionerTable["cloud-init"].extension;
        const profile = linuxVmProfile({
            image: provisionerTable["cloud-init"].image,
            adminUsername: args.adminUsername,
            sshPublicKey: args.sshPublicKey,
            customData: Buffer.from(renderUserData(cloudConfig(workerBoot()))).toString("base64"),
        });
        const scaleSet = new compute.VirtualMachineScaleSet(
            `${name}-workers`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                orchestrationMode: "Flexible",
                platformFaultDomainCount: 1,
                singlePlacementGroup: false,
                sku: { name: args.workerVmSize, tier: "Standard", capacity: args.workers },
                // The newest go first: they hold the fewest tasks.
                scaleInPolicy: { rules: ["NewestVM"] },
                virtualMachineProfile: {
                    ...profile,
                    osProfile: { computerNamePrefix: args.computerNamePrefix, ...profile.osProfile },
                    networkProfile: {
                        networkApiVersion: "2020-11-01",
                        networkInterfaceConfigurations: [
                            {
                                name: "worker",
                                primary: true,
                                deleteOption: "Delete",
                                // No public IP: outbound goes through the subnet's NAT gateway.
                                ipConfigurations: [{ name: "primary", primary: true, subnet: { id: args.subnetId } }],
                            },
                        ],
                    },
                    // The chance to leave the swarm before the VM goes: see workerBoot's watcher.
                    scheduledEventsProfile: {
                        terminateNotificationProfile: { enable: true, notBeforeTimeout: "PT5M" },
                    },
                    extensionProfile: {
                        extensions: [
                            {
                                name: "join-swarm",
                                publisher: customScript.publisher,
                                type: customScript.type,
                                typeHandlerVersion: customScript.typeHandlerVersion,
                                autoUpgradeMinorVersion: true,
                                protectedSettings: pulumi.secret(
                                    pulumi
                                        .all([this.manager.managerAddress, this.manager.workerToken])
                                        .apply(([address, token]) => ({
                                            script: Buffer.from(joinScript(address, { token })).toString("base64"),
                                        })),
                                ),
                            },
                        ],
                    },
                },
            },
            { parent: this },
        );
        this.scaleSetId = scaleSet.id;

        const lister = args.scaleSetInstances;
        // Read once the scale set's update is done: the instances it has kept and added.
        const instances = lister ? scaleSet.id.apply((id) => lister(id)) : undefined;
        const rejoined =
            instances && !args.hostStopped
                ? rejoinUnjoinedWorkers(`${name}-rejoin`, {
                      instances,
                      endpoint: args.endpoint,
                      client: args.client,
                      managerAddress: this.manager.managerAddress,
                      workerToken: this.manager.workerToken,
                      resourceGroupName: args.resourceGroupName,
                      location: args.location,
                      parent: this,
                  })
                : undefined;
        new SwarmMembership(
            `${name}-membership`,
            {
                endpoint: args.endpoint,
                client: args.client,
                workers: args.workers,
                scaleSetRevision: pulumi.interpolate`${scaleSet.id}#${args.workers}`,
                ...(instances
                    ? { instances: instances.apply((each) => each.map((instance) => instance.computerName)) }
                    : {}),
                ...(rejoined ? { rejoined } : {}),
            },
            { parent: this, dependsOn: [scaleSet] },
        );
        this.registerOutputs({ managerAddress: this.managerAddress, scaleSetId: this.scaleSetId });
    }
}
