import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { deriveDnsLabel } from "./dnsLabel";
import { inboundSecurityRules } from "./securityRules";

export interface NetworkArgs {
    /** Programmatic Azure region name, e.g. `eastasia`. */
    readonly location: pulumi.Input<string>;
    readonly vnetAddressSpace: pulumi.Input<string>;
    readonly subnetAddressPrefix: pulumi.Input<string>;
    /** Who may reach SSH and the Docker port: specific IPv4 ranges, never the internet as a whole. */
    readonly allowedSourceRanges: pulumi.Input<readonly string[]>;
    readonly dockerPort: pulumi.Input<number>;
    /** The public IP's DNS label; without one, the stack name plus a random suffix. */
    readonly dnsLabel?: pulumi.Input<string>;
    /** The stem of a derived DNS label. */
    readonly labelStem: string;
    /**
     * A swarm's workers share the subnet: it gets a NAT gateway (the workers have no public IP, and
     * the subnet no default outbound access) and the swarm's ports open within the virtual network.
     */
    readonly swarm?: boolean;
}

/**
 * Everything on Azure the Docker host sits in: its resource group, a VNet whose only subnet is
 * guarded by a network security group that admits SSH and the Docker port from the configured
 * ranges alone, and a static public IP with a DNS name.
 */
export class Network extends pulumi.ComponentResource {
    readonly resourceGroupName: pulumi.Output<string>;
    readonly location: pulumi.Output<string>;
    readonly subnetId: pulumi.Output<string>;
    readonly publicIpId: pulumi.Output<string>;
    readonly publicIpAddress: pulumi.Output<string>;
    readonly fqdn: pulumi.Output<string>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azure-docker-host:index:Network", name, {}, opts);
        this.location = pulumi.output(args.location);

        const resourceGroup = new resources.ResourceGroup(`${name}-rg`, { location: args.location }, { parent: this });
        this.resourceGroupName = resourceGroup.name;
        const placement = { resourceGroupName: resourceGroup.name, location: args.location };

        const securityGroup = new network.NetworkSecurityGroup(
            `${name}-nsg`,
            {
                ...placement,
                securityRules: pulumi
                    .all([args.allowedSourceRanges, args.dockerPort, args.vnetAddressSpace])
                    .apply(([ranges, port, vnet]) =>
                        inboundSecurityRules(ranges, port, args.swarm ? { vnetAddressSpace: vnet } : undefined),
                    ),
            },
            { parent: this },
        );

        const virtualNetwork = new network.VirtualNetwork(
            `${name}-vnet`,
            { ...placement, addressSpace: { addressPrefixes: [args.vnetAddressSpace] } },
            { parent: this },
        );

        const natGateway = args.swarm ? this.natGateway(name, placement) : undefined;
        const subnet = new network.Subnet(
            `${name}-subnet`,
            {
                resourceGroupName: resourceGroup.name,
                virtualNetworkName: virtualNetwork.name,
                addressPrefix: args.subnetAddressPrefix,
                networkSecurityGroup: { id: securityGroup.id },
                // The VM reaches the internet through its own public IP, workers through the NAT
                // gateway; no implicit default outbound.
                defaultOutboundAccess: false,
                ...(natGateway ? { natGateway: { id: natGateway.id } } : {}),
            },
            { parent: this },
        );
        this.subnetId = subnet.id;

        const dnsLabel = args.dnsLabel ?? this.generatedDnsLabel(name, args.labelStem);
        const publicIp = new network.PublicIPAddress(
            `${name}-ip`,
            {
                ...placement,
                sku: { name: "Standard", tier: "Regional" },
                publicIPAllocationMethod: "Static",
                publicIPAddressVersion: "IPv4",
                dnsSettings: { domainNameLabel: dnsLabel },
            },
            { parent: this },
        );
        this.publicIpId = publicIp.id;
        this.publicIpAddress = publicIp.ipAddress.apply((address) => requireValue(address, "ipAddress", name));
        this.fqdn = publicIp.dnsSettings.apply((dns) => requireValue(dns?.fqdn, "dnsSettings.fqdn", name));

        this.registerOutputs({
            resourceGroupName: this.resourceGroupName,
            subnetId: this.subnetId,
            publicIpAddress: this.publicIpAddress,
            fqdn: this.fqdn,
        });
    }

    /** Outbound for VMs without a public IP: a Standard NAT gateway with a static address of its own. */
    private natGateway(
        name: string,
        placement: { resourceGroupName: pulumi.Input<string>; location: pulumi.Input<string> },
    ) {
        const address = new network.PublicIPAddress(
            `${name}-nat-ip`,
            {
                ...placement,
                sku: { name: "Standard", tier: "Regional" },
                publicIPAllocationMethod: "Static",
                publicIPAddressVersion: "IPv4",
            },
            { parent: this },
        );
        return new network.NatGateway(
            `${name}-nat`,
            {
                ...placement,
                sku: { name: "Standard" },
                publicIpAddresses: [{ id: address.id }],
                idleTimeoutInMinutes: 4,
            },
            { parent: this },
        );
    }

    /** A label unique enough for a shared cloudapp.azure.com zone: the stack name plus a stable random suffix. */
    private generatedDnsLabel(name: string, stem: string): pulumi.Output<string> {
        const suffix = new random.RandomString(
            `${name}-dns-suffix`,
            { length: 6, upper: false, special: false },
            { parent: this },
        );
        return suffix.result.apply((value) => deriveDnsLabel(stem, value));
    }
}

/** A static Standard IP always has an address and, with a label, an FQDN; if Azure omits one, say so. */
function requireValue(value: string | undefined, property: string, component: string): string {
    if (!value) {
        throw new Error(`Azure returned no ${property} for the public IP of ${component}`);
    }
    return value;
}
