export { DockerHost } from "./dockerHost";
export type { DockerHostArgs } from "./dockerHost";
export { provisionerTable } from "./provisioners";
export type { ProvisionerSpec } from "./provisioners";
