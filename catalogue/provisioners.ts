/** An Azure Marketplace image, as a VM's storageProfile.imageReference names it. */
export interface MarketplaceImage {
    readonly publisher: string;
    readonly offer: string;
    readonly sku: string;
    readonly version: string;
}

/** A VM extension handler, as a VirtualMachineExtension names it; the config check finds it published. */
export interface ExtensionHandler {
    readonly publisher: string;
    readonly type: string;
    readonly typeHandlerVersion: string;
}

/** An extension resource the program declares on the VM. */
export interface ProvisioningExtension extends ExtensionHandler {
    /** The extension's name on the VM. */
    readonly vmExtensionName: string;
    /** Ends the resource's logical name (`<host>-provisioning-<suffix>`); part of existing stacks' URNs. */
    readonly resourceSuffix: string;
}

/** Where the daemon's TLS files live on the VM. */
export interface DaemonTlsFiles {
    readonly caCert: string;
    readonly serverCert: string;
    readonly serverKey: string;
}

/**
 * What is known of one way of installing Docker before anything is declared: the image the VM
 * boots, the extension that finishes the job, where the daemon's TLS files go, and how a grown data
 * disk reaches its file system. Config validation, the check against Azure, the host and the CLI
 * read it; what each provisioner sends the VM is the host's (components/host/provisioners).
 */
export interface ProvisionerEntry {
    /** In one line, for docs and messages. */
    readonly summary: string;
    readonly image: MarketplaceImage;
    readonly extension: ProvisioningExtension;
    readonly tlsFiles: DaemonTlsFiles;
    /**
     * How a data disk Azure has grown reaches its file system, in place: the provisioning's own
     * script grows it when it runs again (its tag carries the disk's size), or, where the
     * provisioning runs no script of ours, a CustomScript extension of its own does.
     */
    readonly dataDiskGrowth: "provisioning-script" | "own-extension";
}

/** Azure's CustomScript handler for Linux, 2.1: runs a script once per configuration, as root. */
const customScriptHandler = {
    publisher: "Microsoft.Azure.Extensions",
    type: "CustomScript",
    typeHandlerVersion: "2.1",
} as const;

export const provisionerCatalogue = {
    /**
     * Azure's Docker VM extension, as `azure vm docker create` used it (Azure/azure-docker-extension,
     * deprecated upstream). Pinned to 1.2: the 1.1 handlers write `ExecStart=/usr/bin/docker daemon`,
     * which no Docker Engine since 17.x can run. It writes the certificates to /etc/docker.
     */
    "docker-extension": {
        summary: "Azure's Docker VM extension on Ubuntu 22.04",
        image: {
            publisher: "Canonical",
            offer: "0001-com-ubuntu-server-jammy",
            sku: "22_04-lts-gen2",
            version: "latest",
        },
        extension: {
            vmExtensionName: "DockerExtension",
            resourceSuffix: "extension",
            publisher: "Microsoft.Azure.Extensions",
            type: "DockerExtension",
            typeHandlerVersion: "1.2",
        },
        tlsFiles: {
            caCert: "/etc/docker/ca.pem",
            serverCert: "/etc/docker/cert.pem",
            serverKey: "/etc/docker/key.pem",
        },
        dataDiskGrowth: "own-extension",
    },
    /** Docker Engine from Ubuntu's archive on Ubuntu 24.04, its TLS material delivered by CustomScript. */
    "cloud-init": {
        summary: "Docker from Ubuntu's archive by cloud-init on Ubuntu 24.04",
        image: { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" },
        extension: {
            vmExtensionName: "install-docker-tls",
            resourceSuffix: "certificates",
            ...customScriptHandler,
        },
        tlsFiles: {
            caCert: "/etc/docker/tls/ca.pem",
            serverCert: "/etc/docker/tls/server-cert.pem",
            serverKey: "/etc/docker/tls/server-key.pem",
        },
        dataDiskGrowth: "provisioning-script",
    },
} as const satisfies Record<string, ProvisionerEntry>;

export type Provisioner = keyof typeof provisionerCatalogue;
export const provisioners = Object.keys(provisionerCatalogue) as Provisioner[];

/** The CustomScript extension that grows the data disk's file system beside the Docker extension. */
export const dataDiskGrowthExtension: ProvisioningExtension = {
    vmExtensionName: "grow-data-disk",
    resourceSuffix: "disk",
    ...customScriptHandler,
};
