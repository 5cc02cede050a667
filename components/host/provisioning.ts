import * as compute from "@pulumi/azure-native/compute";
import * as pulumi from "@pulumi/pulumi";
import { ServerTlsBundle } from "../pki/bundles";
import { dataDiskGrowthExtension, Provisioner } from "../../catalogue/provisioners";
import { provisionerTable, upkeepScript, provisioningRevision } from "./provisioners";

export interface DockerProvisioningArgs {
    readonly provisioner: Provisioner;
    readonly dockerPort: pulumi.Input<number>;
    /** A swarm manager: the daemon runs without live-restore, which swarm mode refuses. */
    readonly swarm: pulumi.Input<boolean>;
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
    readonly vmName: pulumi.Input<string>;
    readonly server: ServerTlsBundle;
    /** The data disk's size: when Azure grows it, the file system on it is grown in place. */
    readonly dataDiskSizeGb: pulumi.Input<number>;
}

/**
 * The provisioner's VM extension: it finishes installing Docker and delivers the daemon's settings
 * and its server certificate and key, the key through protected settings, which Azure encrypts and never returns;
 * azure-native does not mark them secret, so we do. Renewing a certificate or changing a daemon
 * setting updates the extension in place (a new forceUpdateTag makes Azure run it again): the VM and
 * its data disk stay.
 */
export class DockerProvisioning extends pulumi.ComponentResource {
    /** Changes when the extension is re-created or re-applied: the readiness gate waits again then. */
    readonly revision: pulumi.Output<string>;

    constructor(name: string, args: DockerProvisioningArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azure-docker-host:index:DockerProvisioning", name, {}, opts);
        const spec = provisionerTable[args.provisioner];
        const { server } = args;
        const daemon = pulumi.all([args.dockerPort, args.swarm]).apply(([port, swarm]) => ({ port, swarm }));
        // Public material only: the tag shows in diffs and makes Azure re-run the extension whenever a
        // certificate or a daemon setting changes, even though it cannot compare protected settings.
        const revision = pulumi
            .all([server.caCertPem, server.certPem, daemon])
            .apply(([ca, cert, settings]) => provisioningRevision(ca, cert, settings));

        const extension = new compute.VirtualMachineExtension(
            `${name}-${spec.extension.resourceSuffix}`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                vmName: args.vmName,
                vmExtensionName: spec.extension.vmExtensionName,
                publisher: spec.extension.publisher,
                type: spec.extension.type,
                typeHandlerVersion: spec.extension.typeHandlerVersion,
                autoUpgradeMinorVersion: true,
                // The size too, where this extension's script grows the disk's file system.
                forceUpdateTag:
                    spec.dataDiskGrowth === "provisioning-script"
                        ? pulumi.interpolate`${revision}-${args.dataDiskSizeGb}g`
                        : revision,
                settings: pulumi.all([daemon, revision]).apply(([settings, tag]) => spec.settings(settings, tag)),
                protectedSettings: pulumi.secret(
                    pulumi
                        .all([server.caCertPem, server.certPem, server.keyPem, daemon])
                        .apply(([caCertPem, certPem, keyPem, settings]) =>
                            spec.protectedSettings({ side: "server", caCertPem, certPem, keyPem }, settings),
                        ),
                ),
            },
            // What the provisioning must wait for (the host leaving a swarm) holds for the extension.
            { parent: this, dependsOn: opts?.dependsOn },
        );
        this.revision = pulumi.interpolate`${extension.id}#${revision}`;
        if (spec.dataDiskGrowth === "own-extension") {
            const growth = dataDiskGrowthExtension;
            new compute.VirtualMachineExtension(
                `${name}-${growth.resourceSuffix}`,
                {
                    resourceGroupName: args.resourceGroupName,
                    location: args.location,
                    vmName: args.vmName,
                    vmExtensionName: growth.vmExtensionName,
                    publisher: growth.publisher,
                    type: growth.type,
                    typeHandlerVersion: growth.typeHandlerVersion,
                    autoUpgradeMinorVersion: true,
                    // Runs again whenever the disk's size changes.
                    forceUpdateTag: pulumi.interpolate`${args.dataDiskSizeGb}g`,
                    settings: { script: Buffer.from(upkeepScript()).toString("base64") },
                },
                { parent: this, dependsOn: [extension] },
            );
        }
        this.registerOutputs({ revision: this.revision });
    }
}
