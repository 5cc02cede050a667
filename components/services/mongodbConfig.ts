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

/**
 * mongodb's health check, stated on the container (the image carries none). ping needs no
 * authentication, so the check works before and after the root user exists. Durations are written
 * as the Engine API reports them back (Go's time.Duration form: `1m0s`, not `60s`): the docker
 * provider compares its inputs with what it reads, so any other spelling is a change on every preview.
 */
export const mongodbHealthCheck = {
    tests: ["CMD", "mongosh", "--quiet", "--norc", "--eval", "quit(db.adminCommand({ ping: 1 }).ok === 1 ? 0 : 1)"],
    interval: "15s",
    timeout: "10s",
    startPeriod: "1m0s",
    retries: 5,
} as const;
