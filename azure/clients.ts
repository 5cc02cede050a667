import type { Client } from "@azure-rest/core-client";
import type { ComputeManagementClient } from "@azure/arm-compute";
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

export async function computeClient(
    access: ResourceManagerAccess,
    subscriptionId: string,
): Promise<ComputeManagementClient> {
    const { ComputeManagementClient } = await import("@azure/arm-compute");
    return new ComputeManagementClient(await access.credential(), subscriptionId, clientOptions(access));
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
