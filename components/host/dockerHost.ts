import * as compute from "@pulumi/azure-native/compute";
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import { DockerEndpoint } from "../engine/endpoint";
import { ClientTlsBundle, ServerTlsBundle } from "../pki/bundles";
import { AutoShutdown, autoShutdownSchedule } from "./autoShutdown";
import { dataDiskLun } from "./dataDisk";
import { DockerProvisioning } from "./provisioning";
import { Provisioner } from "../../catalogue/provisioners";
import { provisionerTable } from "./provisioners";
import { DockerReadinessGate } from "./readinessGate";
import { linuxVmProfile } from "./linuxVmProfile";
import { hostSshKey } from "./sshKey";
import { SwarmLeave } from "./swarmLeave";
import { cloudConfig, renderUserData } from "./userData";

export interface DockerHostArgs {
    /** Decides which resources exist, so it is a plain value: the preflight has settled `auto`. */
    readonly provisioner: Provisioner;
    readonly vmSize: pulumi.Input<string>;
    /** NVMe for NVMe-only sizes (from the preflight); Azure's default otherwise. */
    readonly diskControllerType?: pulumi.Input<"NVMe">;
    /** The VM's Linux host name. */
    readonly computerName: pulumi.Input<string>;
    readonly adminUsername: pulumi.Input<string>;
    /** The operator's ssh-rsa key; without one an RSA 4096 pair is generated and its private key exported. */
    readonly sshPublicKey?: pulumi.Input<string>;
    /** Where a generated SSH key lived before it moved into the host (the Pki component's URN), for existing stacks. */
    readonly sshKeyFormerParent?: pulumi.Input<string>;
    readonly dockerPort: pulumi.Input<number>;
    /** A swarm manager's daemon; off by default. */
    readonly swarm?: pulumi.Input<boolean>;
    readonly dataDiskSizeGb: pulumi.Input<number>;
    /** A snapshot or disk the data disk is copied from (a restore); without one the disk starts empty. */
    readonly dataDiskSource?: string;
    readonly readinessTimeoutSeconds: pulumi.Input<number>;
    /** Set when the VM is known to be deallocated: a change that must reach Docker fails at once with it. */
    readonly stoppedHint?: string;
    /** A daily deallocation; none by default. */
    readonly autoShutdown?: AutoShutdown;
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
    readonly subnetId: pulumi.Input<string>;
    readonly publicIpId: pulumi.Input<string>;
    /** The name the server certificate carries: the readiness gate dials it. */
    readonly fqdn: pulumi.Input<string>;
    /** Delivered to the VM. */
    readonly server: ServerTlsBundle;
    /** What the readiness gate proves itself with. */
    readonly client: ClientTlsBundle;
}

/**
 * The Ubuntu VM that runs Docker: its NIC, a data disk that outlives it, the VM itself with its
 * SSH key, the provisioning that installs Docker with our server certificate, and a gate that waits
 * until the daemon answers over mutual TLS.
 */
export class DockerHost extends pulumi.ComponentResource {
    readonly vmName: pulumi.Output<string>;
    /** The VM's resource id: what Azure's start, deallocate and instance-view calls take. */
    readonly vmId: pulumi.Output<string>;
    readonly dataDiskId: pulumi.Output<string>;
    readonly dataDiskName: pulumi.Output<string>;
    /** From the readiness gate: known only once the daemon answers. */
    readonly endpoint: pulumi.Output<DockerEndpoint>;
    readonly sshPublicKey: pulumi.Output<string>;
    /** Only when the key pair was generated here; a secret. */
    readonly sshPrivateKey: pulumi.Output<string> | undefined;
    /** The VM's address on the virtual network (a swarm's workers dial it). */
    readonly privateIpAddress: pulumi.Output<string>;
    /** Changes whenever the daemon may have changed under us (new VM, certificates, settings). */
    readonly revision: pulumi.Output<string>;

    constructor(name: string, args: DockerHostArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azure-docker-host:index:DockerHost", name, {}, opts);
        const spec = provisionerTable[args.provisioner];
        const placement = { resourceGroupName: args.resourceGroupName, location: args.location };

        const sshKey = hostSshKey(name, args.sshPublicKey, this, args.sshKeyFormerParent);
        this.sshPublicKey = sshKey.publicKey;
        this.sshPrivateKey = sshKey.privateKey;

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

        this.privateIpAddress = nic.ipConfigurations.apply((configurations) => {
            const address = configurations?.[0]?.privateIPAddress;
            if (!address) {
                throw new Error(`Azure returned no private IP address for the NIC of ${name}`);
            }
            return address;
        });

        // Docker's data lives here, not on the OS disk: replacing the VM detaches and keeps it, and
        // `pulumi destroy` stops at it until an operator unprotects it on purpose.
        const dataDisk = new compute.Disk(
            `${name}-data`,
            {
                ...placement,
                sku: { name: "StandardSSD_LRS" },
                diskSizeGB: args.dataDiskSizeGb,
                // A copy keeps the source's file system, labelled as ours, which the boot script keeps.
                creationData: args.dataDiskSource
                    ? { createOption: "Copy", sourceResourceId: args.dataDiskSource }
                    : { createOption: "Empty" },
            },
            {
                parent: this,
                protect: true,
                // Azure cannot change where a disk came from ("Changing property 'creationData' is not
                // allowed") and azure-native would plan it as an update: a restore is a new disk.
                replaceOnChanges: ["creationData"],
            },
        );
        this.dataDiskId = dataDisk.id;
        this.dataDiskName = dataDisk.name;

        const profile = linuxVmProfile({
            image: spec.image,
            adminUsername: args.adminUsername,
            sshPublicKey: sshKey.publicKey,
            // Fixed for the VM's life: what can change travels with the extension instead.
            customData: Buffer.from(renderUserData(cloudConfig(spec.boot()))).toString("base64"),
            linuxExtras: {
                provisionVMAgent: true,
                patchSettings: {
                    patchMode: "AutomaticByPlatform",
                    assessmentMode: "AutomaticByPlatform",
                    automaticByPlatformSettings: { rebootSetting: "IfRequired" },
                },
            },
        });
        const vm = new compute.VirtualMachine(
            `${name}-vm`,
            {
                ...placement,
                ...profile,
                hardwareProfile: { vmSize: args.vmSize },
                storageProfile: {
                    ...(args.diskControllerType ? { diskControllerType: args.diskControllerType } : {}),
                    ...profile.storageProfile,
                    dataDisks: [
                        {
                            // The LUN the boot script looks for the disk at.
                            lun: dataDiskLun,
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
                osProfile: { computerName: args.computerName, ...profile.osProfile },
                networkProfile: { networkInterfaces: [{ id: nic.id, primary: true }] },
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
                    // A new data disk (a restore) attaches to a new VM, never under a running daemon.
                    "storageProfile.dataDisks[*].managedDisk.id",
                ],
                deleteBeforeReplace: true,
            },
        );
        this.vmName = vm.name;
        this.vmId = vm.id;
        if (args.autoShutdown) {
            autoShutdownSchedule(
                `${name}-auto-shutdown`,
                {
                    shutdown: args.autoShutdown,
                    vmName: vm.name,
                    vmId: vm.id,
                    resourceGroupName: args.resourceGroupName,
                    location: args.location,
                },
                { parent: this },
            );
        }

        // Before the provisioning can change the daemon's settings, a swarm turned off must be left.
        const swarmLeave = new SwarmLeave(
            `${name}-swarm-leave`,
            {
                endpoint: pulumi.all([args.fqdn, args.dockerPort]).apply(([host, port]) => ({ host, port })),
                client: args.client,
                swarm: args.swarm ?? false,
            },
            { parent: this, dependsOn: [vm] },
        );

        const provisioning = new DockerProvisioning(
            `${name}-provisioning`,
            {
                provisioner: args.provisioner,
                dockerPort: args.dockerPort,
                swarm: args.swarm ?? false,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                vmName: vm.name,
                server: args.server,
                // The size as asked, known in every preview (the disk's output is not while a restore
                // replaces it); the dependency on the disk makes the growth run after Azure grew it.
                dataDiskSizeGb: args.dataDiskSizeGb,
            },
            { parent: this, dependsOn: [swarmLeave, dataDisk] },
        );

        const gate = new DockerReadinessGate(
            `${name}-ready`,
            {
                endpoint: pulumi.all([args.fqdn, args.dockerPort]).apply(([host, port]) => ({ host, port })),
                client: args.client,
                serverCertPem: args.server.certPem,
                timeoutSeconds: args.readinessTimeoutSeconds,
                revision: provisioning.revision,
                ...(args.stoppedHint ? { stoppedHint: args.stoppedHint } : {}),
            },
            { parent: this, dependsOn: [provisioning] },
        );
        this.endpoint = pulumi.all([gate.host, gate.port]).apply(([host, port]) => ({ host, port }));
        this.revision = provisioning.revision;

        this.registerOutputs({ vmName: this.vmName, dataDiskId: this.dataDiskId, endpoint: this.endpoint });
    }
}
