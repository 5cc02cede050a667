import * as fs from "fs";
import * as path from "path";

/** The build context of the mongodb image, relative to the project (Pulumi runs from there). */
export const mongodbBuildContext = "images/mongodb";
/** The root password file lives on a small volume: the root file system is read-only. */
export const mongodbSecretsDirectory = "/run/secrets";
export const mongodbRootPasswordFile = "mongodb-root-password";
export const mongodbRootPasswordPath = `${mongodbSecretsDirectory}/${mongodbRootPasswordFile}`;
/** The mongodb user and group of the official image, which the container runs as. */
export const mongodbUser = "999:999";

/**
 * The official image creates the root user on first start from these variables; the `_FILE` form
 * keeps the password out of `docker inspect`, which shows only the file's path.
 */
export function mongodbRootUserEnvironment(username: string): string[] {
    return [`MONGO_INITDB_ROOT_USERNAME=${username}`, `MONGO_INITDB_ROOT_PASSWORD_FILE=${mongodbRootPasswordPath}`];
}

/**
 * WiredTiger takes half of (RAM - 1 GB) by default, measured on the host, not the container's
 * limit; sized here to half of what the limit leaves after 256 MiB for everything else.
 */
export function wiredTigerCacheGb(containerMemoryMb: number): number {
    const gigabytes = ((containerMemoryMb - 256) / 1024) * 0.5;
    return Math.max(0.25, Math.floor(gigabytes * 100) / 100);
}

export function mongodbCommand(containerMemoryMb: number): string[] {
    return [
        "mongod",
        "--config",
        "/etc/mongod.conf",
        "--wiredTigerCacheSizeGB",
        String(wiredTigerCacheGb(containerMemoryMb)),
    ];
}

/** The HEALTHCHECK of images/mongodb/Dockerfile, stated again on the container so it is explicit there. */
export function dockerfileHealthCheck(
    dockerfile = fs.readFileSync(path.join(__dirname, "..", "..", mongodbBuildContext, "Dockerfile"), "utf8"),
) {
    const instruction = /^HEALTHCHECK\s+((?:--\S+\s+)*)\\?\s*CMD\s+(\[.*\])\s*$/m.exec(
        dockerfile.replace(/\\\n\s*/g, " "),
    );
    if (!instruction) {
        throw new Error("images/mongodb/Dockerfile has no exec-form HEALTHCHECK");
    }
    const options = Object.fromEntries(
        [...(instruction[1] ?? "").matchAll(/--([a-z-]+)=(\S+)/g)].map((match) => [match[1], match[2]]),
    );
    return {
        tests: ["CMD", ...(JSON.parse(instruction[2] ?? "[]") as string[])],
        interval: options.interval,
        timeout: options.timeout,
        startPeriod: options["start-period"],
        retries: options.retries === undefined ? undefined : Number(options.retries),
    };
}
