import { CatalogueSource } from "./catalogue";
import { armGet } from "./resourceManager";

const computeApiVersion = "2024-07-01";

/**
 * The host names of a Flexible scale set's instances as they are now: its VMs are ordinary VMs of
 * its resource group that name it (`properties.virtualMachineScaleSet.id`), listed page by page.
 * The swarm's membership keeps exactly these workers: a worker down for a reboot is still one.
 */
export async function scaleSetComputerNames(source: CatalogueSource, scaleSetId: string): Promise<string[]> {
    const group = scaleSetId.split("/providers/")[0];
    let url: string | undefined =
        `${source.cloud.endpoint}${group}/providers/Microsoft.Compute/virtualMachines?api-version=${computeApiVersion}`;
    const names: string[] = [];
    while (url) {
        const page = await armGet(
            { description: `the instances of scale set ${scaleSetId.split("/").pop()}`, url, token: source.token },
            source.limits,
        );
        if (page.status !== 200) {
            throw new Error(`GET ${url} answered HTTP ${page.status}`);
        }
        const body = page.body as {
            value?: {
                properties?: { osProfile?: { computerName?: string }; virtualMachineScaleSet?: { id?: string } };
            }[];
            nextLink?: string | null;
        };
        for (const vm of body.value ?? []) {
            const owner = vm.properties?.virtualMachineScaleSet?.id ?? "";
            const name = vm.properties?.osProfile?.computerName;
            if (owner.toLowerCase() === scaleSetId.toLowerCase() && name) {
                names.push(name);
            }
        }
        url = body.nextLink ?? undefined;
    }
    return names.sort();
}
