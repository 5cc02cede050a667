import { adminUsernameRules, isValidAdminUsername } from "../names";
import { ConfigReader } from "../reader";
import { BackupSettings, HostSettings, provisionerSettings, SwarmSettings } from "../settings";
import { minimumRsaBits, parseSshRsaPublicKey } from "../sshPublicKey";

/** The VM's keys: size, admin user and key, provisioner, Docker port, disk, readiness wait. */
export function readHost(reader: ConfigReader): HostSettings {
    return {
        vmSize: readVmSize(reader),
        adminUsername: readAdminUsername(reader),
        sshPublicKey: readSshPublicKey(reader),
        provisioner: reader.oneOf("provisioner", provisionerSettings),
        dockerPort: readDockerPort(reader),
        dataDiskSizeGb: reader.integer("dataDiskSizeGb", 4, 32767),
        dataDiskSource: readDataDiskSource(reader),
        readinessTimeoutSeconds: reader.integer("readinessTimeoutSeconds", 30, 7200),
        autoShutdown: readAutoShutdown(reader),
    };
}

function readVmSize(reader: ConfigReader, key: "vmSize" | "swarmWorkerVmSize" = "vmSize"): string {
    const size = reader.string(key) ?? "";
    if (!/^(Standard|Basic)_[A-Za-z0-9_]+$/.test(size)) {
        reader.report(key, size, "an Azure VM size such as Standard_B2s or Standard_D2s_v5");
    }
    return size;
}

/** At most 100 workers: one scale set, one manager; a bigger cluster wants more than one manager. */
export const maximumSwarmWorkers = 100;

/** The swarm's workers: how many, and how big. */
export function readSwarm(reader: ConfigReader): SwarmSettings {
    return {
        workers: reader.integer("swarmWorkers", 0, maximumSwarmWorkers),
        workerVmSize: readVmSize(reader, "swarmWorkerVmSize"),
    };
}

function readAutoShutdown(reader: ConfigReader): HostSettings["autoShutdown"] {
    const time = (reader.string("autoShutdownTime") ?? "").trim();
    const timeZone = (reader.string("autoShutdownTimeZone") ?? "UTC").trim();
    if (!/^[A-Za-z][A-Za-z0-9 .()+-]*$/.test(timeZone)) {
        reader.report(
            "autoShutdownTimeZone",
            timeZone,
            "a Windows time zone id such as UTC, W. Europe Standard Time or Pacific Standard Time (not an IANA name such as Europe/Berlin)",
        );
    }
    if (time === "") {
        return undefined;
    }
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) {
        reader.report("autoShutdownTime", time, "empty, or a time of day as HH:MM on a 24-hour clock, e.g. 19:00");
        return undefined;
    }
    return { time, timeZone };
}

/** What a restore may start from: a managed snapshot or a managed disk, by its full resource id. */
export const dataDiskSourcePattern =
    /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[-\w.()]{1,90}\/providers\/Microsoft\.Compute\/(snapshots|disks)\/[-\w.]{1,80}$/i;

function readDataDiskSource(reader: ConfigReader): string | undefined {
    const source = (reader.string("dataDiskSource") ?? "").trim();
    if (source === "") {
        return undefined;
    }
    if (!dataDiskSourcePattern.test(source)) {
        reader.report(
            "dataDiskSource",
            source,
            "empty, or the resource id of a snapshot or managed disk: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Compute/snapshots/<name> (or .../disks/<name>)",
        );
        return undefined;
    }
    return source;
}

/**
 * At most 360 days: Azure keeps at most 500 incremental snapshots of a disk and asks backup policies
 * to leave room for on-demand ones (450 scheduled), so a year of daily snapshots is the ceiling.
 */
export const maximumBackupRetentionDays = 360;

/** Backups of the data disk: 0 days turns them off. */
export function readBackup(reader: ConfigReader): BackupSettings {
    return { retentionDays: reader.integer("backupRetentionDays", 0, maximumBackupRetentionDays) };
}

function readAdminUsername(reader: ConfigReader): string {
    const name = reader.string("adminUsername") ?? "";
    if (!isValidAdminUsername(name)) {
        reader.report("adminUsername", name, adminUsernameRules);
    }
    return name;
}

function readSshPublicKey(reader: ConfigReader): string | undefined {
    const text = (reader.string("sshPublicKey") ?? "").trim();
    if (text === "") {
        return undefined;
    }
    const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
    const parsed = parseSshRsaPublicKey(text);
    if ("error" in parsed) {
        reader.report("sshPublicKey", shown, `an OpenSSH ssh-rsa public key line (${parsed.error})`);
        return undefined;
    }
    if (parsed.bits < minimumRsaBits) {
        reader.report(
            "sshPublicKey",
            shown,
            `an ssh-rsa key of at least ${minimumRsaBits} bits (this one has ${parsed.bits}); Azure refuses smaller keys`,
        );
        return undefined;
    }
    return parsed.keyData;
}

/** Ports that must not carry the Docker API: SSH, Docker's plain-HTTP convention, and the services' own. */
const portsNotForDocker = new Map([
    [22, "SSH"],
    [2375, "Docker's unencrypted port"],
    [6379, "redis"],
    [27017, "mongodb"],
]);

function readDockerPort(reader: ConfigReader): number {
    const port = reader.integer("dockerPort", 1024, 65535);
    const taken = portsNotForDocker.get(port);
    if (taken !== undefined) {
        reader.report("dockerPort", String(port), `a port from 1024 to 65535 other than ${port} (${taken})`);
        return 2376;
    }
    return port;
}
