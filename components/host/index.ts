export { DockerHost } from "./dockerHost";
export type { DockerHostArgs } from "./dockerHost";
export { provisioners, provisionerTable } from "./provisioners";
export type { ExtensionHandler, MarketplaceImage, Provisioner, ProvisionerSpec } from "./provisioners";
