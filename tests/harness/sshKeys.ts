import { createPublicKey, generateKeyPairSync } from "crypto";

/** The OpenSSH `ssh-rsa` public key line of an RSA key (RFC 4253 §6.6 wire format), as Azure's keyData wants it. */
export function opensshPublicKeyOf(rsaKeyPem: string, comment?: string): string {
    const jwk = createPublicKey(rsaKeyPem).export({ format: "jwk" });
    const field = (bytes: Buffer) => {
        const length = Buffer.alloc(4);
        length.writeUInt32BE(bytes.length);
        return Buffer.concat([length, bytes]);
    };
    // mpints are two's complement: a leading 0x00 keeps a high first bit from reading as negative.
    const mpint = (base64url: string) => {
        const bytes = Buffer.from(base64url, "base64url");
        return field((bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.alloc(1), bytes]) : bytes);
    };
    const blob = Buffer.concat([field(Buffer.from("ssh-rsa")), mpint(jwk.e ?? ""), mpint(jwk.n ?? "")]);
    return comment === undefined
        ? `ssh-rsa ${blob.toString("base64")}`
        : `ssh-rsa ${blob.toString("base64")} ${comment}`;
}

/** An `ssh-rsa` public key line for a fresh RSA key of this size. */
export function opensshRsaPublicKey(bits: number, comment = "test@example"): string {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: bits });
    return opensshPublicKeyOf(privateKey.export({ format: "pem", type: "pkcs8" }).toString(), comment);
}
