import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { meansInternet } from "../lib/internetSources";
import { includesPort, parsePortRange } from "../lib/portRanges";
import { asList, asProps, asText, Props, textsOf } from "../lib/props";

export const networkSecurityGroupType = "azure-native:network:NetworkSecurityGroup";
export const securityRuleType = "azure-native:network:SecurityRule";

/**
 * Ports that must never face the internet, and what answers on them: SSH, Docker's three registered
 * ports (whichever the daemon uses, the others must not open either) and the two databases.
 */
export const guardedPorts: ReadonlyMap<number, string> = new Map([
    [22, "SSH"],
    [2375, "Docker API without TLS"],
    [2376, "Docker API over TLS"],
    [2377, "Docker swarm management"],
    [6379, "redis"],
    [27017, "mongodb"],
]);

// Every guarded service speaks TCP, so a UDP, ICMP, ESP or AH rule reaches none of them; an
// "allow ICMP from anywhere" rule must not read as opening SSH.
const protocolsReachingTcp = new Set(["tcp", "*", "any"]);

/** Why one security rule lets the internet reach a guarded port; empty when it does not. */
export function internetExposures(rule: Props, ruleName: string): string[] {
    // Compared in lower case, so no spelling of Inbound or Allow slips past.
    const lowered = (key: string) => asText(rule[key])?.toLowerCase();
    if (lowered("direction") !== "inbound" || lowered("access") !== "allow") {
        return [];
    }
    const protocol = lowered("protocol");
    if (protocol !== undefined && !protocolsReachingTcp.has(protocol)) {
        return [];
    }
    const internet = textsOf(rule, "sourceAddressPrefix", "sourceAddressPrefixes").filter(meansInternet);
    if (internet.length === 0) {
        return [];
    }
    const sources = internet.map((source) => `"${source}"`).join(", ");
    const findings: string[] = [];
    const reached = new Set<number>();
    for (const spec of textsOf(rule, "destinationPortRange", "destinationPortRanges")) {
        const range = parsePortRange(spec);
        if (range === undefined) {
            // A range we cannot read might cover anything; a security check must not guess it away.
            findings.push(`rule "${ruleName}" admits ${sources} on "${spec}", which is not a port, a range a-b or "*"`);
            continue;
        }
        [...guardedPorts.keys()].filter((port) => includesPort(range, port)).forEach((port) => reached.add(port));
    }
    if (reached.size > 0) {
        const ports = [...reached]
            .sort((a, b) => a - b)
            .map((port) => `${port} (${guardedPorts.get(port)})`)
            .join(", ");
        findings.unshift(`rule "${ruleName}" lets ${sources} reach ${ports}; admit only known address ranges`);
    }
    return findings;
}

/** The rules a resource declares, each with the name a violation should show. */
function declaredRules(args: ResourceValidationArgs): { rule: Props; name: string }[] {
    if (args.type === networkSecurityGroupType) {
        return asList(args.props.securityRules).flatMap((value, index) => {
            const rule = asProps(value);
            return rule === undefined ? [] : [{ rule, name: asText(rule.name) ?? `#${index}` }];
        });
    }
    if (args.type === securityRuleType) {
        const props: Props = args.props;
        return [{ rule: props, name: asText(props.securityRuleName) ?? asText(props.name) ?? args.name }];
    }
    return [];
}

export const nsgAdminPortsClosed: ResourceValidationPolicy = {
    name: "nsg-admin-ports-closed-to-internet",
    description:
        "No network security rule admits the internet to SSH (22), the Docker API (2375-2377), redis (6379) or mongodb (27017).",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set sourceAddressPrefix(es) of the rule to the operators' address ranges (allowedSourceRanges), never *, Internet, Any or a /0.",
    validateResource: (args, reportViolation) => {
        for (const { rule, name } of declaredRules(args)) {
            internetExposures(rule, name).forEach((finding) => reportViolation(finding));
        }
    },
};
