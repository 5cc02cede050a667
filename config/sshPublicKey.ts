/** What we learnt from an OpenSSH public key line (`ssh-rsa AAAA... comment`). */
export interface SshRsaKey {
    readonly bits: number;
    /** The key normalised to `type base64` without the comment, as Azure stores it. */
    readonly keyData: string;
}

/** Azure's `osProfile.linuxConfiguration.ssh.publicKeys[].keyData` accepts RSA keys of this size or more. */
export const minimumRsaBits = 2048;

/**
 * Parses an OpenSSH `ssh-rsa` public key and measures its modulus. The wire format (RFC 4253 §6.6)
 * is three length-prefixed fields: the key type, the public exponent and the modulus.
 */
export function parseSshRsaPublicKey(line: string): SshRsaKey | { readonly error: string } {
    // The third field, a free-text comment, is not part of the key.
    const [type, base64] = line.trim().split(/\s+/);
    if (type !== "ssh-rsa") {
        return { error: `the key type is ${JSON.stringify(type ?? "")}, not ssh-rsa` };
    }
    if (!base64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
        return { error: "the key body is not base64" };
    }
    const blob = Buffer.from(base64, "base64");
    const fields = readLengthPrefixedFields(blob, 3);
    if (!fields || fields[0]?.toString("latin1") !== "ssh-rsa") {
        return { error: "the key body is not an ssh-rsa public key" };
    }
    const modulus = fields[2] ?? Buffer.alloc(0);
    return { bits: bitLength(modulus), keyData: `ssh-rsa ${base64}` };
}

function readLengthPrefixedFields(blob: Buffer, count: number): Buffer[] | undefined {
    const fields: Buffer[] = [];
    let offset = 0;
    for (let i = 0; i < count; i++) {
        if (offset + 4 > blob.length) {
            return undefined;
        }
        const length = blob.readUInt32BE(offset);
        offset += 4;
        if (offset + length > blob.length) {
            return undefined;
        }
        fields.push(blob.subarray(offset, offset + length));
        offset += length;
    }
    return offset === blob.length ? fields : undefined;
}

/** Bit length of an unsigned big-endian integer (SSH mpints carry a leading zero byte when the top bit is set). */
function bitLength(bigEndian: Buffer): number {
    const firstNonZero = bigEndian.findIndex((byte) => byte !== 0);
    if (firstNonZero < 0) {
        return 0;
    }
    const leading = bigEndian[firstNonZero] ?? 0;
    return (bigEndian.length - firstNonZero - 1) * 8 + (32 - Math.clz32(leading));
}
