import type * as inputs from "@pulumi/azure-native/types/input";

/** When the daily backup runs: the night, in UTC, away from the hour of most maintenance windows. */
export const dailyBackupTime = "02:00";

/**
 * A disk backup policy (Microsoft.DataProtection, datasource Microsoft.Compute/disks): one
 * incremental snapshot a day in the operational store, kept `retentionDays` days. Disk backup keeps
 * snapshots in a resource group of the subscription, not in the vault.
 */
export function diskBackupPolicy(retentionDays: number): inputs.dataprotection.BackupPolicyArgs {
    const operationalStore = { dataStoreType: "OperationalStore", objectType: "DataStoreInfoBase" } as const;
    return {
        objectType: "BackupPolicy",
        datasourceTypes: ["Microsoft.Compute/disks"],
        policyRules: [
            {
                name: "BackupDaily",
                objectType: "AzureBackupRule",
                backupParameters: { objectType: "AzureBackupParams", backupType: "Incremental" },
                dataStore: operationalStore,
                trigger: {
                    objectType: "ScheduleBasedTriggerContext",
                    schedule: {
                        repeatingTimeIntervals: [`R/2026-01-01T${dailyBackupTime}:00+00:00/P1D`],
                        timeZone: "UTC",
                    },
                    taggingCriteria: [{ isDefault: true, taggingPriority: 99, tagInfo: { tagName: "Default" } }],
                },
            },
            {
                name: "Default",
                objectType: "AzureRetentionRule",
                isDefault: true,
                lifecycles: [
                    {
                        deleteAfter: { objectType: "AbsoluteDeleteOption", duration: `P${retentionDays}D` },
                        sourceDataStore: operationalStore,
                    },
                ],
            },
        ],
    };
}
