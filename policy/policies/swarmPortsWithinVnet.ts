import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { cidrContains, parseIpv4Cidr } from "../../catalogue/ipv4";
import { includesPort, parsePortRange } from "../lib/portRanges";
import { asList, asProps, asText, Props, textsOf } from "../lib/props";
import { networkSecurityGroupType } from "./nsgAdminPorts";

const virtualNetworkType = "azure-native:network:VirtualNetwork";

/** What a Docker swarm's nodes speak among themselves, by protocol. */
const swarmPorts: readonly { readonly port: number; readonly protocols: readonly string[]; readonly what: string }[] = [
    { port: 2377, protocols: ["tcp"], what: "swarm management" },
    { port: 7946, protocols: ["tcp", "udp"], what: "swarm gossip" },
    { port: 4789, protocols: ["udp"], what: "overlay traffic (VXLAN)" },
];

/** Why an inbound allow rule opens a swarm port (or ESP) to something outside the virtual networks. */
export function swarmExposures(rule: Props, ruleName: string, vnetRanges: readonly string[]): string[] {
    const lowered = (key: string) => asText(rule[key])?.toLowerCase();
    if (lowered("direction") !== "inbound" || lowered("access") !== "allow") {
        return [];
    }
    const protocol = lowered("protocol") ?? "*";
    const ranges = textsOf(rule, "destinationPortRange", "destinationPortRanges").map(parsePortRange);
    const reached = swarmPorts
        .filter((swarm) => protocol === "*" || swarm.protocols.includes(protocol))
        .filter((swarm) => ranges.some((range) => range === undefined || includesPort(range, swarm.port)))
        .map((swarm) => `${swarm.port} (${swarm.what})`);
    if (protocol === "esp" || protocol === "*") {
        reached.push("ESP (encrypted overlay)");
    }
    if (reached.length === 0) {
        return [];
    }
    const outside = textsOf(rule, "sourceAddressPrefix", "sourceAddressPrefixes").filter(
        (source) => !withinVnet(source, vnetRanges),
    );
    return outside.length === 0
        ? []
        : [
              `rule "${ruleName}" lets ${outside.map((source) => `"${source}"`).join(", ")} reach ${reached.join(", ")}; ` +
                  `admit the virtual network only (${vnetRanges.join(", ") || "VirtualNetwork"})`,
          ];
}

function withinVnet(source: string, vnetRanges: readonly string[]): boolean {
    if (source.toLowerCase() === "virtualnetwork") {
        return true;
    }
    const parsed = parseIpv4Cidr(source.trim());
    return (
        "cidr" in parsed &&
        vnetRanges.some((range) => {
            const vnet = parseIpv4Cidr(range);
            return "cidr" in vnet && cidrContains(vnet.cidr, parsed.cidr);
        })
    );
}

function vnetRangesOf(resources: readonly PolicyResource[]): string[] {
    return resources
        .filter((resource) => resource.type === virtualNetworkType)
        .flatMap((resource) => asList(asProps(resource.props.addressSpace)?.addressPrefixes))
        .flatMap((prefix) => (typeof prefix === "string" ? [prefix] : []));
}

export const swarmPortsWithinVnet: StackValidationPolicy = {
    name: "swarm-ports-within-virtual-network",
    description:
        "The Docker swarm's ports (2377/tcp, 7946/tcp and udp, 4789/udp) and ESP are open to the stack's virtual network alone.",
    enforcementLevel: "mandatory",
    remediationSteps: "Set the rule's source to the virtual network's address space (or the VirtualNetwork tag).",
    validateStack: (args, reportViolation) => {
        const vnetRanges = vnetRangesOf(args.resources);
        for (const resource of args.resources.filter((each) => each.type === networkSecurityGroupType)) {
            asList(resource.props.securityRules).forEach((value, index) => {
                const rule = asProps(value);
                if (rule !== undefined) {
                    swarmExposures(rule, asText(rule.name) ?? `#${index}`, vnetRanges).forEach((finding) =>
                        reportViolation(finding, resource.urn),
                    );
                }
            });
        }
    },
};
