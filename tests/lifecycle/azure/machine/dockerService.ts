import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { resolveLikeSystemd } from "../../../harness/cloudInitLaunch";
import { enterDaemonCgroup, vmCgroup } from "./cgroup";
import { inNamespace } from "./network";
import { processAlive, shellWord, sleep } from "./shell";

/** Where one VM keeps what is not on its disks: the daemon's runtime files and logs. */
export interface VmPaths {
    /** The OS disk: paths of the VM below it (`<root>/etc/docker/daemon.json`). */
    readonly root: string;
    /** /run of the VM: sockets, pid files, dockerd's exec root. */
    readonly run: string;
    readonly log: string;
    readonly namespace: string;
}

export const dockerUnitPath = "/lib/systemd/system/docker.service";
export const dockerDropInDirectory = "/etc/systemd/system/docker.service.d";
export const daemonJson = "/etc/docker/daemon.json";
/** What docker.socket listens on, and what `-H fd://` hands dockerd. */
export const dockerSocket = "/run/docker.sock";

export const rooted = (paths: VmPaths, vmPath: string) => path.join(paths.root, vmPath);

/** The unit as systemd reads it: the packaged file, then each drop-in in name order. */
function unitFiles(paths: VmPaths): string[] {
    const unit = rooted(paths, dockerUnitPath);
    if (!fs.existsSync(unit)) {
        return [];
    }
    const dropIns = rooted(paths, dockerDropInDirectory);
    const extra = fs.existsSync(dropIns)
        ? fs
              .readdirSync(dropIns)
              .filter((name) => name.endsWith(".conf"))
              .sort()
              .map((name) => path.join(dropIns, name))
        : [];
    return [unit, ...extra].map((file) => fs.readFileSync(file, "utf8"));
}

/** A unit setting's values in order, an empty assignment resetting the list (systemd.unit(5)). */
function settingValues(files: readonly string[], key: string): string[] {
    let values: string[] = [];
    for (const line of files.flatMap((file) => file.split("\n"))) {
        const match = new RegExp(`^${key}=(.*)$`).exec(line.trim());
        if (match) {
            values = match[1] === "" ? [] : [...values, match[1] ?? ""];
        }
    }
    return values;
}

/**
 * What systemd runs once the daemon is up, before `systemctl start` returns: ExecStartPost's
 * commands, each with whether its failure is ignored (a leading `-`, systemd.service(5)).
 */
export function postStartCommands(paths: VmPaths): { command: string; failureIgnored: boolean }[] {
    return settingValues(unitFiles(paths), "ExecStartPost").map((value) => ({
        command: value.replace(/^-/, ""),
        failureIgnored: value.startsWith("-"),
    }));
}

export function dockerInstalled(paths: VmPaths): boolean {
    return unitFiles(paths).length > 0;
}

/** Why systemd would skip starting docker.service now, or undefined when its conditions hold. */
export function unmetCondition(paths: VmPaths): string | undefined {
    const files = unitFiles(paths);
    for (const mountPoint of settingValues(files, "ConditionPathIsMountPoint")) {
        if (!isMountPoint(rooted(paths, mountPoint))) {
            return `ConditionPathIsMountPoint=${mountPoint} was not met`;
        }
    }
    for (const required of settingValues(files, "ConditionPathExists")) {
        if (!fs.existsSync(rooted(paths, required))) {
            return `ConditionPathExists=${required} was not met`;
        }
    }
    return undefined;
}

export function isMountPoint(target: string): boolean {
    const resolved = path.resolve(target);
    return fs
        .readFileSync("/proc/self/mountinfo", "utf8")
        .split("\n")
        .some((line) => line.split(" ")[4] === resolved);
}

/**
 * The daemon's command line as the VM's systemd would run it, mapped into the emulation: ExecStart
 * exactly, with `fd://` (docker.socket) and every /etc path inside the VM's root, and the machine's
 * own dockerd for the VM's. containerd runs as dockerd's child here rather than as its own unit, so
 * `--containerd` goes. Private flags keep each VM's runtime apart. dockerd reads daemon.json itself
 * (a copy whose paths point into the root), so a clash between its `hosts` and `-H` is dockerd's own
 * error, as on the VM.
 */
export function daemonCommand(paths: VmPaths, dataRoot: string): { executable: string; args: string[] } {
    const execStart = settingValues(unitFiles(paths), "ExecStart").pop();
    if (!execStart) {
        throw new Error("docker.service has no ExecStart");
    }
    const [command = "", ...flags] = execStart.trim().split(/\s+/);
    const onVm = resolveLikeSystemd(command, paths.root);
    if (onVm === undefined) {
        throw new Error(`docker.service: executable ${command} is not installed on the VM`);
    }
    const executable = resolveLikeSystemd("dockerd");
    if (executable === undefined) {
        throw new Error("this machine has no dockerd to stand in for the VM's");
    }
    const adminSocket = rooted(paths, dockerSocket);
    const args: string[] = [];
    for (let index = 0; index < flags.length; index++) {
        const flag = flags[index] ?? "";
        const [name, inline] = flag.includes("=")
            ? [flag.slice(0, flag.indexOf("=")), flag.slice(flag.indexOf("=") + 1)]
            : [flag, undefined];
        const takesValue = [
            "-H",
            "--host",
            "--containerd",
            "--tlscacert",
            "--tlscert",
            "--tlskey",
            "--config-file",
        ].includes(name);
        const value = inline ?? (takesValue ? flags[++index] : undefined);
        if (name === "--containerd") {
            continue;
        }
        if ((name === "-H" || name === "--host") && value === "fd://") {
            args.push(`-H=unix://${adminSocket}`);
        } else if (["--tlscacert", "--tlscert", "--tlskey", "--config-file"].includes(name) && value !== undefined) {
            args.push(`${name}=${rooted(paths, value)}`);
        } else {
            args.push(value === undefined ? flag : `${name}=${value}`);
        }
    }
    const config = rooted(paths, daemonJson);
    if (fs.existsSync(config) && !args.some((arg) => arg.startsWith("--config-file"))) {
        args.push(`--config-file=${translatedDaemonJson(paths, config)}`);
    }
    args.push(
        `--data-root=${dataRoot}`,
        `--exec-root=${path.join(paths.run, "docker-exec")}`,
        `--pidfile=${path.join(paths.run, "docker.pid")}`,
        `--cgroup-parent=${vmCgroup(paths.namespace)}`,
    );
    return { executable, args };
}

/** daemon.json with its file paths and local socket inside the VM's root; everything else as written. */
function translatedDaemonJson(paths: VmPaths, file: string): string {
    const settings = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    for (const key of ["tlscacert", "tlscert", "tlskey"]) {
        if (typeof settings[key] === "string") {
            settings[key] = rooted(paths, settings[key] as string);
        }
    }
    if (Array.isArray(settings.hosts)) {
        settings.hosts = (settings.hosts as string[]).map((host) =>
            host.startsWith("unix://") ? `unix://${rooted(paths, dockerSocket)}` : host,
        );
    }
    const translated = path.join(paths.run, "daemon.json");
    fs.writeFileSync(translated, JSON.stringify(settings, null, 2));
    return translated;
}

function readPid(paths: VmPaths): number | undefined {
    try {
        return Number.parseInt(fs.readFileSync(path.join(paths.run, "dockerd.pid"), "utf8"), 10);
    } catch {
        return undefined;
    }
}

export function dockerActive(paths: VmPaths): boolean {
    return processAlive(readPid(paths));
}

/** `systemctl start docker.service`: skipped when a condition fails, an error when dockerd dies. */
export async function startDocker(
    paths: VmPaths,
    dataRoot: string,
    hostname: string,
): Promise<"started" | "running" | string> {
    if (dockerActive(paths)) {
        return "running";
    }
    if (!dockerInstalled(paths)) {
        throw new Error("Unit docker.service not found.");
    }
    const skipped = unmetCondition(paths);
    if (skipped) {
        return skipped;
    }
    fs.mkdirSync(paths.run, { recursive: true });
    fs.mkdirSync(path.dirname(rooted(paths, dockerSocket)), { recursive: true });
    fs.rmSync(path.join(paths.run, "docker.pid"), { force: true });
    const { executable, args } = daemonCommand(paths, dataRoot);
    const [wrapper, wrapped] = inNamespace(paths.namespace, executable, args);
    fs.mkdirSync(path.dirname(paths.log), { recursive: true });
    const log = fs.openSync(paths.log, "a");
    fs.writeSync(
        log,
        `\n-- ${new Date().toISOString()} systemd: Starting docker.service: ${executable} ${args.join(" ")}\n`,
    );
    const quoted = [wrapper, ...wrapped].map(shellWord).join(" ");
    // The VM's host name is its own (a UTS namespace): a swarm names its nodes by it.
    const named = `exec unshare --uts sh -c 'hostname "$0" && exec "$@"' '${hostname}' ${quoted}`;
    const daemon = spawn("sh", ["-c", `${enterDaemonCgroup(paths.namespace)} && ${named}`], {
        detached: true,
        stdio: ["ignore", log, log],
    });
    fs.closeSync(log);
    daemon.unref();
    fs.writeFileSync(path.join(paths.run, "dockerd.pid"), String(daemon.pid));
    // Type=notify: `systemctl start` returns once the daemon is up, or fails when it dies.
    for (let waited = 0; waited < 120_000; waited += 200) {
        if (!processAlive(daemon.pid)) {
            const tail = fs.readFileSync(paths.log, "utf8").trim().split("\n").slice(-8).join("\n");
            throw new Error(`Job for docker.service failed: dockerd exited.\n${tail}`);
        }
        if (await pingSocket(rooted(paths, dockerSocket))) {
            return "started";
        }
        await sleep(200);
    }
    throw new Error("Job for docker.service timed out: dockerd did not answer on its socket in 120 s");
}

/** `systemctl stop docker.service`: SIGTERM, then SIGKILL after systemd's default 90 s... here 30. */
export async function stopDocker(paths: VmPaths): Promise<void> {
    const pid = readPid(paths);
    if (!processAlive(pid)) {
        return;
    }
    process.kill(pid!, "SIGTERM");
    for (let waited = 0; waited < 30_000 && processAlive(pid); waited += 100) {
        await sleep(100);
    }
    if (processAlive(pid)) {
        process.kill(pid!, "SIGKILL");
    }
}

export function pingSocket(socketPath: string): Promise<boolean> {
    return new Promise((resolve) => {
        const request = http.get({ socketPath, path: "/_ping", timeout: 1000 }, (response) => {
            response.resume();
            resolve(response.statusCode === 200);
        });
        request.on("error", () => resolve(false));
        request.on("timeout", () => request.destroy());
    });
}
