import "../../harness/mocks";
import * as assert from "assert";
import { DataDiskBackup, dailyBackupTime, diskBackupRoles } from "../../../components/backup";
import { ComponentRun, declareUnderMocks } from "../../harness/component";
import { resolve } from "../../harness/program";

const diskId =
    "/subscriptions/00000000-0000-4000-8000-0000000000aa/resourceGroups/docker-rg/providers/Microsoft.Compute/disks/docker-data1a2b";
const roleAssignmentType = "azure-native:authorization:RoleAssignment";

describe("DataDiskBackup component", () => {
    let run: ComponentRun<DataDiskBackup>;
    before(async () => {
        run = await declareUnderMocks(
            () =>
                new DataDiskBackup("docker", {
                    retentionDays: 30,
                    diskId,
                    diskName: "docker-data1a2b",
                    location: "eastasia",
                }),
        );
    });

    it("keeps the vault and the snapshots in a resource group of their own, in the disk's region, which Pulumi never deletes", () => {
        const group = run.one("azure-native:resources:ResourceGroup", "docker-backup-rg");
        const vault = run.one("azure-native:dataprotection:BackupVault", "docker-vault");
        assert.deepStrictEqual([group.options.retainOnDelete, vault.options.retainOnDelete], [true, true]);
        // Not protected: turning backups off must not stop at them (see DataDiskBackup).
        assert.deepStrictEqual([group.options.protect, vault.options.protect], [false, false]);
        assert.deepStrictEqual([group.inputs.location, vault.inputs.location], ["eastasia", "eastasia"]);
        assert.strictEqual(vault.inputs.resourceGroupName, group.outputs.name);
    });

    it("gives the vault its own identity and keeps deleted backups 14 days", () => {
        const vault = run.one("azure-native:dataprotection:BackupVault", "docker-vault");
        assert.deepStrictEqual(vault.inputs.identity, { type: "SystemAssigned" });
        assert.deepStrictEqual((vault.inputs.properties as any).securitySettings, {
            softDeleteSettings: { state: "On", retentionDurationInDays: 14 },
        });
    });

    it("takes one incremental snapshot a night and keeps it the configured number of days", () => {
        const policy = run.one("azure-native:dataprotection:BackupPolicy", "docker-disk-policy");
        const [backup, retention] = (policy.inputs.properties as any).policyRules;
        assert.deepStrictEqual((policy.inputs.properties as any).datasourceTypes, ["Microsoft.Compute/disks"]);
        assert.strictEqual(backup.backupParameters.backupType, "Incremental");
        assert.deepStrictEqual(backup.trigger.schedule.repeatingTimeIntervals, [
            `R/2026-01-01T${dailyBackupTime}:00+00:00/P1D`,
        ]);
        assert.strictEqual(retention.lifecycles[0].deleteAfter.duration, "P30D");
        assert.strictEqual(retention.lifecycles[0].sourceDataStore.dataStoreType, "OperationalStore");
    });

    it("grants the vault's identity two roles, on the disk and on the snapshot group only", () => {
        const vault = run.one("azure-native:dataprotection:BackupVault", "docker-vault");
        const group = run.one("azure-native:resources:ResourceGroup", "docker-backup-rg");
        const principal = (vault.outputs.identity as { principalId: string }).principalId;
        const grants = run.ofType(roleAssignmentType).map((grant) => ({
            scope: grant.inputs.scope,
            role: String(grant.inputs.roleDefinitionId),
            principal: grant.inputs.principalId,
        }));
        const inSubscription = (role: string) =>
            `/subscriptions/00000000-0000-4000-8000-0000000000aa/providers/Microsoft.Authorization/roleDefinitions/${role}`;
        assert.deepStrictEqual(grants, [
            { scope: diskId, role: inSubscription(diskBackupRoles.diskBackupReader), principal },
            { scope: group.id, role: inSubscription(diskBackupRoles.diskSnapshotContributor), principal },
        ]);
    });

    it("protects the disk with that policy, snapshots going to that group, once the grants exist", () => {
        const instance = run.one("azure-native:dataprotection:BackupInstance", "docker-disk-instance");
        const properties = instance.inputs.properties as any;
        assert.strictEqual(properties.dataSourceInfo.resourceID, diskId);
        assert.strictEqual(properties.dataSourceInfo.datasourceType, "Microsoft.Compute/disks");
        assert.strictEqual(
            properties.policyInfo.policyId,
            run.one("azure-native:dataprotection:BackupPolicy", "docker-disk-policy").id,
        );
        assert.strictEqual(
            properties.policyInfo.policyParameters.dataStoreParametersList[0].resourceGroupId,
            run.one("azure-native:resources:ResourceGroup", "docker-backup-rg").id,
        );
        const grantUrns = run.ofType(roleAssignmentType).map((grant) => grant.urn);
        assert.strictEqual(grantUrns.length, 2);
        for (const urn of grantUrns) {
            assert.ok(instance.options.dependencies.includes(urn), `the instance does not wait for ${urn}`);
        }
    });

    it("exports the vault's and the instance's ids", async () => {
        assert.strictEqual(
            await resolve(run.component.vaultId),
            run.one("azure-native:dataprotection:BackupVault", "docker-vault").id,
        );
        assert.strictEqual(
            await resolve(run.component.instanceId),
            run.one("azure-native:dataprotection:BackupInstance", "docker-disk-instance").id,
        );
    });
});
