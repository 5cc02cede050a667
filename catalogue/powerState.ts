/**
 * A VM's power state from its instance view's statuses, as Resource Manager reports it
 * (`PowerState/running`, `PowerState/deallocated`, ...): the part after the slash, or undefined
 * when no status says. The preflight and the command-line tool read it alike.
 */
export function powerStateOf(statuses: readonly { readonly code?: unknown }[] | undefined): string | undefined {
    const code = (statuses ?? [])
        .map((status) => (typeof status.code === "string" ? status.code : ""))
        .find((each) => each.startsWith("PowerState/"));
    return code?.slice("PowerState/".length);
}

/** The states in which the VM runs nothing: what `azure-docker-host start` brings back from. */
export const stoppedPowerStates: readonly string[] = ["deallocated", "stopped"];
