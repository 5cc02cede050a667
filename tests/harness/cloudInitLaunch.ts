import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { daemonJsonPath, dockerDropInPath } from "../../components/host/userData";
import { parseCloudConfig } from "./declaredInputs";
import { DaemonLaunch, RootFile } from "./localDockerd";
import { runTool } from "./tools";

interface WrittenFile {
    readonly path: string;
    readonly permissions: string;
    readonly content: string;
}

/** A file the daemon configuration script installed, as found on disk afterwards. */
export interface InstalledFile {
    readonly path: string;
    readonly mode: string;
    readonly uid: number;
    readonly content: string;
}

export interface CloudInitHost {
    readonly launch: DaemonLaunch;
    readonly installed: readonly InstalledFile[];
    /** Every command the script ran through systemctl, cloud-init and journalctl, one per line. */
    readonly serviceCalls: readonly string[];
    /** The drop-in's restated ExecStart: the daemon's command line on the VM. */
    readonly execStart: string;
    /** The files the CustomScript handler's download folder holds once the script has run. */
    readonly leftInDownloadFolder: readonly { readonly name: string; readonly content: string }[];
}

/**
 * Where systemd (239 and later) finds an ExecStart command given without a directory: a fixed
 * search path compiled in, sbin before bin (systemd.service(5), "Command lines"). An absolute path
 * is taken as it is. Undefined when nothing executable is there. `root` looks into another file tree.
 */
export function resolveLikeSystemd(command: string, root = "/"): string | undefined {
    const candidates = command.startsWith("/")
        ? [command]
        : ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"].map((directory) =>
              path.join(directory, command),
          );
    return candidates.find((candidate) => {
        candidate = path.join(root, candidate);
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            return fs.statSync(candidate).isFile();
        } catch {
            return false;
        }
    });
}

const stubbed = ["systemctl", "cloud-init", "journalctl"];

/**
 * Plays the cloud-init provisioner on this machine: takes daemon.json and the systemd drop-in from
 * the user data, and really runs the CustomScript's daemon configuration script as root, in a mount namespace
 * where /etc/docker is a temporary folder and systemctl, cloud-init and journalctl are stand-ins
 * that record their arguments. The script runs as the CustomScript handler runs it (main/cmds.go,
 * main/exec.go): saved as download/<n>/script.sh (0500, in 0700 folders), executed with
 * `/bin/sh -c <path>` from that folder, stdout and stderr captured into files beside it. The launch
 * then starts dockerd from that daemon.json and the files the script installed, with their modes.
 */
export function playCloudInit(userData: string, certificateScript: string): CloudInitHost {
    const config = parseCloudConfig<{ write_files: WrittenFile[] }>(userData);
    const written = new Map(config.write_files.map((file) => [file.path, file]));
    const dropIn = written.get(dockerDropInPath);
    if (!dropIn) {
        throw new Error(`the user data writes no ${dockerDropInPath}`);
    }
    const execStart = [...dropIn.content.matchAll(/^ExecStart=(.*)$/gm)].map((match) => match[1] ?? "");
    if (execStart.length !== 2 || execStart[0] !== "") {
        throw new Error("the drop-in must clear ExecStart and restate it once");
    }

    const work = fs.mkdtempSync(path.join(os.tmpdir(), "adh-cloud-init-"));
    try {
        const etcDocker = path.join(work, "etc-docker");
        const stubs = path.join(work, "stubs");
        const calls = path.join(work, "calls.log");
        fs.mkdirSync(etcDocker);
        fs.mkdirSync(stubs);
        for (const command of stubbed) {
            fs.writeFileSync(path.join(stubs, command), `#!/bin/sh\necho "${command} $*" >> '${calls}'\n`, {
                mode: 0o755,
            });
        }
        const download = path.join(work, "custom-script", "download", "0");
        fs.mkdirSync(download, { recursive: true, mode: 0o700 });
        const script = path.join(download, "script.sh");
        fs.writeFileSync(script, certificateScript, { mode: 0o500 });
        if (!fs.existsSync("/etc/docker")) {
            throw new Error(
                "/etc/docker is missing (Debian's docker.io creates it); it is the mount point for the rehearsal",
            );
        }
        const result = runTool("unshare", [
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            'mount --bind "$1" /etc/docker && cd "$4" && PATH="$2:$PATH" /bin/sh -c "$3" >stdout 2>stderr',
            "sh",
            etcDocker,
            stubs,
            script,
            download,
        ]);
        const leftInDownloadFolder = fs.readdirSync(download).map((name) => ({
            name,
            content: fs.readFileSync(path.join(download, name), "utf8"),
        }));
        if (result.status !== 0) {
            const output = leftInDownloadFolder.map((file) => file.content).join("");
            throw new Error(`the daemon configuration script failed (${result.status}): ${result.stderr}${output}`);
        }
        const installed = listFiles(etcDocker)
            .sort()
            .map((file): InstalledFile => {
                const stat = fs.statSync(file);
                return {
                    path: path.join("/etc/docker", path.relative(etcDocker, file)),
                    mode: (stat.mode & 0o777).toString(8).padStart(4, "0"),
                    uid: stat.uid,
                    content: fs.readFileSync(file, "utf8"),
                };
            });
        const serviceCalls = fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n") : [];
        // daemon.json comes with the script (it can change in place); cloud-init writes none.
        const daemonJson = installed.find((file) => file.path === daemonJsonPath);
        if (!daemonJson || written.has(daemonJsonPath)) {
            throw new Error("daemon.json must come from the daemon configuration script, and only from it");
        }
        const settings = JSON.parse(daemonJson.content) as Record<string, unknown> & { hosts: string[] };
        const launch: DaemonLaunch = ({ rooted, adminSocket }) => {
            const tlsPaths = Object.fromEntries(
                ["tlscacert", "tlscert", "tlskey"].map((key) => [key, rooted(String(settings[key]))]),
            );
            // Only the local socket moves (to the private one); the TCP listener is kept as is.
            const hosts = settings.hosts.map((host) => (host.startsWith("unix://") ? `unix://${adminSocket}` : host));
            const files: RootFile[] = [
                ...installed
                    .filter((file) => file !== daemonJson)
                    .map((file) => ({ path: file.path, mode: file.mode, content: file.content })),
                {
                    path: daemonJsonPath,
                    mode: daemonJson.mode,
                    content: JSON.stringify({ ...settings, ...tlsPaths, hosts }, null, 2),
                },
            ];
            return { files, flags: [`--config-file=${rooted(daemonJsonPath)}`] };
        };
        return { launch, installed, serviceCalls, execStart: execStart[1] ?? "", leftInDownloadFolder };
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

function listFiles(directory: string): string[] {
    return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(directory, entry.name);
        return entry.isDirectory() ? listFiles(full) : [full];
    });
}
