import * as pulumi from "@pulumi/pulumi";
import { MarketplaceImage } from "../../catalogue/provisioners";

export interface LinuxVmProfileArgs {
    readonly image: MarketplaceImage;
    readonly adminUsername: pulumi.Input<string>;
    readonly sshPublicKey: pulumi.Input<string>;
    /** cloud-init's user data, base64: fixed for the VM's life (Azure cannot change customData). */
    readonly customData: string;
    /** What one kind of VM adds to the Linux configuration (the host's agent and patching, say). */
    readonly linuxExtras?: Record<string, unknown>;
}

/**
 * What every VM of the program is, the host and each swarm worker alike: Linux from a Marketplace
 * image, reached by SSH key alone, its OS disk going with it, Trusted Launch with Secure Boot and a
 * vTPM, boot diagnostics on. The host VM and the scale set's VM profile spread it, each adding what
 * is its own (the computer name or prefix, disks, NICs, extensions).
 */
export function linuxVmProfile(args: LinuxVmProfileArgs) {
    return {
        osProfile: {
            adminUsername: args.adminUsername,
            customData: args.customData,
            linuxConfiguration: {
                disablePasswordAuthentication: true,
                ...args.linuxExtras,
                ssh: {
                    publicKeys: [
                        {
                            path: pulumi.interpolate`/home/${args.adminUsername}/.ssh/authorized_keys`,
                            keyData: args.sshPublicKey,
                        },
                    ],
                },
            },
        },
        storageProfile: {
            imageReference: args.image,
            osDisk: {
                createOption: "FromImage" as const,
                caching: "ReadWrite" as const,
                managedDisk: { storageAccountType: "StandardSSD_LRS" as const },
                deleteOption: "Delete" as const,
            },
        },
        securityProfile: {
            securityType: "TrustedLaunch" as const,
            uefiSettings: { secureBootEnabled: true, vTpmEnabled: true },
        },
        diagnosticsProfile: { bootDiagnostics: { enabled: true } },
    };
}
