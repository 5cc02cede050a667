import type { ResourceValidationPolicy } from "@pulumi/policy";

export const diskType = "azure-native:compute:Disk";

/**
 * retainOnDelete would keep the data too, but the engine does not pass it to policy packs (the
 * SDK's PolicyResourceOptions has protect and no retainOnDelete), so protect is what is checked.
 */
export const dataDiskProtected: ResourceValidationPolicy = {
    name: "data-disk-protected",
    description: "Managed disks are protected, so neither `pulumi destroy` nor a replacement deletes the data on them.",
    enforcementLevel: "mandatory",
    remediationSteps: "Declare the disk with the resource option { protect: true }.",
    validateResource: (args, reportViolation) => {
        if (args.type === diskType && args.opts.protect !== true) {
            reportViolation(
                `disk "${args.name}" is not protected, so destroying or replacing it would delete Docker's data`,
            );
        }
    },
};
