import { AzureError } from "../errors";
import { World } from "../world";
import { Behaviour, referenced, uuid } from "./behaviour";

export const backupVault: Behaviour = {
    async create({ name, inputs }) {
        const identity =
            inputs.identity?.type === "SystemAssigned"
                ? { ...inputs.identity, principalId: uuid(), tenantId: "00000000-0000-4000-8000-0000000000aa" }
                : inputs.identity;
        return { name, type: "Microsoft.DataProtection/backupVaults", identity, provisioningState: "Succeeded" };
    },
    async update({ stored }) {
        // The system-assigned identity lives as long as the vault.
        return { identity: stored!.outputs.identity };
    },
};

export const backupPolicy: Behaviour = {
    async create({ name }) {
        return { name, type: "Microsoft.DataProtection/backupVaults/backupPolicies" };
    },
};

/** The roles a disk backup needs from the vault's identity, as Azure Backup checks them when it configures one. */
const diskBackupReader = "3e5e47e6-65f7-47ef-90b5-e5dd4d455f24";
const diskSnapshotContributor = "7efff54f-a5b4-42b5-a1c5-5411624893ce";

function granted(world: World, principalId: string, role: string, scope: string): boolean {
    return world
        .ofType("azure-native:authorization:RoleAssignment")
        .some(
            (assignment) =>
                assignment.inputs.principalId === principalId &&
                String(assignment.inputs.roleDefinitionId).toLowerCase().endsWith(role) &&
                String(assignment.inputs.scope).toLowerCase() === scope.toLowerCase(),
        );
}

export const backupInstance: Behaviour = {
    async create({ world, id, name, inputs }) {
        const vaultId = id.replace(/\/backupInstances\/[^/]+$/, "");
        const vault = referenced(world, vaultId, "backup vault");
        const diskId = String(inputs.properties?.dataSourceInfo?.resourceID);
        referenced(world, diskId, "disk");
        referenced(world, inputs.properties?.policyInfo?.policyId, "backup policy");
        const snapshotGroup = String(
            inputs.properties?.policyInfo?.policyParameters?.dataStoreParametersList?.[0]?.resourceGroupId,
        );
        const principalId = String((vault.outputs.identity as { principalId?: string } | undefined)?.principalId);
        const missing = [
            granted(world, principalId, diskBackupReader, diskId) ? undefined : `Disk Backup Reader on ${diskId}`,
            granted(world, principalId, diskSnapshotContributor, snapshotGroup)
                ? undefined
                : `Disk Snapshot Contributor on ${snapshotGroup}`,
        ].filter(Boolean);
        if (missing.length > 0) {
            throw new AzureError(
                400,
                "UserErrorMissingRequiredPermissions",
                `Appropriate permissions to perform the operation is missing: the backup vault's identity needs ${missing.join(" and ")}.`,
            );
        }
        return {
            name,
            type: "Microsoft.DataProtection/backupVaults/backupInstances",
            properties: {
                ...inputs.properties,
                currentProtectionState: "ProtectionConfigured",
                provisioningState: "Succeeded",
                protectionStatus: { status: "ProtectionConfigured" },
            },
        };
    },
};

export const roleAssignment: Behaviour = {
    async create({ world, name, inputs }) {
        const known = world
            .ofType("azure-native:dataprotection:BackupVault")
            .some(
                (vault) =>
                    (vault.outputs.identity as { principalId?: string } | undefined)?.principalId ===
                    inputs.principalId,
            );
        if (!known) {
            throw new AzureError(
                400,
                "PrincipalNotFound",
                `Principal ${String(inputs.principalId)} does not exist in the directory.`,
            );
        }
        referenced(world, inputs.scope, "scope");
        return { name, type: "Microsoft.Authorization/roleAssignments" };
    },
};

export const globalSchedule: Behaviour = {
    async create({ world, name, inputs }) {
        referenced(world, inputs.targetResourceId, "virtual machine");
        return {
            name,
            type: "microsoft.devtestlab/schedules",
            provisioningState: "Succeeded",
            uniqueIdentifier: uuid(),
        };
    },
};
