import type { Client } from "@azure-rest/core-client";
import type { ComputeManagementClient } from "@azure/arm-compute";
import type { ComputeManagementContext } from "@azure/arm-compute/dist/commonjs/api";
import * as path from "path";
import type { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { boundedClientOptions, CallBounds } from "./bounds";

/**
 * One Resource Manager and a way to log in to it: the preflight's is the azure-native provider's
 * (its endpoint and token), the tool's is `@azure/identity`'s default credential. The SDK is
 * loaded by the first client made, never before: a preview that asks Azure nothing loads none of it.
 */
export interface ResourceManagerAccess {
    /** `https://management.azure.com` and the like, without a trailing slash. */
    readonly endpoint: string;
    credential(): Promise<TokenCredential>;
    /** Each call's limits; absent, the SDK's own (several retries, no timeout). */
    readonly bounds?: CallBounds;
}

/**
 * A token someone else obtained (the azure-native provider's), as the SDK takes a credential. Its
 * real expiry is not known here; the preflight's calls take seconds, and the SDK's bearer policy
 * only needs to see a token that will not expire under them.
 */
export function fixedTokenCredential(token: string, lifetimeMs = 30 * 60_000): TokenCredential {
    const issued = Date.now();
    return {
        async getToken(): Promise<AccessToken> {
            return { token, expiresOnTimestamp: issued + lifetimeMs };
        },
    };
}

function clientOptions(access: ResourceManagerAccess) {
    return {
        endpoint: access.endpoint,
        credentials: { scopes: [`${access.endpoint}/.default`] },
        ...(access.bounds ? boundedClientOptions(access.bounds) : {}),
    };
}

/** The compute SDK's operation groups this project calls: the preflight's reads, the tool's power and snapshot calls. */
export type ComputeClient = Pick<
    ComputeManagementClient,
    | "resourceSkus"
    | "virtualMachineImages"
    | "virtualMachineExtensionImages"
    | "virtualMachines"
    | "disks"
    | "snapshots"
>;

/**
 * A module of the compute SDK's CommonJS build, by its path there. The package's exports map names
 * its aggregate client and models, not the context and the groups it builds from them; the types
 * are the package's own. tests/unit/resourceManager.spec.ts holds each group to the aggregate
 * client's, and the preflight's and the tool's specs call every operation used through the stand-in.
 */
function computeModule<Module>(file: string): Promise<Module> {
    return import(path.join(path.dirname(require.resolve("@azure/arm-compute")), file));
}

type OperationGroupModule<Group extends keyof ComputeClient> = Record<
    string,
    ((context: ComputeManagementContext) => ComputeClient[Group]) | undefined
>;

/**
 * The compute client, with the groups this project calls and no others, built as the SDK's aggregate
 * client builds each of its sixty: that one loads 142 modules, 110 to 130 ms on top of the HTTP
 * pipeline on every `pulumi preview` that runs the preflight, where these load 34 in 30 to 45.
 */
export async function computeClient(access: ResourceManagerAccess, subscriptionId: string): Promise<ComputeClient> {
    const { createComputeManagement } =
        await computeModule<typeof import("@azure/arm-compute/dist/commonjs/api")>("api/index.js");
    const context = createComputeManagement(await access.credential(), subscriptionId, clientOptions(access));
    const group = async <Group extends keyof ComputeClient>(name: Group, factory: string) => {
        const build = (await computeModule<OperationGroupModule<Group>>(`classic/${name}/index.js`))[factory];
        if (build === undefined) {
            throw new Error(`@azure/arm-compute has no ${factory} in its ${name} group`);
        }
        return build(context);
    };
    const [resourceSkus, virtualMachineImages, virtualMachineExtensionImages, virtualMachines, disks, snapshots] =
        await Promise.all([
            group("resourceSkus", "_getResourceSkusOperations"),
            group("virtualMachineImages", "_getVirtualMachineImagesOperations"),
            group("virtualMachineExtensionImages", "_getVirtualMachineExtensionImagesOperations"),
            group("virtualMachines", "_getVirtualMachinesOperations"),
            group("disks", "_getDisksOperations"),
            group("snapshots", "_getSnapshotsOperations"),
        ]);
    return { resourceSkus, virtualMachineImages, virtualMachineExtensionImages, virtualMachines, disks, snapshots };
}

export async function subscriptionClient(access: ResourceManagerAccess): Promise<SubscriptionClient> {
    const { SubscriptionClient } = await import("@azure/arm-resources-subscriptions");
    return new SubscriptionClient(await access.credential(), clientOptions(access));
}

/** Resource Manager's REST API for what the typed clients do not cover (resource groups). */
export async function restClient(access: ResourceManagerAccess): Promise<Client> {
    const { getClient } = await import("@azure-rest/core-client");
    return getClient(access.endpoint, await access.credential(), clientOptions(access));
}

/** A cloud's metadata endpoint, which needs no login. */
export async function anonymousClient(endpoint: string, bounds?: CallBounds): Promise<Client> {
    const { getClient } = await import("@azure-rest/core-client");
    return getClient(endpoint, bounds ? boundedClientOptions(bounds) : {});
}
