import type { ComputeClient } from "../../azure/clients";
import type { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import { allPages, asked, askedOrAbsent } from "../../azure/failures";
import { ExtensionHandler, MarketplaceImage } from "../../catalogue/provisioners";
import { ResourceManagerCloud } from "./resourceManager";
import { readVmSizes, VmSize } from "./vmSizes";

/** Resource Manager for one subscription, with the provider's identity, through the official SDK. */
export interface CatalogueSource {
    readonly cloud: ResourceManagerCloud;
    readonly subscriptionId: string;
    /** Made on first use, once. */
    compute(): Promise<ComputeClient>;
    subscriptions(): Promise<SubscriptionClient>;
}

/**
 * The regions this subscription can deploy to, as Resource Manager lists them (`GET .../locations`):
 * physical regions only, since a logical one (a geography such as `asia`) holds no VM.
 */
export async function listRegions(source: CatalogueSource): Promise<string[]> {
    const client = await source.subscriptions();
    const regions = await asked("the regions of this subscription", () =>
        allPages(client.subscriptions.listLocations(source.subscriptionId)),
    );
    return regions
        .filter((region) => region.metadata?.regionType === undefined || region.metadata.regionType === "Physical")
        .map((region) => region.name)
        .filter((name): name is string => typeof name === "string");
}

/** The region's VM sizes as this subscription sees them (`GET .../skus`, every page). */
export async function listVmSizes(source: CatalogueSource, location: string): Promise<VmSize[]> {
    const client = await source.compute();
    const entries = await asked(`the VM sizes offered in ${location}`, () =>
        allPages(client.resourceSkus.list({ filter: `location eq '${location}'` })),
    );
    return readVmSizes(entries, location);
}

/** True when the image has at least one version in the region. */
export async function imagePublished(
    source: CatalogueSource,
    location: string,
    image: MarketplaceImage,
): Promise<boolean> {
    const client = await source.compute();
    const versions = await askedOrAbsent(
        `the versions of ${image.publisher}:${image.offer}:${image.sku} in ${location}`,
        () => client.virtualMachineImages.list(location, image.publisher, image.offer, image.sku),
    );
    return (versions ?? []).length > 0;
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
    const client = await source.compute();
    const versions = await askedOrAbsent(
        `the versions of the ${handler.publisher}/${handler.type} extension in ${location}`,
        () => client.virtualMachineExtensionImages.listVersions(location, handler.publisher, handler.type),
    );
    return (versions ?? [])
        .map((version) => version.name ?? "")
        .some(
            (version) => version === handler.typeHandlerVersion || version.startsWith(`${handler.typeHandlerVersion}.`),
        );
}
