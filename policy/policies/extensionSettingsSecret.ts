import type { ResourceValidationPolicy } from "@pulumi/policy";
import { arrivedAsSecret } from "../lib/secretness";

export const vmExtensionType = "azure-native:compute:VirtualMachineExtension";
export const scaleSetType = "azure-native:compute:VirtualMachineScaleSet";

/**
 * The property that carries protected settings, if this resource has any: a VM extension's own
 * protectedSettings, or a scale set's virtualMachineProfile when one of its extensions has them (a
 * secret inside makes Pulumi keep the whole top-level property secret, and only that can be seen).
 */
function protectedProperty(type: string, props: Record<string, unknown>): string | undefined {
    if (type === vmExtensionType) {
        return "protectedSettings" in props ? "protectedSettings" : undefined;
    }
    if (type === scaleSetType) {
        const profile = props.virtualMachineProfile as
            { extensionProfile?: { extensions?: { protectedSettings?: unknown }[] } } | undefined;
        const carries = profile?.extensionProfile?.extensions?.some(
            (extension) => extension.protectedSettings !== undefined,
        );
        return carries ? "virtualMachineProfile" : undefined;
    }
    return undefined;
}

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
            "VM and scale set extensions hold their protectedSettings as a Pulumi secret, so state never keeps them in plain text.",
        enforcementLevel: "remediate",
        remediationSteps: "Wrap the whole protectedSettings value in pulumi.secret(...).",
        remediateResource: (args) => {
            const property = protectedProperty(args.type, args.props);
            if (property !== undefined) {
                arrivedSecret.set(args.urn, arrivedAsSecret(args.props, property));
            }
        },
        validateResource: (args, reportViolation) => {
            const property = protectedProperty(args.type, args.props);
            if (property === undefined) {
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
                    `${property} carries protected settings but is not a secret, so Pulumi state would keep them in plain text; wrap the protected settings in pulumi.secret(...)`,
                );
            }
        },
    };
}
