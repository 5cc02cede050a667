import type * as azure from "@pulumi/azure-native/types/input";

/** Priority of the last custom rule; everything the rules above do not admit is dropped here. */
export const denyAllPriority = 4096;

/**
 * Inbound rules of the host's subnet: SSH and the Docker TLS port from the configured ranges only,
 * then an explicit deny that also shuts out Azure's default "allow from the VNet" and "allow from the
 * load balancer" rules, which a lone Docker host does not need. Rule names say what they admit and
 * never depend on the order of the configured ranges.
 */
export function inboundSecurityRules(
    allowedSourceRanges: readonly string[],
    dockerPort: number,
    swarm?: { readonly vnetAddressSpace: string },
): azure.network.SecurityRuleArgs[] {
    const sources = [...allowedSourceRanges].sort();
    const allow = (name: string, priority: number, port: number, description: string) => ({
        name,
        priority,
        description,
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        sourceAddressPrefixes: sources,
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: String(port),
    });
    return [
        allow("allow-ssh", 100, 22, "SSH from the configured operator ranges"),
        allow("allow-docker-tls", 110, dockerPort, "Docker API over mutual TLS from the configured operator ranges"),
        ...(swarm ? swarmRules(swarm.vnetAddressSpace) : []),
        {
            name: "deny-all-inbound",
            priority: denyAllPriority,
            description: "Nothing else reaches the host",
            direction: "Inbound",
            access: "Deny",
            protocol: "*",
            sourceAddressPrefix: "*",
            sourcePortRange: "*",
            destinationAddressPrefix: "*",
            destinationPortRange: "*",
        },
    ];
}

/**
 * The ports a Docker swarm's nodes use among themselves (cluster management 2377/tcp, gossip
 * 7946/tcp and udp, the VXLAN data plane 4789/udp, and ESP, IP protocol 50, for encrypted overlay
 * networks), open from the virtual network alone.
 */
export function swarmRules(vnetAddressSpace: string): azure.network.SecurityRuleArgs[] {
    const fromVnet = (name: string, priority: number, protocol: string, port: string, description: string) => ({
        name,
        priority,
        description,
        direction: "Inbound",
        access: "Allow",
        protocol,
        sourceAddressPrefix: vnetAddressSpace,
        sourcePortRange: "*",
        destinationAddressPrefix: vnetAddressSpace,
        destinationPortRange: port,
    });
    return [
        fromVnet("allow-swarm-management", 200, "Tcp", "2377", "Swarm cluster management, within the virtual network"),
        fromVnet("allow-swarm-gossip-tcp", 210, "Tcp", "7946", "Swarm node gossip, within the virtual network"),
        fromVnet("allow-swarm-gossip-udp", 220, "Udp", "7946", "Swarm node gossip, within the virtual network"),
        fromVnet(
            "allow-swarm-overlay",
            230,
            "Udp",
            "4789",
            "Swarm overlay traffic (VXLAN), within the virtual network",
        ),
        fromVnet(
            "allow-swarm-esp",
            240,
            "Esp",
            "*",
            "Encrypted overlay traffic (IPsec ESP), within the virtual network",
        ),
    ];
}
