import * as compute from "@pulumi/azure-native/compute";
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import { HostSettings, Provisioner } from "../config";
import { DiskControllerType } from "./preflight";
import { hostnameFor } from "./dnsLabel";
import { DockerProvisioning } from "./dockerProvisioning";
import { ubuntuImages } from "./provisioning/catalogue";
import { cloudConfig, renderUserData } from "./provisioning/userData";
import { DockerReadinessGate } from "./readinessGate";
import { ClientTlsMaterial, clientTlsMaterial, ServerTlsMaterial } from "./tlsMaterial";

/** The daemon's side, delivered to the VM, and the client side, which the readiness gate dials with. */
export type HostTlsMaterial = ServerTlsMaterial & ClientTlsMaterial;

export interface DockerHostArgs {
    readonly settings: HostSettings;
    /** The provisioner the preflight resolved (`auto` settled). */
    readonly provisioner: Provisioner;
    /** NVMe for NVMe-only sizes, from the preflight; Azure's default otherwise. */
    readonly diskControllerType: DiskControllerType;
    readonly stack: string;
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: string;
    readonly subnetId: pulumi.Input<string>;
    readonly publicIpId: pulumi.Input<string>;
    readonly fqdn: pulumi.Input<string>;
    readonly sshPublicKey: pulumi.Input<string>;
    readonly tls: HostTlsMaterial;
}

/**
 * The Ubuntu VM that runs Docker: its NIC, a data disk that outlives it, the VM itself, the
 * provisioning that installs Docker with our server certificate, and a gate that waits until the
 * daemon answers over mutual TLS.
 */
export class DockerHost extends pulumi.ComponentResource {
    readonly vmName: pulumi.Output<string>;
    readonly dataDiskId: pulumi.Output<string>;
    /** `tcp://<fqdn>:<port>`, from the readiness gate: known only once the daemon answers. */
    readonly dockerHost: pulumi.Output<string>;

    constructor(name: string, args: DockerHostArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azure-docker-host:index:DockerHost", name, {}, opts);
        const { settings } = args;
        const placement = { resourceGroupName: args.resourceGroupName, location: args.location };

        const nic = new network.NetworkInterface(
            `${name}-nic`,
            {
                ...placement,
                ipConfigurations: [
                    {
                        name: "primary",
                        primary: true,
                        subnet: { id: args.subnetId },
                        publicIPAddress: { id: args.publicIpId },
                        privateIPAllocationMethod: "Dynamic",
                    },
                ],
            },
            { parent: this },
        );

        // Docker's data lives here, not on the OS disk: replacing the VM detaches and keeps it, and
        // `pulumi destroy` stops at it until an operator unprotects it on purpose.
        const dataDisk = new compute.Disk(
            `${name}-data`,
            {
                ...placement,
                sku: { name: "StandardSSD_LRS" },
                diskSizeGB: settings.dataDiskSizeGb,
                creationData: { createOption: "Empty" },
            },
            { parent: this, protect: true },
        );
        this.dataDiskId = dataDisk.id;

        const vm = new compute.VirtualMachine(
            `${name}-vm`,
            {
                ...placement,
                hardwareProfile: { vmSize: settings.vmSize },
                storageProfile: {
                    ...(args.diskControllerType ? { diskControllerType: args.diskControllerType } : {}),
                    imageReference: ubuntuImages[args.provisioner],
                    osDisk: {
                        createOption: "FromImage",
                        caching: "ReadWrite",
                        managedDisk: { storageAccountType: "StandardSSD_LRS" },
                        deleteOption: "Delete",
                    },
                    dataDisks: [
                        {
                            lun: 0,
                            createOption: "Attach",
                            // Docker's data is mostly written (layers, volumes, redis's AOF, mongodb's
                            // journal). A read cache only adds latency to those writes, and a write-back
                            // cache would acknowledge an fsync before the disk has the data, breaking
                            // the crash consistency the services' recovery relies on.
                            caching: "None",
                            managedDisk: { id: dataDisk.id },
                            deleteOption: "Detach",
                        },
                    ],
                },
                osProfile: {
                    computerName: hostnameFor(args.stack),
                    adminUsername: settings.adminUsername,
                    customData: Buffer.from(
                        renderUserData(cloudConfig(args.provisioner, settings.dockerPort)),
                    ).toString("base64"),
                    linuxConfiguration: {
                        disablePasswordAuthentication: true,
                        provisionVMAgent: true,
                        ssh: {
                            publicKeys: [
                                {
                                    path: `/home/${settings.adminUsername}/.ssh/authorized_keys`,
                                    keyData: args.sshPublicKey,
                                },
                            ],
                        },
                        patchSettings: {
                            patchMode: "AutomaticByPlatform",
                            assessmentMode: "AutomaticByPlatform",
                            automaticByPlatformSettings: { rebootSetting: "IfRequired" },
                        },
                    },
                },
                networkProfile: { networkInterfaces: [{ id: nic.id, primary: true }] },
                diagnosticsProfile: { bootDiagnostics: { enabled: true } },
                securityProfile: {
                    securityType: "TrustedLaunch",
                    uefiSettings: { secureBootEnabled: true, vTpmEnabled: true },
                },
            },
            {
                parent: this,
                // Azure refuses to change these on an existing VM; a change must build a new VM. The
                // old one goes first, because the data disk and the NIC attach to one VM at a time.
                replaceOnChanges: [
                    "osProfile.customData",
                    "osProfile.adminUsername",
                    "osProfile.linuxConfiguration.ssh",
                    "storageProfile.imageReference",
                ],
                deleteBeforeReplace: true,
            },
        );
        this.vmName = vm.name;

        const provisioning = new DockerProvisioning(
            `${name}-provisioning`,
            {
                provisioner: args.provisioner,
                dockerPort: settings.dockerPort,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                vmName: vm.name,
                tls: args.tls,
            },
            { parent: this },
        );

        const gate = new DockerReadinessGate(
            `${name}-ready`,
            {
                ...clientTlsMaterial(args.tls),
                serverCertPem: args.tls.serverCertPem,
                host: args.fqdn,
                port: settings.dockerPort,
                timeoutSeconds: settings.readinessTimeoutSeconds,
                revision: provisioning.revision,
            },
            { parent: this, dependsOn: [provisioning] },
        );
        this.dockerHost = gate.dockerHost;

        this.registerOutputs({ vmName: this.vmName, dataDiskId: this.dataDiskId, dockerHost: this.dockerHost });
    }
}
