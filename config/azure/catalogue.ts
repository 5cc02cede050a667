import { ExtensionHandler, MarketplaceImage } from "../../catalogue/provisioners";
import { ArmLimits, armGet, ResourceManagerCloud } from "./resourceManager";
import { readVmSizes, VmSize } from "./vmSizes";

/** The Compute API version for image and extension listings (any recent one answers the same shape). */
const computeApiVersion = "2024-07-01";
/** Resource SKUs has one current API version. */
const skusApiVersion = "2021-07-01";

/** Resource Manager for one subscription, with the provider's token. */
export interface CatalogueSource {
    readonly cloud: ResourceManagerCloud;
    readonly token: string;
    readonly subscriptionId: string;
    readonly limits: ArmLimits;
}

function computeUrl(source: CatalogueSource, path: string, query: string): string {
    const subscription = encodeURIComponent(source.subscriptionId);
    return `${source.cloud.endpoint}/subscriptions/${subscription}/providers/Microsoft.Compute/${path}?${query}`;
}

/** Subscriptions' API version for the list of locations. */
const locationsApiVersion = "2022-12-01";

/**
 * The regions this subscription can deploy to, as Resource Manager lists them (`GET .../locations`):
 * physical regions only, since a logical one (a geography such as `asia`) holds no VM.
 */
export async function listRegions(source: CatalogueSource): Promise<string[]> {
    const subscription = encodeURIComponent(source.subscriptionId);
    const answer = await armGet(
        {
            description: "the regions of this subscription",
            url: `${source.cloud.endpoint}/subscriptions/${subscription}/locations?api-version=${locationsApiVersion}`,
            token: source.token,
        },
        source.limits,
    );
    const body = answer.body as { value?: { name?: unknown; metadata?: { regionType?: unknown } }[] };
    if (answer.status !== 200 || !Array.isArray(body.value)) {
        throw new Error(`the list of regions answered HTTP ${answer.status}`);
    }
    return body.value
        .filter((region) => region.metadata?.regionType === undefined || region.metadata.regionType === "Physical")
        .map((region) => region.name)
        .filter((name): name is string => typeof name === "string");
}

/** The region's VM sizes as this subscription sees them (`GET .../skus`, every page). */
export async function listVmSizes(source: CatalogueSource, location: string): Promise<VmSize[]> {
    const entries: unknown[] = [];
    let url: string | undefined = computeUrl(
        source,
        "skus",
        `api-version=${skusApiVersion}&$filter=${encodeURIComponent(`location eq '${location}'`)}`,
    );
    while (url) {
        const page = await armGet(
            { description: `the VM sizes offered in ${location}`, url, token: source.token },
            source.limits,
        );
        const body = page.body as { value?: unknown[]; nextLink?: string | null };
        entries.push(...(body.value ?? []));
        url = body.nextLink ?? undefined;
    }
    return readVmSizes(entries as Parameters<typeof readVmSizes>[0], location);
}

const segment = encodeURIComponent;

/** The version names Azure lists for an artifact in the region; none when it answers 404 (NotFound). */
async function listVersions(source: CatalogueSource, description: string, path: string): Promise<string[]> {
    const answer = await armGet(
        { description, url: computeUrl(source, path, `api-version=${computeApiVersion}`), token: source.token },
        source.limits,
    );
    return answer.status === 200 && Array.isArray(answer.body)
        ? answer.body.map((entry: { name?: unknown }) => (typeof entry.name === "string" ? entry.name : ""))
        : [];
}

/** True when the image has at least one version in the region. */
export async function imagePublished(
    source: CatalogueSource,
    location: string,
    image: MarketplaceImage,
): Promise<boolean> {
    const versions = await listVersions(
        source,
        `the versions of ${image.publisher}:${image.offer}:${image.sku} in ${location}`,
        `locations/${segment(location)}/publishers/${segment(image.publisher)}/artifacttypes/vmimage/offers/` +
            `${segment(image.offer)}/skus/${segment(image.sku)}/versions`,
    );
    return versions.length > 0;
}

/**
 * True when the region publishes a version of the handler with its major.minor (1.2 for 1.2.2),
 * which `autoUpgradeMinorVersion` then picks.
 */
export async function handlerPublished(
    source: CatalogueSource,
    location: string,
    handler: ExtensionHandler,
): Promise<boolean> {
    const versions = await listVersions(
        source,
        `the versions of the ${handler.publisher}/${handler.type} extension in ${location}`,
        `locations/${segment(location)}/publishers/${segment(handler.publisher)}/artifacttypes/vmextension/types/` +
            `${segment(handler.type)}/versions`,
    );
    return versions.some(
        (version) => version === handler.typeHandlerVersion || version.startsWith(`${handler.typeHandlerVersion}.`),
    );
}
