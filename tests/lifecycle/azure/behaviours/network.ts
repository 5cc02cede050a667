import { allocatePrivateAddress, allocatePublicAddress } from "../addresses";
import { AzureError } from "../errors";
import { World } from "../world";
import { Behaviour, referenced, uuid } from "./behaviour";
import { publishName, withdrawName } from "./hosts";

const lower = (value: unknown) => String(value ?? "").toLowerCase();

/** Whether any live resource's inputs name `id` (a subnet's NSG, a NIC's public IP, a VM's NIC). */
export function referencedBy(world: World, id: string, types: readonly string[]): string | undefined {
    const needle = `"${id.toLowerCase()}"`;
    return world
        .all()
        .filter((resource) => types.includes(resource.type) && resource.id.toLowerCase() !== id.toLowerCase())
        .find((resource) => JSON.stringify(resource.inputs).toLowerCase().includes(needle))?.id;
}

function refuseWhileUsed(world: World, id: string, types: readonly string[], code: string, what: string): void {
    const user = referencedBy(world, id, types);
    if (user) {
        throw new AzureError(400, code, `${what} ${id} is in use by ${user} and cannot be deleted.`);
    }
}

export const resourceGroup: Behaviour = {
    async create({ name, inputs }) {
        return {
            name,
            type: "Microsoft.Resources/resourceGroups",
            properties: { provisioningState: "Succeeded" },
            location: inputs.location,
        };
    },
    /** Deleting a group deletes everything in it, as Resource Manager does. */
    async delete({ world, id }) {
        const { deleteResource } = await import("../provider");
        const inside = world.all().filter((resource) => resource.id.toLowerCase().startsWith(`${id.toLowerCase()}/`));
        for (const resource of inside) {
            await deleteResource(world, resource);
        }
    },
};

export const virtualNetwork: Behaviour = {
    async create({ name }) {
        return {
            name,
            type: "Microsoft.Network/virtualNetworks",
            provisioningState: "Succeeded",
            resourceGuid: uuid(),
        };
    },
    async delete({ world, id }) {
        refuseWhileUsed(world, id, ["azure-native:network:Subnet"], "InUseSubnetCannotBeDeleted", "Virtual network");
    },
};

export const subnet: Behaviour = {
    async create({ world, name, inputs, id }) {
        const vnetId = id.replace(/\/subnets\/[^/]+$/, "");
        const vnet = referenced(world, vnetId, "virtual network");
        const space = (vnet.inputs.addressSpace as { addressPrefixes?: string[] } | undefined)?.addressPrefixes ?? [];
        if (!space.some((prefix) => within(String(inputs.addressPrefix), prefix))) {
            throw new AzureError(
                400,
                "NetcfgSubnetRangeOutsideVnet",
                `Subnet '${name}' is not valid because its IP address range is outside the IP address range of virtual network '${vnetId.split("/").pop()}'.`,
            );
        }
        if (inputs.networkSecurityGroup?.id) {
            referenced(world, inputs.networkSecurityGroup.id, "network security group");
        }
        if (inputs.natGateway?.id) {
            referenced(world, inputs.natGateway.id, "NAT gateway");
        }
        return { name, type: "Microsoft.Network/virtualNetworks/subnets", provisioningState: "Succeeded" };
    },
    async delete({ world, id }) {
        refuseWhileUsed(
            world,
            id,
            ["azure-native:network:NetworkInterface", "azure-native:compute:VirtualMachineScaleSet"],
            "InUseSubnetCannotBeDeleted",
            "Subnet",
        );
    },
};

export const networkSecurityGroup: Behaviour = {
    async create({ name }) {
        return {
            name,
            type: "Microsoft.Network/networkSecurityGroups",
            provisioningState: "Succeeded",
            resourceGuid: uuid(),
        };
    },
    async delete({ world, id }) {
        refuseWhileUsed(
            world,
            id,
            ["azure-native:network:Subnet"],
            "InUseNetworkSecurityGroupCannotBeDeleted",
            "Network security group",
        );
    },
};

export const publicIpAddress: Behaviour = {
    async create({ world, name, inputs }) {
        const ipAddress = allocatePublicAddress(world);
        const label = inputs.dnsSettings?.domainNameLabel as string | undefined;
        const fqdn = label ? `${label}.${lower(inputs.location).replace(/\s+/g, "")}.cloudapp.azure.com` : undefined;
        if (fqdn) {
            publishName(world, fqdn, ipAddress);
        }
        return {
            name,
            type: "Microsoft.Network/publicIPAddresses",
            ipAddress,
            provisioningState: "Succeeded",
            resourceGuid: uuid(),
            ...(label ? { dnsSettings: { ...inputs.dnsSettings, fqdn } } : {}),
        };
    },
    async update({ world, inputs, stored }) {
        const old = stored!.outputs;
        const oldFqdn = (old.dnsSettings as { fqdn?: string } | undefined)?.fqdn;
        const label = inputs.dnsSettings?.domainNameLabel as string | undefined;
        const fqdn = label ? `${label}.${lower(inputs.location).replace(/\s+/g, "")}.cloudapp.azure.com` : undefined;
        if (oldFqdn && oldFqdn !== fqdn) {
            withdrawName(world, oldFqdn);
        }
        if (fqdn) {
            publishName(world, fqdn, String(old.ipAddress));
        }
        return {
            ipAddress: old.ipAddress,
            ...(label ? { dnsSettings: { ...inputs.dnsSettings, fqdn } } : { dnsSettings: undefined }),
        };
    },
    async delete({ world, id, stored }) {
        refuseWhileUsed(
            world,
            id,
            ["azure-native:network:NetworkInterface", "azure-native:network:NatGateway"],
            "PublicIPAddressInUse",
            "Public IP address",
        );
        const fqdn = (stored?.outputs.dnsSettings as { fqdn?: string } | undefined)?.fqdn;
        if (fqdn) {
            withdrawName(world, fqdn);
        }
    },
};

export const natGateway: Behaviour = {
    async create({ world, name, inputs }) {
        for (const address of inputs.publicIpAddresses ?? []) {
            referenced(world, address.id, "public IP address");
        }
        return { name, type: "Microsoft.Network/natGateways", provisioningState: "Succeeded", resourceGuid: uuid() };
    },
    async delete({ world, id }) {
        refuseWhileUsed(world, id, ["azure-native:network:Subnet"], "InUseNatGatewayCannotBeDeleted", "NAT gateway");
    },
};

export const networkInterface: Behaviour = {
    async create({ world, name, inputs }) {
        return {
            name,
            type: "Microsoft.Network/networkInterfaces",
            provisioningState: "Succeeded",
            ...nicAddresses(world, inputs, undefined),
        };
    },
    async update({ world, inputs, stored }) {
        return nicAddresses(world, inputs, stored!.outputs);
    },
    async delete({ world, id }) {
        refuseWhileUsed(world, id, ["azure-native:compute:VirtualMachine"], "NicInUse", "Network Interface");
    },
};

/** The NIC's IP configurations as Azure returns them: a dynamic address kept for the NIC's life. */
function nicAddresses(world: World, inputs: Record<string, any>, old: Record<string, any> | undefined) {
    const previous = (old?.ipConfigurations ?? []) as { name?: string; privateIPAddress?: string }[];
    const ipConfigurations = (inputs.ipConfigurations ?? []).map((configuration: Record<string, any>) => {
        const subnetResource = referenced(world, configuration.subnet?.id, "subnet");
        if (configuration.publicIPAddress?.id) {
            referenced(world, configuration.publicIPAddress.id, "public IP address");
        }
        const kept = previous.find((candidate) => candidate.name === configuration.name)?.privateIPAddress;
        const address =
            configuration.privateIPAllocationMethod === "Static" && configuration.privateIPAddress
                ? String(configuration.privateIPAddress)
                : (kept ?? allocatePrivateAddress(world, String(subnetResource.inputs.addressPrefix)).address);
        return {
            ...configuration,
            privateIPAddress: address,
            privateIPAddressVersion: "IPv4",
            provisioningState: "Succeeded",
        };
    });
    return { ipConfigurations, macAddress: old?.macAddress ?? macAddress() };
}

function macAddress(): string {
    return `00-0D-3A-${[0, 0, 0]
        .map(() =>
            Math.floor(Math.random() * 256)
                .toString(16)
                .padStart(2, "0")
                .toUpperCase(),
        )
        .join("-")}`;
}

/** Whether `inner` (a.b.c.d/n) lies inside `outer`. */
export function within(inner: string, outer: string): boolean {
    const parse = (cidr: string) => {
        const [address = "", length = "32"] = cidr.split("/");
        return {
            value: address.split(".").reduce((sum, octet) => sum * 256 + Number(octet), 0),
            length: Number(length),
        };
    };
    const a = parse(inner);
    const b = parse(outer);
    if (a.length < b.length) {
        return false;
    }
    const size = 2 ** (32 - b.length);
    return Math.floor(a.value / size) === Math.floor(b.value / size);
}
