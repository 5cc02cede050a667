import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { overlayAnchorImage } from "../../../components/services/overlayAnchor";
import { busyboxRootfsTar, ImageFile } from "../../harness/busyboxImage";
import { pauseImageConfig, pauseRootfsTar } from "../../harness/pauseImage";
import { runTool } from "../../harness/tools";

/** One image the registry stand-in serves: its repository and tag, root file system and config. */
export interface StandInImage {
    readonly reference: string;
    readonly rootfs: string;
    readonly config: string;
}

/** The shared libraries a binary of this machine loads, as ldd lists them, and the loader. */
function librariesOf(binary: string): string[] {
    const listed = runTool("ldd", [binary]).stdout;
    return [...listed.matchAll(/(\/[^\s]+\.so[^\s]*)/g)].map((match) => match[1] ?? "").filter(Boolean);
}

function withLibraries(binaries: Record<string, string>): ImageFile[] {
    const libraries = new Set(Object.values(binaries).flatMap(librariesOf));
    return [
        ...Object.entries(binaries).map(([target, source]) => ({ path: target, from: source, mode: 0o755 })),
        ...[...libraries].map((library) => ({ path: library, from: library, mode: 0o755 })),
    ];
}

const passwd = (user: string) => ({
    path: "/etc/passwd",
    content: `root:x:0:0:root:/root:/bin/sh\n${user}:x:999:999::/home/${user}:/bin/sh\n`,
});
const group = (user: string) => ({ path: "/etc/group", content: `root:x:0:\n${user}:x:999:\n` });

/**
 * redis for the lifecycle: this machine's real redis-server and redis-cli (Debian's), with their
 * libraries, on the busybox root, user redis (999) as in the official image. It runs the program's
 * redis.conf for real, so what a test writes to it is on the data disk as redis keeps it.
 */
function redisRootfs(tag: string): { tar: string; dispose(): void } {
    return busyboxRootfsTar([
        { path: "/etc/stand-in-image", content: `redis:${tag}\n` },
        ...withLibraries({
            "/usr/local/bin/redis-server": "/usr/bin/redis-server",
            "/usr/local/bin/redis-cli": "/usr/bin/redis-cli",
        }),
        passwd("redis"),
        group("redis"),
    ]);
}

/**
 * mongo for the lifecycle, a stand-in: no MongoDB server can be had here. Its entrypoint does what
 * the official one does on a first start that matters to the program (reads the root password from
 * MONGO_INITDB_ROOT_PASSWORD_FILE, once, and records that it made the user in /data/db), and its
 * `mongod` serves TCP 27017 and keeps its files in /data/db; `mongosh` answers the health check
 * while `mongod` listens. The marker the tests write goes to /data/db, the program's volume.
 */
const mongoEntrypoint = `#!/bin/sh
set -eu
if [ "\${1:-}" = mongod ] && [ ! -e /data/db/.stand-in-initdb ] && [ -n "\${MONGO_INITDB_ROOT_PASSWORD_FILE:-}" ]; then
  password=$(cat "$MONGO_INITDB_ROOT_PASSWORD_FILE")
  [ -n "$password" ] || { echo "the root password file is empty" >&2; exit 1; }
  echo "created user \${MONGO_INITDB_ROOT_USERNAME:-root}" > /data/db/.stand-in-initdb
fi
exec "$@"
`;
const mongod = `#!/bin/sh
# mongod stand-in: keeps a lock file in its dbpath and accepts connections on 27017 until stopped.
echo "mongod stand-in $*" >&2
touch /data/db/mongod.lock
exec nc -ll -p 27017 -e /bin/true
`;
const mongosh = `#!/bin/sh
# mongosh stand-in for the health check: true while mongod accepts connections.
nc -w 2 127.0.0.1 27017 < /dev/null
`;

function mongoRootfs(tag: string): { tar: string; dispose(): void } {
    return busyboxRootfsTar([
        { path: "/etc/stand-in-image", content: `mongo:${tag}\n` },
        { path: "/usr/local/bin/docker-entrypoint.sh", content: mongoEntrypoint, mode: 0o755 },
        { path: "/usr/local/bin/mongod", content: mongod, mode: 0o755 },
        { path: "/usr/local/bin/mongosh", content: mongosh, mode: 0o755 },
        passwd("mongodb"),
        group("mongodb"),
    ]);
}

/** The registry that serves the anchor's image, and the image's path there. */
export const [anchorRegistryHost, anchorRepositoryPath] = (() => {
    const [host, ...rest] = overlayAnchorImage.split("/");
    return [host!, rest.join("/")];
})();

const path_ = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * The images the registry stand-in holds, under the names the program pulls and builds from:
 * redis and mongo at the program's default tags and at the next ones (for a pin raised), and the
 * swarm overlay's anchor.
 */
export function buildStandInImages(tags: { redis: readonly string[]; mongo: readonly string[] }): {
    images: StandInImage[];
    dispose(): void;
} {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "adh-images-"));
    // One root per tag, so that each tag is an image of its own, as a raised pin is.
    const roots = [
        ...tags.redis.map((tag) => ({
            reference: `library/redis:${tag}`,
            rootfs: redisRootfs(tag),
            kind: "redis" as const,
        })),
        ...tags.mongo.map((tag) => ({
            reference: `library/mongo:${tag}`,
            rootfs: mongoRootfs(tag),
            kind: "mongo" as const,
        })),
        { reference: anchorRepositoryPath, rootfs: pauseRootfsTar(), kind: "pause" as const },
    ];
    const config = (name: string, value: unknown) => {
        const file = path.join(work, `${name}.json`);
        fs.writeFileSync(file, JSON.stringify(value));
        return file;
    };
    const redisConfig = config("redis", {
        Cmd: ["redis-server"],
        Env: [path_],
        WorkingDir: "/data",
        Volumes: { "/data": {} },
        ExposedPorts: { "6379/tcp": {} },
    });
    const mongoConfig = config("mongo", {
        Entrypoint: ["docker-entrypoint.sh"],
        Cmd: ["mongod"],
        Env: [path_],
        Volumes: { "/data/db": {}, "/data/configdb": {} },
        ExposedPorts: { "27017/tcp": {} },
    });
    const configs = { redis: redisConfig, mongo: mongoConfig, pause: config("pause", pauseImageConfig) };
    return {
        images: roots.map((root) => ({
            reference: root.reference,
            rootfs: root.rootfs.tar,
            config: configs[root.kind],
        })),
        dispose() {
            for (const root of roots) {
                root.rootfs.dispose();
            }
            fs.rmSync(work, { recursive: true, force: true });
        },
    };
}
