import * as assert from "assert";
import { azureError, retryAfterSeconds } from "../../azure/bounds";
import { computeClient, fixedTokenCredential } from "../../azure/clients";
import { resolveCloud } from "../../config/azure/resourceManager";

describe("Resource Manager client", () => {
    it("builds each compute group it uses as the SDK's aggregate client does, operation for operation", async () => {
        const credential = fixedTokenCredential("token");
        const endpoint = "https://management.azure.com";
        const ours = await computeClient({ endpoint, credential: async () => credential }, "subscription");
        const { ComputeManagementClient } = await import("@azure/arm-compute");
        const aggregate = new ComputeManagementClient(credential, "subscription", { endpoint });
        const operations = (group: object) => Object.keys(group).sort();
        for (const [name, group] of Object.entries(ours)) {
            assert.deepStrictEqual(operations(group), operations(aggregate[name as keyof typeof ours]), name);
            assert.ok(operations(group).length > 0, `${name} has no operations`);
        }
        assert.ok(operations(ours.virtualMachines).includes("instanceView"));
    });

    it("finds each cloud's endpoint by the names the azure-native provider accepts; an unknown name means public", async () => {
        const endpoint = async (environment: string | undefined) =>
            (await resolveCloud({ metadataHost: undefined, environment })).endpoint;
        assert.strictEqual(await endpoint(undefined), "https://management.azure.com");
        assert.strictEqual(await endpoint("AzureCloud"), "https://management.azure.com");
        assert.strictEqual(await endpoint("usgovernment"), "https://management.usgovcloudapi.net");
        assert.strictEqual(await endpoint("AzureUSGovernment"), "https://management.usgovcloudapi.net");
        assert.strictEqual(await endpoint("china"), "https://management.chinacloudapi.cn");
        assert.strictEqual(await endpoint("mars"), "https://management.azure.com");
    });

    it("reads Retry-After as seconds or as an HTTP date", () => {
        const now = Date.parse("2026-11-29T10:00:00Z");
        assert.strictEqual(retryAfterSeconds("7", now), 7);
        assert.strictEqual(retryAfterSeconds("Sun, 29 Nov 2026 10:00:30 GMT", now), 30);
        assert.strictEqual(retryAfterSeconds(undefined, now), undefined);
        assert.strictEqual(retryAfterSeconds("soon", now), undefined);
    });

    it("reads Azure's error envelope, and Compute's unwrapped throttling body", () => {
        assert.deepStrictEqual(
            azureError({ error: { code: "NotFound", message: "Artifact: VMImage was not found." } }),
            {
                code: "NotFound",
                message: "Artifact: VMImage was not found.",
            },
        );
        assert.deepStrictEqual(azureError({ code: "OperationNotAllowed", message: "too many requests" }), {
            code: "OperationNotAllowed",
            message: "too many requests",
        });
        assert.deepStrictEqual(azureError(undefined), { code: "", message: "" });
    });
});
