/** One regular file for a tar archive, with the owner and mode it must have where it lands. */
export interface ArchiveFile {
    readonly name: string;
    readonly content: string;
    readonly uid: number;
    readonly gid: number;
    /** e.g. 0o400 */
    readonly mode: number;
}

const block = 512;

/** A POSIX ustar header field: octal, zero-padded, NUL-terminated. */
function octal(value: number, width: number): string {
    return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

/**
 * A tar archive (POSIX ustar) of regular files, as the Engine API's `PUT /containers/{id}/archive`
 * takes it. Written here rather than taken from a package: this runs inside dynamic providers,
 * which carry Node's built-ins only. Names must fit ustar's 100 bytes.
 */
export function tarArchive(files: readonly ArchiveFile[]): Buffer {
    const parts: Buffer[] = [];
    for (const file of files) {
        const content = Buffer.from(file.content, "utf8");
        if (Buffer.byteLength(file.name) > 100) {
            throw new Error(`archive member name too long for ustar: ${file.name}`);
        }
        const header = Buffer.alloc(block, 0);
        header.write(file.name, 0, 100, "utf8");
        header.write(octal(file.mode, 8), 100, 8, "ascii");
        header.write(octal(file.uid, 8), 108, 8, "ascii");
        header.write(octal(file.gid, 8), 116, 8, "ascii");
        header.write(octal(content.length, 12), 124, 12, "ascii");
        header.write(octal(Math.floor(Date.now() / 1000), 12), 136, 12, "ascii");
        header.write("        ", 148, 8, "ascii"); // checksum field counts as spaces while summing
        header.write("0", 156, 1, "ascii"); // regular file
        header.write("ustar\0", 257, 6, "ascii");
        header.write("00", 263, 2, "ascii");
        const checksum = header.reduce((sum, byte) => sum + byte, 0);
        header.write(`${checksum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
        parts.push(header, content, Buffer.alloc((block - (content.length % block)) % block, 0));
    }
    parts.push(Buffer.alloc(block * 2, 0));
    return Buffer.concat(parts);
}

/** The regular files of a tar archive (as `GET /containers/{id}/archive` answers), by base name. */
export function untarFiles(archive: Buffer): Map<string, Buffer> {
    const files = new Map<string, Buffer>();
    for (let offset = 0; offset + block <= archive.length;) {
        const header = archive.subarray(offset, offset + block);
        if (header.every((byte) => byte === 0)) {
            break;
        }
        const name = header.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
        const size = Number.parseInt(
            header.subarray(124, 136).toString("ascii").replace(/\0.*$/s, "").trim() || "0",
            8,
        );
        const type = String.fromCharCode(header[156] ?? 48);
        if (type === "0" || type === "\0") {
            files.set(name.split("/").pop() ?? name, archive.subarray(offset + block, offset + block + size));
        }
        offset += block + Math.ceil(size / block) * block;
    }
    return files;
}
