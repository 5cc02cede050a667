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
