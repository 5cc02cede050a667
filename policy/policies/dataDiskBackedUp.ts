import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { asProps, asText } from "../lib/props";
import { diskType } from "./dataDiskProtected";

export const backupVaultType = "azure-native:dataprotection:BackupVault";
export const backupInstanceType = "azure-native:dataprotection:BackupInstance";

function backsUp(instance: PolicyResource, disk: PolicyResource): boolean {
    // The engine records which resources `properties` was built from, so this holds during preview,
    // when the disk's id is still unknown.
    if ((instance.propertyDependencies.properties ?? []).some((source) => source.urn === disk.urn)) {
        return true;
    }
    const source = asText(asProps(asProps(instance.props.properties)?.dataSourceInfo)?.resourceID);
    const id = asText(disk.props.id);
    return source !== undefined && id !== undefined && source.toLowerCase() === id.toLowerCase();
}

export const dataDiskBackedUp: StackValidationPolicy = {
    name: "data-disk-backed-up",
    description:
        "When the stack backs up (it has a backup vault, backupRetentionDays above 0), every managed disk it declares has a backup instance.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Give the disk a DataDiskBackup (a BackupInstance whose dataSourceInfo.resourceID is the disk's id), or set backupRetentionDays to 0 on purpose.",
    validateStack: (args, reportViolation) => {
        if (!args.resources.some((resource) => resource.type === backupVaultType)) {
            return;
        }
        const instances = args.resources.filter((resource) => resource.type === backupInstanceType);
        for (const disk of args.resources.filter((resource) => resource.type === diskType)) {
            if (!instances.some((instance) => backsUp(instance, disk))) {
                reportViolation(
                    `disk "${disk.name}" has no backup instance, although the stack has a backup vault`,
                    disk.urn,
                );
            }
        }
    },
};
