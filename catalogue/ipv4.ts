/** An IPv4 network in CIDR form, e.g. 203.0.113.0/24. Addresses are held as unsigned 32-bit numbers. */
export interface Ipv4Cidr {
    readonly network: number;
    readonly prefixLength: number;
}

const octet = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const dottedQuad = new RegExp(`^${octet}\\.${octet}\\.${octet}\\.${octet}$`);

/** Parses a dotted-quad IPv4 address; leading zeros are refused because some tools read them as octal. */
export function parseIpv4Address(text: string): number | undefined {
    const match = dottedQuad.exec(text);
    if (!match) {
        return undefined;
    }
    return match.slice(1).reduce((address, part) => address * 256 + Number(part), 0);
}

export function formatIpv4Address(address: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

export type CidrParseResult = { readonly cidr: Ipv4Cidr } | { readonly error: string };

/**
 * Parses `a.b.c.d/n`. A bare address is read as a /32. A network with host bits set
 * (10.0.0.1/24) is refused rather than silently widened or narrowed: the user meant one of two
 * things and we cannot tell which.
 */
export function parseIpv4Cidr(text: string): CidrParseResult {
    const [addressText = "", prefixText, ...rest] = text.split("/");
    const address = parseIpv4Address(addressText);
    if (address === undefined || rest.length > 0) {
        return { error: "not an IPv4 address or CIDR" };
    }
    if (prefixText === undefined) {
        return { cidr: { network: address, prefixLength: 32 } };
    }
    if (!/^(3[0-2]|[12]?\d)$/.test(prefixText)) {
        return { error: "the prefix length must be a whole number from 0 to 32" };
    }
    const prefixLength = Number(prefixText);
    const network = networkAddress(address, prefixLength);
    if (network !== address) {
        return {
            error: `host bits are set; the network is ${formatIpv4Cidr({ network, prefixLength })}`,
        };
    }
    return { cidr: { network, prefixLength } };
}

export function formatIpv4Cidr(cidr: Ipv4Cidr): string {
    return `${formatIpv4Address(cidr.network)}/${cidr.prefixLength}`;
}

/** True when every address of `inner` lies in `outer`. */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
    return (
        inner.prefixLength >= outer.prefixLength && networkAddress(inner.network, outer.prefixLength) === outer.network
    );
}

function networkAddress(address: number, prefixLength: number): number {
    const blockSize = 2 ** (32 - prefixLength);
    return address - (address % blockSize);
}
