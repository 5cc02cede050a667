import { anonymousClient } from "../../azure/clients";
import { CallBounds, preflightBounds } from "../../azure/bounds";
import { asked } from "../../azure/failures";

/** Where Resource Manager is for the cloud the azure-native provider uses. */
export interface ResourceManagerCloud {
    /** `https://management.azure.com` and the like, without a trailing slash. */
    readonly endpoint: string;
    /** How the cloud was chosen, for messages. */
    readonly source: string;
}

/** The provider's well-known clouds (pulumi-azure-native's cloud.FromName), by every name it accepts. */
const knownClouds: Readonly<Record<string, string>> = {
    public: "https://management.azure.com",
    azurecloud: "https://management.azure.com",
    usgovernment: "https://management.usgovcloudapi.net",
    usgov: "https://management.usgovcloudapi.net",
    azureusgovernment: "https://management.usgovcloudapi.net",
    azureusgovernmentcloud: "https://management.usgovcloudapi.net",
    usgovernmentl4: "https://management.usgovcloudapi.net",
    china: "https://management.chinacloudapi.cn",
    azurechinacloud: "https://management.chinacloudapi.cn",
};

/** The provider's cloud settings, from `azure-native:` config or its environment variables. */
export interface CloudSettings {
    readonly metadataHost: string | undefined;
    readonly environment: string | undefined;
}

/**
 * Resolves Resource Manager's endpoint as the azure-native provider does, so the preflight asks the
 * cloud the provider will deploy to: a metadata host (`metadataHost`, ARM_METADATA_HOSTNAME) is asked
 * for its endpoints and wins over `environment` (public, usgovernment, china and their aliases;
 * an unknown name means public, as it does for the provider).
 */
export async function resolveCloud(
    settings: CloudSettings,
    bounds: CallBounds = preflightBounds,
): Promise<ResourceManagerCloud> {
    if (settings.metadataHost) {
        const base = /^https?:\/\//.test(settings.metadataHost)
            ? settings.metadataHost
            : `https://${settings.metadataHost}`;
        const client = await anonymousClient(base.replace(/\/+$/, ""), bounds);
        const response = await asked("the cloud's metadata endpoints", async () =>
            client.path("/metadata/endpoints").get({ queryParameters: { "api-version": "2022-09-01" } }),
        );
        const endpoint = (response.body as { resourceManager?: unknown } | undefined)?.resourceManager;
        if (response.status !== "200" || typeof endpoint !== "string") {
            throw new Error(
                `GET ${response.request.url.split("?")[0]} (the cloud's metadata endpoints) answered HTTP ${response.status} ` +
                    "without a resourceManager endpoint: check azure-native:metadataHost or ARM_METADATA_HOSTNAME",
            );
        }
        return { endpoint: endpoint.replace(/\/+$/, ""), source: `metadata host ${settings.metadataHost}` };
    }
    const name = (settings.environment ?? "public").toLowerCase();
    return {
        endpoint: knownClouds[name] ?? (knownClouds.public as string),
        source: `environment ${knownClouds[name] ? name : "public"}`,
    };
}
