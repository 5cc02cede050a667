import { asked } from "../../azure/failures";
import { powerStateOf, stoppedPowerStates } from "../../catalogue/powerState";
import { CatalogueSource } from "./catalogue";

/**
 * Whether the existing host's VM is deallocated (by `azure-docker-host stop` or its auto-shutdown),
 * from its instance view; the hint names the command that brings it back. Anything else, an error
 * included, is no reason to stop: the run goes on as if the VM were running.
 */
export async function hostStopped(source: CatalogueSource, vmId: string, stack: string): Promise<string | undefined> {
    try {
        const [, group, name] =
            /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)$/i.exec(vmId) ?? [];
        if (!group || !name) {
            return undefined;
        }
        const client = await source.compute();
        const view = await asked(`the power state of VM ${name}`, () =>
            client.virtualMachines.instanceView(group, name),
        );
        const power = powerStateOf(view.statuses);
        return power !== undefined && stoppedPowerStates.includes(power)
            ? `the VM is ${power}: run \`azure-docker-host start --stack ${stack}\``
            : undefined;
    } catch {
        return undefined;
    }
}
