/**
 * Builds an Azure DNS label (3-63 chars, lowercase, starts with a letter, no trailing '-') from a
 * stack name that may hold any characters Pulumi allows, plus a random suffix that keeps two
 * people's `dev` stacks from colliding in the region's shared cloudapp.azure.com zone.
 */
export function deriveDnsLabel(stack: string, suffix: string): string {
    const cleaned = stack
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-+/g, "-")
        .replace(/^[^a-z]+/, "");
    const stem = `${cleaned || "docker"}`.slice(0, 63 - suffix.length - 1).replace(/-+$/, "");
    return `${stem}-${suffix}`;
}

/** The VM's Linux host name: the stack name made DNS-safe, at most 63 characters. */
export function hostnameFor(stack: string): string {
    return deriveDnsLabel(stack, "docker");
}
