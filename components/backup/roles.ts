/**
 * Azure's built-in roles a backup vault's identity needs for disk backup, and no more
 * (learn.microsoft.com, "Back up Azure Managed Disks": Disk Backup Reader on the disk, Disk Snapshot
 * Contributor on the snapshot resource group). The ids are the same in every Azure cloud.
 */
export const diskBackupRoles = {
    /** Read the disk and take incremental snapshots of it. */
    diskBackupReader: "3e5e47e6-65f7-47ef-90b5-e5dd4d455f24",
    /** Create and manage the snapshots in their resource group. */
    diskSnapshotContributor: "7efff54f-a5b4-42b5-a1c5-5411624893ce",
} as const;

/**
 * A role definition's id as a role assignment names it, in the subscription of the resource it is
 * granted on (taken from that resource's id, so no call to Azure is needed to know it).
 */
export function roleDefinitionId(resourceId: string, role: string): string {
    const subscription = /^\/subscriptions\/([^/]+)\//i.exec(resourceId)?.[1];
    if (!subscription) {
        throw new Error(`Not an Azure resource id: ${resourceId}`);
    }
    return `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
}
