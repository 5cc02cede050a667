import { powerStateOf, stoppedPowerStates } from "../../catalogue/powerState";
import { CatalogueSource } from "./catalogue";
import { armGet } from "./resourceManager";

/**
 * Whether the existing host's VM is deallocated (by `azure-docker-host stop` or its auto-shutdown),
 * from its instance view; the hint names the command that brings it back. Anything else, an error
 * included, is no reason to stop: the run goes on as if the VM were running.
 */
export async function hostStopped(source: CatalogueSource, vmId: string, stack: string): Promise<string | undefined> {
    try {
        const answer = await armGet(
            {
                description: `the power state of VM ${vmId.split("/").pop()}`,
                url: `${source.cloud.endpoint}${vmId}/instanceView?api-version=2024-07-01`,
                token: source.token,
            },
            source.limits,
        );
        const power = powerStateOf((answer.body as { statuses?: { code?: unknown }[] } | undefined)?.statuses);
        return power !== undefined && stoppedPowerStates.includes(power)
            ? `the VM is ${power}: run \`azure-docker-host start --stack ${stack}\``
            : undefined;
    } catch {
        return undefined;
    }
}
