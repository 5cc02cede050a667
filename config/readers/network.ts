import { ConfigReader } from "../reader";
import { cidrContains, formatIpv4Cidr, Ipv4Cidr, parseIpv4Cidr } from "../../catalogue/ipv4";
import { dnsLabelRules, isValidDnsLabel } from "../names";
import { closestRegions, isRegionShaped, normaliseRegionName, resolveRegion } from "../regions";
import { ConfigKey } from "../schema";
import { NetworkSettings } from "../settings";

/** The network keys: region, address space, who may reach the host, its DNS label. */
export function readNetwork(reader: ConfigReader, stack: string, checkedAgainstAzure = false): NetworkSettings {
    const vnet = readCidr(reader, "vnetAddressSpace", 8, 29);
    const subnet = readCidr(reader, "subnetAddressPrefix", 8, 29);
    if (vnet && subnet && !cidrContains(vnet, subnet)) {
        reader.report(
            "subnetAddressPrefix",
            formatIpv4Cidr(subnet),
            `a range inside vnetAddressSpace (${formatIpv4Cidr(vnet)})`,
        );
    }
    return {
        ...readLocation(reader, checkedAgainstAzure),
        vnetAddressSpace: vnet ? formatIpv4Cidr(vnet) : "",
        subnetAddressPrefix: subnet ? formatIpv4Cidr(subnet) : "",
        allowedSourceRanges: readSourceRanges(reader, stack),
        dnsLabel: readDnsLabel(reader),
    };
}

/**
 * The region, from the list of regions this release knows. One it does not know (Azure adds
 * regions) is taken as written when the config is checked against Azure, which lists its own.
 */
function readLocation(
    reader: ConfigReader,
    checkedAgainstAzure: boolean,
): Pick<NetworkSettings, "location" | "locationListed"> {
    const text = reader.string("location");
    const region = text === undefined ? undefined : resolveRegion(text);
    if (region !== undefined) {
        return { location: region, locationListed: true };
    }
    if (text !== undefined && checkedAgainstAzure && isRegionShaped(text)) {
        return { location: normaliseRegionName(text), locationListed: false };
    }
    const nearby = text === undefined ? [] : closestRegions(text);
    const accepted =
        nearby.length > 0
            ? `an Azure region name; did you mean ${nearby.join(", ")}?`
            : "an Azure region name such as eastasia, westeurope or eastus (`az account list-locations -o table`)";
    reader.report("location", text, accepted);
    return { location: "", locationListed: true };
}

/** Source tags and ranges that mean "anyone on the internet". */
const internetWide = new Set(["*", "any", "internet", "0.0.0.0", "0.0.0.0/0"]);
/** Anything wider than a /8 is a large share of the internet, not a set of operators. */
const widestSourcePrefix = 8;

function readSourceRanges(reader: ConfigReader, stack: string): string[] {
    const entries = reader.list("allowedSourceRanges") ?? [];
    if (entries.length === 0) {
        reader.report(
            "allowedSourceRanges",
            undefined,
            "at least one IPv4 address or CIDR range allowed to reach SSH and Docker",
            `run: pulumi config set --stack ${stack} --path 'allowedSourceRanges[0]' <your-public-ip>/32` +
                " (your public IP: curl -s https://api.ipify.org)",
        );
        return [];
    }
    const ranges = new Set<string>();
    for (const entry of entries) {
        if (internetWide.has(entry.toLowerCase())) {
            reader.report(
                "allowedSourceRanges",
                entry,
                "specific IPv4 addresses or CIDR ranges; the whole internet (*, Any, Internet, 0.0.0.0/0) is refused",
            );
            continue;
        }
        const parsed = parseIpv4Cidr(entry);
        if ("error" in parsed) {
            reader.report("allowedSourceRanges", entry, `an IPv4 address or CIDR range (${parsed.error})`);
        } else if (parsed.cidr.prefixLength < widestSourcePrefix) {
            reader.report(
                "allowedSourceRanges",
                entry,
                `a range of /${widestSourcePrefix} or narrower; wider ranges open the host to much of the internet`,
            );
        } else {
            ranges.add(formatIpv4Cidr(parsed.cidr));
        }
    }
    return [...ranges].sort();
}

function readCidr(reader: ConfigReader, key: ConfigKey, widest: number, narrowest: number): Ipv4Cidr | undefined {
    const text = reader.string(key) ?? "";
    const parsed = parseIpv4Cidr(text.trim());
    if ("error" in parsed || !text.includes("/")) {
        const reason = "error" in parsed ? ` (${parsed.error})` : "";
        reader.report(key, text, `an IPv4 CIDR range such as 10.20.0.0/16${reason}`);
        return undefined;
    }
    if (parsed.cidr.prefixLength < widest || parsed.cidr.prefixLength > narrowest) {
        reader.report(key, text, `a prefix length from /${widest} to /${narrowest}, as Azure allows`);
        return undefined;
    }
    return parsed.cidr;
}

function readDnsLabel(reader: ConfigReader): string | undefined {
    const label = reader.string("dnsLabel") ?? "";
    if (label === "") {
        return undefined;
    }
    if (!isValidDnsLabel(label)) {
        reader.report("dnsLabel", label, dnsLabelRules);
    }
    return label;
}
