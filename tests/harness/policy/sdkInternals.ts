import { runtime } from "@pulumi/pulumi";

/**
 * Two internals of @pulumi/policy (its typings hide them), reused so that test arguments are shaped
 * exactly as the SDK shapes them: the step from the engine's wire form to what a policy receives,
 * and the proxy that throws on values unknown during preview. Pinned with the SDK's exact version.
 */
interface DeserializeModule {
    deserializeProperties(struct: { toJavaScript(): unknown }, proxySecrets: boolean): Record<string, unknown>;
}
interface ProxyModule {
    unknownCheckingProxy<T>(value: T): T;
}
const { deserializeProperties } = require("@pulumi/policy/deserialize") as DeserializeModule;
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as ProxyModule;

/** Properties as the engine sends them to a policy pack: secrets carry their marker (see secret). */
export type WireProps = Readonly<Record<string, unknown>>;

/** A secret in the engine's wire form. */
export function secret(value: unknown): Record<string, unknown> {
    return { [runtime.specialSigKey]: runtime.specialSecretSig, value };
}

/**
 * What server.js hands a policy for these properties: validations get every secret unwrapped to
 * its plain value; remediations get it wrapped in policy.Secret behind a proxy that unwraps on read.
 */
export function presentedProps(wire: WireProps, to: "validation" | "remediation"): Record<string, unknown> {
    return unknownCheckingProxy(deserializeProperties({ toJavaScript: () => wire }, to === "remediation"));
}
