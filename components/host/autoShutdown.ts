import * as devtestlab from "@pulumi/azure-native/devtestlab";
import * as pulumi from "@pulumi/pulumi";

/** A daily time to deallocate the VM, as the Azure portal's auto-shutdown sets it. */
export interface AutoShutdown {
    /** `HH:MM`, 24-hour. */
    readonly time: string;
    /** A Windows time zone id, as DevTest Labs schedules take them (`UTC`, `W. Europe Standard Time`). */
    readonly timeZone: string;
}

/**
 * The VM's auto-shutdown: Azure's DevTest Labs global schedule, which Azure finds by its name,
 * `shutdown-computevm-<vm name>`, in the VM's resource group. It deallocates the VM daily; nothing
 * starts it again (`azure-docker-host start`).
 */
export function autoShutdownSchedule(
    name: string,
    args: {
        readonly shutdown: AutoShutdown;
        readonly vmName: pulumi.Input<string>;
        readonly vmId: pulumi.Input<string>;
        readonly resourceGroupName: pulumi.Input<string>;
        readonly location: pulumi.Input<string>;
    },
    opts: pulumi.CustomResourceOptions,
): devtestlab.GlobalSchedule {
    return new devtestlab.GlobalSchedule(
        name,
        {
            name: pulumi.interpolate`shutdown-computevm-${args.vmName}`,
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            status: "Enabled",
            taskType: "ComputeVmShutdownTask",
            dailyRecurrence: { time: args.shutdown.time.replace(":", "") },
            timeZoneId: args.shutdown.timeZone,
            targetResourceId: args.vmId,
            notificationSettings: { status: "Disabled" },
        },
        opts,
    );
}
