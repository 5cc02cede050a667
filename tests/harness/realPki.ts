import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { createPrivateKey, createPublicKey, KeyObject, randomBytes, webcrypto } from "crypto";

// @peculiar/x509 signs with WebCrypto; Node's implementation is a complete one. Its typings name the
// DOM's WebCrypto types, which this Node project does not load, hence the derived aliases.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
type SelfSignedParams = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0];
type KeyPair = SelfSignedParams["keys"];
type SigningAlgorithm = NonNullable<SelfSignedParams["signingAlgorithm"]>;
type DomCryptoKey = KeyPair["publicKey"];

/** Key algorithms as @pulumi/tls names them. */
export interface KeySpec {
    readonly algorithm: "ECDSA" | "RSA";
    readonly ecdsaCurve?: "P224" | "P256" | "P384" | "P521";
    readonly rsaBits?: number;
}

/** Certificate contents as @pulumi/tls describes them. */
export interface CertificateSpec {
    readonly subject?: { readonly commonName?: string; readonly organization?: string };
    readonly dnsNames?: readonly string[];
    readonly ipAddresses?: readonly string[];
    /** @pulumi/tls allowed_uses: key usages and extended key usages in one list. */
    readonly allowedUses: readonly string[];
    readonly isCaCertificate?: boolean;
    readonly maxPathLength?: number;
    readonly notBefore?: Date;
    readonly notAfter?: Date;
    readonly validityPeriodHours?: number;
}

export interface Issuer {
    readonly certPem: string;
    readonly keyPem: string;
}

const curves = { P224: "P-224", P256: "P-256", P384: "P-384", P521: "P-521" } as const;

/** A fresh private key as PKCS#8 PEM. */
export async function generatePrivateKeyPem(spec: KeySpec): Promise<string> {
    const algorithm =
        spec.algorithm === "ECDSA"
            ? { name: "ECDSA", namedCurve: curves[spec.ecdsaCurve ?? "P224"] }
            : {
                  name: "RSASSA-PKCS1-v1_5",
                  modulusLength: spec.rsaBits ?? 2048,
                  publicExponent: new Uint8Array([1, 0, 1]),
                  hash: "SHA-256",
              };
    const pair = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    const der = await webcrypto.subtle.exportKey("pkcs8", pair.privateKey);
    return x509.PemConverter.encode(der, "PRIVATE KEY");
}

/** A self-signed certificate (a CA, or a throwaway server) for this key. */
export async function selfSignedCertPem(keyPem: string, spec: CertificateSpec): Promise<string> {
    const keys = await importPair(keyPem);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
        ...validity(spec),
        serialNumber: serial(),
        name: distinguishedName(spec),
        keys,
        signingAlgorithm: signingAlgorithm(keys.privateKey),
        extensions: await extensions(spec, keys.publicKey),
    });
    return cert.toString("pem");
}

/** A certificate for `subjectKeyPem`'s public key, signed by the issuer. */
export async function signedCertPem(publicKeyPem: string, spec: CertificateSpec, issuer: Issuer): Promise<string> {
    const issuerKeys = await importPair(issuer.keyPem);
    const issuerCert = new x509.X509Certificate(issuer.certPem);
    const subjectPublicKey = await importPublic(createPublicKey(publicKeyPem));
    const cert = await x509.X509CertificateGenerator.create({
        ...validity(spec),
        serialNumber: serial(),
        subject: distinguishedName(spec),
        issuer: issuerCert.subject,
        publicKey: subjectPublicKey as unknown as DomCryptoKey,
        signingKey: issuerKeys.privateKey,
        signingAlgorithm: signingAlgorithm(issuerKeys.privateKey),
        extensions: [
            ...(await extensions(spec, subjectPublicKey as unknown as DomCryptoKey)),
            await x509.AuthorityKeyIdentifierExtension.create(issuerCert, false),
        ],
    });
    return cert.toString("pem");
}

/** A PKCS#10 request, as tls.CertRequest produces from a key, subject and SANs. */
export async function certRequestPem(keyPem: string, spec: Omit<CertificateSpec, "allowedUses">): Promise<string> {
    const keys = await importPair(keyPem);
    const request = await x509.Pkcs10CertificateRequestGenerator.create({
        name: distinguishedName(spec),
        keys,
        signingAlgorithm: signingAlgorithm(keys.privateKey),
        extensions: [...subjectAlternativeNames(spec)],
    });
    return request.toString("pem");
}

/** Subject and SANs of a PKCS#10 request, for signing it as tls.LocallySignedCert does. */
export function readCertRequest(pem: string): { publicKeyPem: string; spec: Omit<CertificateSpec, "allowedUses"> } {
    const request = new x509.Pkcs10CertificateRequest(pem);
    const san = request.extensions.find(
        (extension): extension is x509.SubjectAlternativeNameExtension =>
            extension instanceof x509.SubjectAlternativeNameExtension,
    );
    const names: x509.JsonGeneralNames = san?.names.toJSON() ?? [];
    const subject = request.subjectName;
    return {
        publicKeyPem: request.publicKey.toString("pem"),
        spec: {
            subject: {
                commonName: subject.getField("CN")[0],
                organization: subject.getField("O")[0],
            },
            dnsNames: names.filter((name) => name.type === "dns").map((name) => name.value),
            ipAddresses: names.filter((name) => name.type === "ip").map((name) => name.value),
        },
    };
}

/** The public key PEM of a private key. */
export function publicKeyPemOf(privateKeyPem: string): string {
    return createPublicKey(privateKeyPem).export({ format: "pem", type: "spki" }).toString();
}

const keyUsages: Record<string, x509.KeyUsageFlags> = {
    digital_signature: x509.KeyUsageFlags.digitalSignature,
    content_commitment: x509.KeyUsageFlags.nonRepudiation,
    key_encipherment: x509.KeyUsageFlags.keyEncipherment,
    data_encipherment: x509.KeyUsageFlags.dataEncipherment,
    key_agreement: x509.KeyUsageFlags.keyAgreement,
    cert_signing: x509.KeyUsageFlags.keyCertSign,
    crl_signing: x509.KeyUsageFlags.cRLSign,
    encipher_only: x509.KeyUsageFlags.encipherOnly,
    decipher_only: x509.KeyUsageFlags.decipherOnly,
};

const extendedKeyUsages: Record<string, string> = {
    server_auth: x509.ExtendedKeyUsage.serverAuth,
    client_auth: x509.ExtendedKeyUsage.clientAuth,
    code_signing: x509.ExtendedKeyUsage.codeSigning,
    email_protection: x509.ExtendedKeyUsage.emailProtection,
    timestamping: x509.ExtendedKeyUsage.timeStamping,
    ocsp_signing: x509.ExtendedKeyUsage.ocspSigning,
};

async function extensions(spec: CertificateSpec, publicKey: DomCryptoKey): Promise<x509.Extension[]> {
    const unknown = spec.allowedUses.filter((use) => !(use in keyUsages) && !(use in extendedKeyUsages));
    if (unknown.length > 0) {
        throw new Error(`allowed uses not modelled here: ${unknown.join(", ")}`);
    }
    const usageFlags = spec.allowedUses.reduce((flags, use) => flags | (keyUsages[use] ?? 0), 0);
    const purposes = spec.allowedUses.flatMap((use) => extendedKeyUsages[use] ?? []);
    return [
        new x509.BasicConstraintsExtension(
            spec.isCaCertificate === true,
            spec.isCaCertificate ? spec.maxPathLength : undefined,
            true,
        ),
        ...(usageFlags ? [new x509.KeyUsagesExtension(usageFlags, true)] : []),
        ...(purposes.length > 0 ? [new x509.ExtendedKeyUsageExtension(purposes, false)] : []),
        ...subjectAlternativeNames(spec),
        await x509.SubjectKeyIdentifierExtension.create(publicKey, false),
    ];
}

function subjectAlternativeNames(spec: Pick<CertificateSpec, "dnsNames" | "ipAddresses">): x509.Extension[] {
    const names: x509.JsonGeneralNames = [
        ...(spec.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
        ...(spec.ipAddresses ?? []).map((value) => ({ type: "ip" as const, value })),
    ];
    return names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names, false)] : [];
}

function distinguishedName(spec: Pick<CertificateSpec, "subject">): string {
    const parts = [
        spec.subject?.commonName ? `CN=${escapeDn(spec.subject.commonName)}` : undefined,
        spec.subject?.organization ? `O=${escapeDn(spec.subject.organization)}` : undefined,
    ].filter((part): part is string => part !== undefined);
    return parts.join(", ");
}

function escapeDn(value: string): string {
    return value.replace(/([,+"\\<>;=])/g, "\\$1");
}

function validity(spec: CertificateSpec): { notBefore: Date; notAfter: Date } {
    const notBefore = spec.notBefore ?? new Date(Date.now() - 60_000);
    const notAfter = spec.notAfter ?? new Date(notBefore.getTime() + (spec.validityPeriodHours ?? 24) * 3_600_000);
    return { notBefore, notAfter };
}

function serial(): string {
    // Positive and non-zero, as RFC 5280 asks.
    return `01${randomBytes(15).toString("hex")}`;
}

function signingAlgorithm(key: DomCryptoKey | webcrypto.CryptoKey): SigningAlgorithm {
    return (
        key.algorithm.name === "ECDSA" ? { name: "ECDSA", hash: "SHA-256" } : { name: "RSASSA-PKCS1-v1_5" }
    ) as SigningAlgorithm;
}

async function importPair(privateKeyPem: string): Promise<KeyPair> {
    const privateKeyObject = createPrivateKey(privateKeyPem);
    const algorithm = keyAlgorithm(privateKeyObject);
    const privateKey = await webcrypto.subtle.importKey(
        "pkcs8",
        privateKeyObject.export({ format: "der", type: "pkcs8" }),
        algorithm,
        true,
        ["sign"],
    );
    const publicKey = await importPublic(createPublicKey(privateKeyObject));
    return { privateKey, publicKey } as unknown as KeyPair;
}

async function importPublic(publicKey: KeyObject): Promise<webcrypto.CryptoKey> {
    return webcrypto.subtle.importKey(
        "spki",
        publicKey.export({ format: "der", type: "spki" }),
        keyAlgorithm(publicKey),
        true,
        ["verify"],
    );
}

function keyAlgorithm(key: KeyObject): webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams {
    if (key.asymmetricKeyType === "ec") {
        const curve = key.asymmetricKeyDetails?.namedCurve;
        const names: Record<string, string> = {
            prime256v1: "P-256",
            secp384r1: "P-384",
            secp521r1: "P-521",
            secp224r1: "P-224",
        };
        return { name: "ECDSA", namedCurve: names[curve ?? ""] ?? "P-256" };
    }
    return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
}
