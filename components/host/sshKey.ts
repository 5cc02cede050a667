import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

export interface HostSshKey {
    /** `ssh-rsa <base64>`, as Azure stores keyData. */
    readonly publicKey: pulumi.Output<string>;
    /** Only when the pair was generated here; a secret. */
    readonly privateKey: pulumi.Output<string> | undefined;
}

/**
 * The admin user's SSH key: the operator's own, or an RSA 4096 pair generated here (Azure's keyData
 * takes ssh-rsa only). `formerParent` is where a generated key lived before it moved into the host
 * (the Pki component), so an existing stack keeps its key rather than getting a new one and a new VM.
 */
export function hostSshKey(
    name: string,
    given: pulumi.Input<string> | undefined,
    parent: pulumi.Resource,
    formerParent: pulumi.Input<string> | undefined,
): HostSshKey {
    if (given !== undefined) {
        return { publicKey: pulumi.output(given), privateKey: undefined };
    }
    const key = new tls.PrivateKey(
        `${name}-ssh-key`,
        { algorithm: "RSA", rsaBits: 4096 },
        { parent, aliases: formerParent === undefined ? [] : [{ parent: formerParent }] },
    );
    return {
        publicKey: key.publicKeyOpenssh.apply((openssh) => openssh.trim()),
        privateKey: pulumi.secret(key.privateKeyOpenssh),
    };
}
