import { allPages, asked } from "../../azure/failures";
import { ScaleSetInstance } from "../../catalogue/scaleSetInstance";
import { CatalogueSource } from "./catalogue";

/**
 * A Flexible scale set's instances as they are now, by host name: its VMs are ordinary VMs of its
 * resource group that name it (`virtualMachineScaleSet.id`), listed page by page. The swarm's
 * membership keeps exactly these workers: a worker down for a reboot is still one.
 */
export async function scaleSetInstances(source: CatalogueSource, scaleSetId: string): Promise<ScaleSetInstance[]> {
    const group = /\/resourceGroups\/([^/]+)\//i.exec(scaleSetId)?.[1];
    if (!group) {
        throw new Error(`${scaleSetId} is not a scale set's resource id`);
    }
    const client = await source.compute();
    const vms = await asked(`the instances of scale set ${scaleSetId.split("/").pop()}`, () =>
        allPages(client.virtualMachines.list(group)),
    );
    return vms
        .filter((vm) => (vm.virtualMachineScaleSet?.id ?? "").toLowerCase() === scaleSetId.toLowerCase())
        .flatMap((vm) =>
            vm.name && vm.osProfile?.computerName ? [{ vmName: vm.name, computerName: vm.osProfile.computerName }] : [],
        )
        .sort((a, b) => a.computerName.localeCompare(b.computerName));
}
