import * as authorization from "@pulumi/azure-native/authorization";
import * as dataprotection from "@pulumi/azure-native/dataprotection";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { diskBackupPolicy } from "./policy";
import { diskBackupRoles, roleDefinitionId } from "./roles";

export interface DataDiskBackupArgs {
    /** Days each daily snapshot is kept (above 0). */
    readonly retentionDays: number;
    readonly diskId: pulumi.Input<string>;
    readonly diskName: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
}

/**
 * Azure Backup for the data disk: a backup vault with a system-assigned identity, a daily disk backup
 * policy, and a backup instance for the disk. The vault and the snapshots live in a resource group of
 * their own, so deleting the stack's group (or the stack) leaves the copies; that group and the vault
 * are never deleted by Pulumi (retainOnDelete): backups off, or a destroy, takes them out of the
 * stack and leaves them in Azure, snapshots and all, to be deleted on purpose. (Protecting them, as
 * the disk is, would stop every such update at the vault, and the only way on, `pulumi state
 * delete`, would strand the policy, the instance and the grants in Azure with it.) The vault's
 * identity may read the disk and manage snapshots in that
 * group, and nothing else (Disk Backup Reader on the disk, Disk Snapshot Contributor on the group).
 */
export class DataDiskBackup extends pulumi.ComponentResource {
    readonly vaultId: pulumi.Output<string>;
    readonly instanceId: pulumi.Output<string>;
    /** Where the snapshots are, and where restored disks can be made. */
    readonly resourceGroupName: pulumi.Output<string>;

    constructor(name: string, args: DataDiskBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azure-docker-host:index:DataDiskBackup", name, {}, opts);
        const group = new resources.ResourceGroup(
            `${name}-backup-rg`,
            { location: args.location },
            { parent: this, retainOnDelete: true },
        );
        this.resourceGroupName = group.name;

        const vault = new dataprotection.BackupVault(
            `${name}-vault`,
            {
                resourceGroupName: group.name,
                location: args.location,
                identity: { type: "SystemAssigned" },
                properties: {
                    storageSettings: [{ datastoreType: "VaultStore", type: "LocallyRedundant" }],
                    // A deleted backup is kept 14 days more, so a mistake (or an intruder) cannot erase them at once.
                    securitySettings: { softDeleteSettings: { state: "On", retentionDurationInDays: 14 } },
                },
            },
            { parent: this, retainOnDelete: true },
        );
        this.vaultId = vault.id;

        const policy = new dataprotection.BackupPolicy(
            `${name}-disk-policy`,
            { resourceGroupName: group.name, vaultName: vault.name, properties: diskBackupPolicy(args.retentionDays) },
            { parent: this },
        );

        const principalId = vault.identity.apply((identity) => {
            if (!identity?.principalId) {
                throw new Error(`Azure returned no identity for the backup vault of ${name}`);
            }
            return identity.principalId;
        });
        const grant = (suffix: string, role: string, scope: pulumi.Input<string>) =>
            new authorization.RoleAssignment(
                `${name}-${suffix}`,
                {
                    principalId,
                    principalType: "ServicePrincipal",
                    roleDefinitionId: pulumi.output(args.diskId).apply((diskId) => roleDefinitionId(diskId, role)),
                    scope,
                },
                { parent: this },
            );
        const grants = [
            grant("disk-reader", diskBackupRoles.diskBackupReader, args.diskId),
            grant("snapshot-contributor", diskBackupRoles.diskSnapshotContributor, group.id),
        ];

        const instance = new dataprotection.BackupInstance(
            `${name}-disk-instance`,
            {
                resourceGroupName: group.name,
                vaultName: vault.name,
                properties: {
                    objectType: "BackupInstance",
                    friendlyName: args.diskName,
                    dataSourceInfo: {
                        objectType: "Datasource",
                        datasourceType: "Microsoft.Compute/disks",
                        resourceType: "Microsoft.Compute/disks",
                        resourceID: args.diskId,
                        resourceUri: args.diskId,
                        resourceName: args.diskName,
                        resourceLocation: args.location,
                    },
                    policyInfo: {
                        policyId: policy.id,
                        policyParameters: {
                            dataStoreParametersList: [
                                {
                                    objectType: "AzureOperationalStoreParameters",
                                    dataStoreType: "OperationalStore",
                                    resourceGroupId: group.id,
                                },
                            ],
                        },
                    },
                },
            },
            // The vault checks its permissions when the instance is made.
            { parent: this, dependsOn: grants },
        );
        this.instanceId = instance.id;
        this.registerOutputs({ vaultId: this.vaultId, instanceId: this.instanceId });
    }
}
