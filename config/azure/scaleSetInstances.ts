import { ScaleSetInstance } from "../../catalogue/scaleSetInstance";
import { CatalogueSource } from "./catalogue";
import { armGet } from "./resourceManager";

const computeApiVersion = "2024-07-01";

/**
 * A Flexible scale set's instances as they are now, by host name: its VMs are ordinary VMs of its
 * resource group that name it (`properties.virtualMachineScaleSet.id`), listed page by page. The
 * swarm's membership keeps exactly these workers: a worker down for a reboot is still one.
 */
export async function scaleSetInstances(source: CatalogueSource, scaleSetId: string): Promise<ScaleSetInstance[]> {
    const group = scaleSetId.split("/providers/")[0];
    let url: string | undefined =
        `${source.cloud.endpoint}${group}/providers/Microsoft.Compute/virtualMachines?api-version=${computeApiVersion}`;
    const instances: ScaleSetInstance[] = [];
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
                name?: string;
                properties?: { osProfile?: { computerName?: string }; virtualMachineScaleSet?: { id?: string } };
            }[];
            nextLink?: string | null;
        };
        for (const vm of body.value ?? []) {
            const owner = vm.properties?.virtualMachineScaleSet?.id ?? "";
            const computerName = vm.properties?.osProfile?.computerName;
            if (owner.toLowerCase() === scaleSetId.toLowerCase() && computerName && vm.name) {
                instances.push({ vmName: vm.name, computerName });
            }
        }
        url = body.nextLink ?? undefined;
    }
    return instances.sort((a, b) => a.computerName.localeCompare(b.computerName));
}
