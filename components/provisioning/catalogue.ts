import { Provisioner } from "../../config";

/** An Azure Marketplace image, as a VM's storageProfile.imageReference names it. */
export interface MarketplaceImage {
    readonly publisher: string;
    readonly offer: string;
    readonly sku: string;
    readonly version: string;
}

/** A VM extension handler, as a VirtualMachineExtension names it. */
export interface ExtensionHandler {
    readonly publisher: string;
    readonly type: string;
    readonly typeHandlerVersion: string;
}

/** Canonical's gen2 images: 22.04 for Azure's Docker extension (its last known-good), 24.04 otherwise. */
export const ubuntuImages: Readonly<Record<Provisioner, MarketplaceImage>> = {
    "docker-extension": {
        publisher: "Canonical",
        offer: "0001-com-ubuntu-server-jammy",
        sku: "22_04-lts-gen2",
        version: "latest",
    },
    "cloud-init": { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" },
};

/**
 * The Docker VM extension as `azure vm docker create` used it; deprecated upstream. Pinned to 1.2:
 * the 1.1 handlers write `ExecStart=/usr/bin/docker daemon ...` into docker.service, which no Docker
 * Engine since 17.x can run; 1.2 writes `/usr/bin/dockerd` (Azure/azure-docker-extension 1.2.0).
 */
export const dockerExtensionHandler: ExtensionHandler = {
    publisher: "Microsoft.Azure.Extensions",
    type: "DockerExtension",
    typeHandlerVersion: "1.2",
};

/** Azure's supported way to run a script as root on a Linux VM; its protected settings are encrypted. */
export const customScriptHandler: ExtensionHandler = {
    publisher: "Microsoft.Azure.Extensions",
    type: "CustomScript",
    typeHandlerVersion: "2.1",
};

/** The handler each provisioner installs, which must be published in the region. */
export const provisioningHandlers: Readonly<Record<Provisioner, ExtensionHandler>> = {
    "docker-extension": dockerExtensionHandler,
    "cloud-init": customScriptHandler,
};
