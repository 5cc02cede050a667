import * as compute from "@pulumi/azure-native/compute";
import * as pulumi from "@pulumi/pulumi";
import { ServerTlsBundle } from "../pki/bundles";
import { certificateRevision, Provisioner, provisionerTable } from "./provisioners";

export interface DockerProvisioningArgs {
    readonly provisioner: Provisioner;
    readonly dockerPort: pulumi.Input<number>;
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
    readonly vmName: pulumi.Input<string>;
    readonly server: ServerTlsBundle;
}

/**
 * The provisioner's VM extension: it finishes installing Docker and delivers the daemon's server
 * certificate and key through protected settings, which Azure encrypts and never returns;
 * azure-native does not mark them secret, so we do. Renewing a certificate updates the extension
 * in place (a new forceUpdateTag makes Azure run it again): the VM and its data disk stay.
 */
export class DockerProvisioning extends pulumi.ComponentResource {
    /** Changes when the extension is re-created or re-applied: the readiness gate waits again then. */
    readonly revision: pulumi.Output<string>;

    constructor(name: string, args: DockerProvisioningArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azure-docker-host:index:DockerProvisioning", name, {}, opts);
        const spec = provisionerTable[args.provisioner];
        const { server } = args;
        // Public certificates only: the tag shows in diffs and makes Azure re-run the extension
        // whenever a certificate changes, even though it cannot compare protected settings.
        const certificateTag = pulumi
            .all([server.caCertPem, server.certPem])
            .apply(([ca, cert]) => certificateRevision(ca, cert));

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
                forceUpdateTag: certificateTag,
                settings: pulumi
                    .all([args.dockerPort, certificateTag])
                    .apply(([port, revision]) => spec.settings(port, revision)),
                protectedSettings: pulumi.secret(
                    pulumi
                        .all([server.caCertPem, server.certPem, server.keyPem])
                        .apply(([caCertPem, certPem, keyPem]) =>
                            spec.protectedSettings({ side: "server", caCertPem, certPem, keyPem }),
                        ),
                ),
            },
            { parent: this },
        );
        this.revision = pulumi.interpolate`${extension.id}#${certificateTag}`;
        this.registerOutputs({ revision: this.revision });
    }
}
