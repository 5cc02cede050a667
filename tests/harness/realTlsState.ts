import * as pulumi from "@pulumi/pulumi";
import { createPrivateKey } from "crypto";
import { unwrapSecret } from "./mocks";
import {
    CertificateSpec,
    certRequestPem,
    generatePrivateKeyPem,
    KeySpec,
    publicKeyPemOf,
    readCertRequest,
    selfSignedCertPem,
    signedCertPem,
} from "./realPki";
import { opensshPublicKeyOf } from "./sshKeys";

type Inputs = Record<string, unknown>;

/** The certificate fields @pulumi/tls resources take, read off the inputs the program declared. */
function certificateSpec(inputs: Inputs): CertificateSpec {
    return {
        subject: inputs.subject as CertificateSpec["subject"],
        dnsNames: inputs.dnsNames as string[] | undefined,
        ipAddresses: inputs.ipAddresses as string[] | undefined,
        allowedUses: (inputs.allowedUses as string[] | undefined) ?? [],
        isCaCertificate: inputs.isCaCertificate as boolean | undefined,
        maxPathLength: inputs.maxPathLength as number | undefined,
        validityPeriodHours: inputs.validityPeriodHours as number | undefined,
    };
}

/**
 * Real keys and certificates for the `tls:` resources, made from exactly what the program declared
 * (algorithm, subject, SANs, allowed uses, validity, CA linkage), so the PKI the program describes
 * is the PKI the rehearsals test. Undefined for any other resource type.
 */
export async function realTlsState(type: string, rawInputs: Inputs): Promise<Inputs | undefined> {
    const inputs = Object.fromEntries(
        Object.entries(rawInputs).map(([key, value]) => [key, unwrapSecret(value)]),
    ) as Inputs;
    switch (type) {
        case "tls:index/privateKey:PrivateKey": {
            const privateKeyPem = await generatePrivateKeyPem(inputs as unknown as KeySpec);
            const rsa = inputs.algorithm === "RSA";
            return {
                privateKeyPem: pulumi.secret(privateKeyPem),
                // OpenSSH reads PKCS#1 PEM private keys as well as its own format.
                privateKeyOpenssh: pulumi.secret(
                    rsa
                        ? createPrivateKey(privateKeyPem).export({ format: "pem", type: "pkcs1" }).toString()
                        : privateKeyPem,
                ),
                publicKeyPem: publicKeyPemOf(privateKeyPem),
                publicKeyOpenssh: rsa ? `${opensshPublicKeyOf(privateKeyPem)}\n` : "",
            };
        }
        case "tls:index/selfSignedCert:SelfSignedCert":
            return {
                certPem: await selfSignedCertPem(String(inputs.privateKeyPem), certificateSpec(inputs)),
                readyForRenewal: false,
            };
        case "tls:index/certRequest:CertRequest":
            return { certRequestPem: await certRequestPem(String(inputs.privateKeyPem), certificateSpec(inputs)) };
        case "tls:index/locallySignedCert:LocallySignedCert": {
            const request = readCertRequest(String(inputs.certRequestPem));
            const certPem = await signedCertPem(
                request.publicKeyPem,
                {
                    ...certificateSpec(inputs),
                    subject: request.spec.subject,
                    dnsNames: request.spec.dnsNames,
                    ipAddresses: request.spec.ipAddresses,
                },
                { certPem: String(inputs.caCertPem), keyPem: String(inputs.caPrivateKeyPem) },
            );
            return { certPem, readyForRenewal: false };
        }
        default:
            return undefined;
    }
}
