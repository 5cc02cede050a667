import type { ResourceValidationPolicy } from "@pulumi/policy";
import { arrivedAsSecret } from "../lib/secretness";

export const vmExtensionType = "azure-native:compute:VirtualMachineExtension";

/**
 * protectedSettings carry what Azure encrypts and never returns (here the Docker server's key), so
 * Pulumi state must hold them encrypted too: the input must be a secret, and azure-native does not
 * make it one.
 *
 * Only a remediation can see whether an input is a secret (see arrivedAsSecret), and the SDK runs a
 * policy's remediation only at enforcement level "remediate". So this policy runs at that level, and
 * its remediation changes nothing: it notes what it saw for the resource, and the validation, which
 * the engine runs after all remediations of that resource, reports. The SDK and the engine report a
 * violation of a "remediate" policy as mandatory, so it blocks like the other policies.
 *
 * A factory, because each instance keeps its own notes between the two passes.
 */
export function vmExtensionSettingsSecret(): ResourceValidationPolicy {
    // URN -> whether protectedSettings arrived as a secret; written by the remediation pass, taken by the validation.
    const arrivedSecret = new Map<string, boolean>();
    return {
        name: "vm-extension-protected-settings-secret",
        description:
            "VM extensions hold their protectedSettings as a Pulumi secret, so state never keeps them in plain text.",
        enforcementLevel: "remediate",
        remediationSteps: "Wrap the whole protectedSettings value in pulumi.secret(...).",
        remediateResource: (args) => {
            if (args.type === vmExtensionType && "protectedSettings" in args.props) {
                arrivedSecret.set(args.urn, arrivedAsSecret(args.props, "protectedSettings"));
            }
        },
        validateResource: (args, reportViolation) => {
            if (args.type !== vmExtensionType || !("protectedSettings" in args.props)) {
                return;
            }
            const secret = arrivedSecret.get(args.urn);
            arrivedSecret.delete(args.urn);
            if (secret === undefined) {
                reportViolation(
                    'cannot tell whether protectedSettings is a secret: only a remediation sees secrets, so this policy must run at enforcement level "remediate"',
                );
            } else if (!secret) {
                reportViolation(
                    "protectedSettings is not a secret, so Pulumi state would keep it in plain text; wrap the whole value in pulumi.secret(...)",
                );
            }
        },
    };
}
