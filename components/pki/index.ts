export type { ClientTlsBundle, ServerTlsBundle } from "./bundles";
export { Pki } from "./pki";
export type { PkiArgs } from "./pki";
