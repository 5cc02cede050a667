import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { namesCredential } from "../lib/credentialNames";

export const stackType = "pulumi:pulumi:Stack";

/** Outputs that hold a credential although their names do not say so. */
const credentialsByType: ReadonlyMap<string, readonly string[]> = new Map([
    ["random:index/randomPassword:RandomPassword", ["result"]],
]);

/** A declared secret shorter than this could turn up inside unrelated text by chance. */
const shortestTrustedSecret = 8;

function credentialKeys(resource: PolicyResource): string[] {
    const byType = credentialsByType.get(resource.type) ?? [];
    // Object.keys reads no values, so nothing here trips over a value unknown during preview.
    return Object.keys(resource.props).filter((key) => namesCredential(key) || byType.includes(key));
}

/** The text a held value is searched in; undefined for values that hold no credential (absent, flags, counts). */
function heldText(value: unknown): string | undefined {
    if (typeof value === "string") {
        return value;
    }
    return typeof value === "object" && value !== null ? JSON.stringify(value) : undefined;
}

/** Values of every output some resource declares secret (additionalSecretOutputs, which SDKs fill from provider schemas). */
function declaredSecretValues(resources: readonly PolicyResource[]): string[] {
    return resources.flatMap((resource) =>
        resource.opts.additionalSecretOutputs
            .filter((key) => key in resource.props)
            .map((key) => heldText(resource.props[key]))
            .filter((text): text is string => text !== undefined && text.length >= shortestTrustedSecret),
    );
}

function violation(resource: PolicyResource, key: string): string {
    return resource.type === stackType
        ? `stack output "${key}" holds a credential but is built from no output the stack declares secret; ` +
              "export it as pulumi.secret(...) of a secret resource output"
        : `output "${key}" of ${resource.type} "${resource.name}" holds a credential but is neither in ` +
              "additionalSecretOutputs nor built from a declared secret; add it to additionalSecretOutputs";
}

/**
 * The SDK strips secret markers before validateStack sees any value (deserializeProperties(..., false)
 * in server.js), and stack policies get no remediation pass, so whether a value is secret cannot be
 * read here. Two signals remain:
 * - opts.additionalSecretOutputs: a resource declares the outputs Pulumi must keep secret; generated
 *   SDKs add the ones their provider schema marks secret (tls privateKeyPem, random result, ...);
 * - derivation: Pulumi keeps every value computed from a secret secret, so a credential built from a
 *   declared secret (a PEM key, a connection string holding a generated password) is secret unless the
 *   program called pulumi.unsecret on purpose.
 * A credential that has neither is reported. Stack outputs, which declare nothing, rely on derivation
 * alone; a credential taken from secret config is therefore reported too. While a preview still has
 * values to compute, the SDK reports that it cannot run this policy; `pulumi up` runs it on the
 * final outputs.
 */
export const credentialOutputsSecret: StackValidationPolicy = {
    name: "credential-outputs-secret",
    description:
        "Every resource or stack output holding a private key, password or connection string is a Pulumi secret.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "List the output in the resource's additionalSecretOutputs, or build the stack output from a secret resource output and wrap it in pulumi.secret(...).",
    validateStack: (args, reportViolation) => {
        let declared: string[] | undefined;
        for (const resource of args.resources) {
            for (const key of credentialKeys(resource)) {
                if (resource.opts.additionalSecretOutputs.includes(key)) {
                    continue;
                }
                const text = heldText(resource.props[key]);
                if (text === undefined) {
                    continue;
                }
                declared ??= declaredSecretValues(args.resources);
                if (!declared.some((secret) => text.includes(secret))) {
                    reportViolation(violation(resource, key), resource.urn);
                }
            }
        }
    },
};
