import { computeClient, ResourceManagerAccess, restClient } from "../azure/clients";
import { powerStateOf } from "../catalogue/powerState";
import { CliError } from "./errors";
import { VmReference } from "./outputs";

/** Resource Manager as the tool reaches it: the same SDK clients as the preflight, another login. */
export type AzureContext = ResourceManagerAccess;

/**
 * `@azure/identity`'s default credential (which picks up `az login`, a service principal's
 * environment, or a managed identity), loaded on first use: only the verbs that call Azure load the
 * SDK. AZURE_RESOURCE_MANAGER_ENDPOINT points the tool at another cloud's Resource Manager
 * (https://management.chinacloudapi.cn, say). Power operations poll for minutes: no call bounds.
 */
export function azureContext(environment: NodeJS.ProcessEnv = process.env): AzureContext {
    const endpoint = (environment.AZURE_RESOURCE_MANAGER_ENDPOINT || "https://management.azure.com").replace(
        /\/+$/,
        "",
    );
    let credential: ReturnType<AzureContext["credential"]> | undefined;
    return {
        endpoint,
        credential() {
            credential ??= import("@azure/identity").then(({ DefaultAzureCredential }) => new DefaultAzureCredential());
            return credential;
        },
    };
}

/** Turns the SDK's failures into what the operator should do. */
async function explained<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
        return await call();
    } catch (error) {
        const failure = error as Error & { statusCode?: number; code?: string };
        if (failure.name === "CredentialUnavailableError" || failure.name === "AggregateAuthenticationError") {
            throw new CliError(
                `${what}: no Azure login was found; run \`az login\` (and \`az account set -s <subscription>\`)`,
            );
        }
        if (failure.name === "AuthenticationError" || failure.statusCode === 401 || failure.statusCode === 403) {
            throw new CliError(
                `${what}: Azure refused the login (${failure.message.split("\n")[0]}); check \`az account show\``,
            );
        }
        throw new CliError(`${what} failed: ${failure.message.split("\n")[0]}`);
    }
}

/** The VM's power state as Azure reports it: running, deallocated, stopped, starting, deallocating... */
export async function powerState(azure: AzureContext, vm: VmReference): Promise<string> {
    const view = await explained(`reading the state of VM ${vm.name}`, async () =>
        (await computeClient(azure, vm.subscriptionId)).virtualMachines.instanceView(vm.resourceGroup, vm.name),
    );
    return powerStateOf(view.statuses) ?? "unknown";
}

export type PowerAction = "start" | "deallocate" | "restart";

/** Starts, deallocates or restarts the VM and waits until Azure says it is done. */
export async function changePower(azure: AzureContext, vm: VmReference, action: PowerAction): Promise<void> {
    await explained(`${action} of VM ${vm.name}`, async () => {
        const machines = (await computeClient(azure, vm.subscriptionId)).virtualMachines;
        const poller =
            action === "start"
                ? machines.start(vm.resourceGroup, vm.name, { updateIntervalInMs: 2_000 })
                : action === "deallocate"
                  ? machines.deallocate(vm.resourceGroup, vm.name, { updateIntervalInMs: 2_000 })
                  : machines.restart(vm.resourceGroup, vm.name, { updateIntervalInMs: 2_000 });
        await poller;
    });
}

/**
 * An incremental snapshot of the data disk in a resource group of its own (created when missing),
 * so it outlives the stack's groups. Returns the snapshot's id, what `dataDiskSource` takes.
 */
export async function snapshotDisk(
    azure: AzureContext,
    diskId: string,
    target: { readonly resourceGroup: string; readonly name: string; readonly location: string },
): Promise<string> {
    const subscriptionId = /^\/subscriptions\/([^/]+)\//i.exec(diskId)?.[1];
    if (!subscriptionId) {
        throw new CliError(`dataDiskId ${JSON.stringify(diskId)} is not a disk's resource id`);
    }
    await explained(`creating resource group ${target.resourceGroup}`, async () => {
        const answer = await (
            await restClient(azure)
        )
            .path(
                "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}",
                subscriptionId,
                target.resourceGroup,
            )
            .put({ queryParameters: { "api-version": "2021-04-01" }, body: { location: target.location } });
        if (!["200", "201"].includes(answer.status)) {
            throw new Error(`HTTP ${answer.status}: ${JSON.stringify(answer.body)}`);
        }
    });
    const snapshot = await explained(`snapshot of ${diskId.split("/").pop()}`, async () =>
        (await computeClient(azure, subscriptionId)).snapshots.createOrUpdate(
            target.resourceGroup,
            target.name,
            {
                location: target.location,
                incremental: true,
                creationData: { createOption: "Copy", sourceResourceId: diskId },
            },
            { updateIntervalInMs: 2_000 },
        ),
    );
    if (!snapshot.id) {
        throw new CliError(`Azure created snapshot ${target.name} without telling its id`);
    }
    return snapshot.id;
}
