export const publishModes = ["localhost", "none"] as const;
/** Where a service's port is published on the VM: its loopback only, or nowhere. Never a public interface. */
export type PublishMode = (typeof publishModes)[number];
