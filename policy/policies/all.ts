import type { Policies } from "@pulumi/policy";
import { containerHardened } from "./containerHardened";
import { containerPidsLimited } from "./containerPidsLimited";
import { credentialOutputsSecret } from "./credentialOutputsSecret";
import { dataDiskBackedUp } from "./dataDiskBackedUp";
import { dataDiskProtected } from "./dataDiskProtected";
import { vmExtensionSettingsSecret } from "./extensionSettingsSecret";
import { nsgAdminPortsClosed } from "./nsgAdminPorts";
import { swarmPortsWithinVnet } from "./swarmPortsWithinVnet";
import { vmSshKeysOnly } from "./vmSshKeysOnly";

/** Every policy of the pack, freshly made: one policy keeps notes between the engine's two passes. */
export function azureDockerHostPolicies(): Policies {
    return [
        nsgAdminPortsClosed,
        vmSshKeysOnly,
        vmExtensionSettingsSecret(),
        credentialOutputsSecret,
        dataDiskProtected,
        dataDiskBackedUp,
        containerHardened,
        containerPidsLimited,
        swarmPortsWithinVnet,
    ];
}
