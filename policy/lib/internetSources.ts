/** Azure's wildcard and service tags that stand for every address, compared in lower case. */
const anyone = new Set(["*", "internet", "any"]);

/** True when an NSG source prefix admits the whole internet: "*", "Internet", "Any" or any /0 range, IPv4 or IPv6. */
export function meansInternet(prefix: string): boolean {
    const normalized = prefix.trim().toLowerCase();
    return anyone.has(normalized) || normalized.endsWith("/0");
}
