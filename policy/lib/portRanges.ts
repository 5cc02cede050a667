/** An inclusive range of TCP/UDP ports. */
export interface PortRange {
    readonly first: number;
    readonly last: number;
}

const everyPort: PortRange = { first: 0, last: 65535 };

/** Reads one Azure NSG port range: "*", "22" or "1024-2048"; undefined when it is none of these. */
export function parsePortRange(spec: string): PortRange | undefined {
    const trimmed = spec.trim();
    if (trimmed === "*") {
        return everyPort;
    }
    const match = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(trimmed);
    if (!match) {
        return undefined;
    }
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    return first <= last && last <= everyPort.last ? { first, last } : undefined;
}

export function includesPort(range: PortRange, port: number): boolean {
    return range.first <= port && port <= range.last;
}
