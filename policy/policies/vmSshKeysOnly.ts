import type { ResourceValidationPolicy } from "@pulumi/policy";
import { asProps } from "../lib/props";

export const virtualMachineType = "azure-native:compute:VirtualMachine";

export const vmSshKeysOnly: ResourceValidationPolicy = {
    name: "vm-ssh-keys-only",
    description: "Virtual machines take SSH keys only: password authentication is off and no admin password is set.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set osProfile.linuxConfiguration.disablePasswordAuthentication to true, give the admin user an SSH public key and drop osProfile.adminPassword.",
    validateResource: (args, reportViolation) => {
        if (args.type !== virtualMachineType) {
            return;
        }
        const osProfile = asProps(args.props.osProfile);
        if (osProfile === undefined) {
            // A VM booted from an attached OS disk keeps whatever sshd settings that disk has.
            reportViolation("the VM has no osProfile, so nothing turns password login off");
            return;
        }
        if (asProps(osProfile.linuxConfiguration)?.disablePasswordAuthentication !== true) {
            reportViolation(
                "osProfile.linuxConfiguration.disablePasswordAuthentication is not true, so sshd would accept passwords",
            );
        }
        // Its presence alone is the violation; testing presence also avoids reading a value that is
        // unknown during preview.
        if ("adminPassword" in osProfile) {
            reportViolation("osProfile.adminPassword is set; log in with an SSH key instead");
        }
    },
};
