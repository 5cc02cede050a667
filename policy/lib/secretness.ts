import { Secret } from "@pulumi/policy";

/**
 * Whether a top-level property reached a remediation as a secret.
 *
 * The engine sends secrets to a policy pack with their markers, but @pulumi/policy strips them
 * before validateResource and validateStack run (server.js calls deserializeProperties(..., false)),
 * so a validation cannot tell a secret from plain text. Only remediateResource gets them
 * (deserializeProperties(..., true)): each secret is wrapped in policy.Secret, behind a proxy that
 * unwraps it on every read. That proxy does not trap getOwnPropertyDescriptor, so the descriptor
 * still holds the wrapper.
 */
export function arrivedAsSecret(props: object, key: string): boolean {
    return Object.getOwnPropertyDescriptor(props, key)?.value instanceof Secret;
}
