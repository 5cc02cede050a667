import * as fs from "fs";
import * as path from "path";
import { EmulatedCloud } from "./cloud";
import { Operator, DataMarkers } from "./operator";
import { HubStandIn } from "./registry";
import { LifecycleStack } from "./stack";
import { pulumiToolchain, Toolchain } from "./toolchain";

/** The redis and mongo tags the stand-in Docker Hub holds: the program's defaults and the next ones. */
export const imageTags = { redis: ["7.4.2-bookworm", "7.4.3-bookworm"], mongo: ["7.0.16-jammy", "7.0.17-jammy"] };

/** Finds an executable of the toolchain's folders. */
export function toolchainBinary(toolchain: Toolchain, name: string): string {
    for (const folder of toolchain.path) {
        const candidate = path.join(folder, name);
        if (fs.existsSync(candidate)) {
            return candidate;
        }
    }
    throw new Error(`${name} is in none of ${toolchain.path.join(", ")}: run scripts/pulumi-toolchain.sh`);
}

/** Everything one lifecycle run works in: the cloud, Docker Hub, one stack, its operator and markers. */
export interface Lifecycle {
    readonly toolchain: Toolchain;
    readonly cloud: EmulatedCloud;
    readonly hub: HubStandIn;
    readonly stack: LifecycleStack;
    readonly operator: Operator;
    readonly markers: DataMarkers;
}

export function baseConfig(cloud: EmulatedCloud, provisioner: string): Record<string, unknown> {
    return {
        location: "eastasia",
        // The harness's own address on the emulated internet: the operator's machine.
        allowedSourceRanges: ["203.0.113.1/32"],
        provisioner,
        dataDiskSizeGb: 8,
        // The preflight asks the Resource Manager stand-in, found as a cloud's metadata host.
        "azure-native:metadataHost": cloud.arm.url,
    };
}

export async function startLifecycle(name: string): Promise<Lifecycle> {
    const toolchain = pulumiToolchain();
    const hub = await HubStandIn.start(toolchainBinary(toolchain, "registry-stand-in"), imageTags);
    const cloud = await EmulatedCloud.start();
    const stack = new LifecycleStack(name, toolchain, { ...cloud.env });
    const operator = new Operator(stack, {
        ...cloud.env,
        AZURE_RESOURCE_MANAGER_ENDPOINT: cloud.arm.url,
        // @azure/identity's default chain ends at the Azure CLI: the stand-in one answers.
        AZURE_TOKEN_CREDENTIALS: "AzureCliCredential",
    });
    return { toolchain, cloud, hub, stack, operator, markers: new DataMarkers(operator, stack) };
}

export async function stopLifecycle(lifecycle: Lifecycle | undefined): Promise<void> {
    if (!lifecycle) {
        return;
    }
    await lifecycle.cloud.teardown();
    lifecycle.hub.stop();
    lifecycle.stack.dispose();
}
