/**
 * Azure public-cloud regions that host virtual machines, by programmatic name (what
 * `az account list-locations --query "[].name"` prints) with the display name users often type.
 * Logical-only and EUAP canary regions are left out: a VM cannot be placed in them.
 */
export const azureRegions: Readonly<Record<string, string>> = {
    australiacentral: "Australia Central",
    australiacentral2: "Australia Central 2",
    australiaeast: "Australia East",
    australiasoutheast: "Australia Southeast",
    austriaeast: "Austria East",
    belgiumcentral: "Belgium Central",
    brazilsouth: "Brazil South",
    brazilsoutheast: "Brazil Southeast",
    canadacentral: "Canada Central",
    canadaeast: "Canada East",
    centralindia: "Central India",
    centralus: "Central US",
    chilecentral: "Chile Central",
    eastasia: "East Asia",
    eastus: "East US",
    eastus2: "East US 2",
    francecentral: "France Central",
    francesouth: "France South",
    germanynorth: "Germany North",
    germanywestcentral: "Germany West Central",
    indonesiacentral: "Indonesia Central",
    israelcentral: "Israel Central",
    italynorth: "Italy North",
    japaneast: "Japan East",
    japanwest: "Japan West",
    jioindiacentral: "Jio India Central",
    jioindiawest: "Jio India West",
    koreacentral: "Korea Central",
    koreasouth: "Korea South",
    malaysiawest: "Malaysia West",
    mexicocentral: "Mexico Central",
    newzealandnorth: "New Zealand North",
    northcentralus: "North Central US",
    northeurope: "North Europe",
    norwayeast: "Norway East",
    norwaywest: "Norway West",
    polandcentral: "Poland Central",
    qatarcentral: "Qatar Central",
    southafricanorth: "South Africa North",
    southafricawest: "South Africa West",
    southcentralus: "South Central US",
    southeastasia: "Southeast Asia",
    southindia: "South India",
    spaincentral: "Spain Central",
    swedencentral: "Sweden Central",
    switzerlandnorth: "Switzerland North",
    switzerlandwest: "Switzerland West",
    uaecentral: "UAE Central",
    uaenorth: "UAE North",
    uksouth: "UK South",
    ukwest: "UK West",
    westcentralus: "West Central US",
    westeurope: "West Europe",
    westindia: "West India",
    westus: "West US",
    westus2: "West US 2",
    westus3: "West US 3",
};

/** "East Asia", "east-asia" and "EASTASIA" all name the region `eastasia`. */
export function normaliseRegionName(input: string): string {
    return input.toLowerCase().replace(/[\s_-]+/g, "");
}

/** Could be a region's name: letters and digits once spaces and dashes go, as Azure's names are. */
export function isRegionShaped(input: string): boolean {
    return /^[a-z][a-z0-9]{3,39}$/.test(normaliseRegionName(input));
}

/** Resolves a user-typed region to its programmatic name, or undefined when Azure has no such region. */
export function resolveRegion(input: string): string | undefined {
    const normalised = normaliseRegionName(input);
    return Object.hasOwn(azureRegions, normalised) ? normalised : undefined;
}

/** Up to `limit` regions (of `known`, this release's list by default) closest to what the user typed, nearest first. */
export function closestRegions(
    input: string,
    limit = 3,
    known: readonly string[] = Object.keys(azureRegions),
): string[] {
    const normalised = normaliseRegionName(input);
    const maxDistance = Math.max(2, Math.floor(normalised.length / 3));
    return known
        .map((region) => ({ region, distance: editDistance(normalised, region) }))
        .filter(({ region, distance }) => distance <= maxDistance || region.startsWith(normalised))
        .sort((a, b) => a.distance - b.distance || a.region.localeCompare(b.region))
        .slice(0, limit)
        .map(({ region }) => region);
}

/** Levenshtein distance; the inputs are region names, so the quadratic table is tiny. */
export function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
            current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
        }
        previous = current;
    }
    return previous[b.length] ?? 0;
}
