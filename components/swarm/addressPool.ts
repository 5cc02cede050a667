import { formatIpv4Cidr, Ipv4Cidr, parseIpv4Cidr } from "../../catalogue/ipv4";

/** Ranges the overlay networks may take, tried in order: none is a range Docker's bridges use. */
const candidates = [...Array.from({ length: 16 }, (_, index) => `10.${255 - index}.0.0/16`), "100.64.0.0/16"];

function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
    const end = (cidr: Ipv4Cidr) => cidr.network + 2 ** (32 - cidr.prefixLength);
    return a.network < end(b) && b.network < end(a);
}

/**
 * The pool the swarm's overlay networks take their subnets from. Docker's default, 10.0.0.0/8,
 * contains most virtual networks here (10.20.0.0/16 by default), so a container could end up with
 * an address that shadows a VM's. The first candidate clear of the virtual network is taken; it can
 * only be set when the swarm is created.
 */
export function overlayAddressPool(vnetAddressSpace: string): string {
    const parsed = parseIpv4Cidr(vnetAddressSpace);
    if ("error" in parsed) {
        throw new Error(`not a CIDR range: ${vnetAddressSpace}`);
    }
    const pool = candidates.find((candidate) => {
        const cidr = parseIpv4Cidr(candidate);
        return "cidr" in cidr && !overlaps(cidr.cidr, parsed.cidr);
    });
    if (pool === undefined) {
        throw new Error(`no overlay address pool clear of ${formatIpv4Cidr(parsed.cidr)}`);
    }
    return pool;
}
