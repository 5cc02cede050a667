import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { PrivateNetwork } from "./privateNetwork";
import { runTool, ToolResult } from "./tools";

/** Where a daemon runs: a PrivateNetwork, or the caller's own namespace (`{ wrap: (c, a) => [c, [...a]] }`). */
export type Namespace = Pick<PrivateNetwork, "wrap">;

/** A file to place in the daemon's private root before it starts, at its absolute path on the VM. */
export interface RootFile {
    readonly path: string;
    readonly mode: string;
    readonly content: string;
}

/** Where a launch may put things: paths of the VM under the private root, and the admin socket. */
export interface DaemonPaths {
    rooted(vmPath: string): string;
    readonly adminSocket: string;
}

/**
 * How to start one daemon, as a provisioning configures it: the files it reads (TLS material,
 * daemon.json) and its flags. The launch must make the daemon listen on `adminSocket` too, through
 * a flag or daemon.json's hosts, whichever the provisioning uses for its own hosts.
 */
export type DaemonLaunch = (paths: DaemonPaths) => {
    readonly files: readonly RootFile[];
    readonly flags: readonly string[];
};

/**
 * A real dockerd for rehearsals, fully private: its own data root, exec root, pid file and admin
 * socket under a temporary folder, in a PrivateNetwork, so its loopback, ports and iptables rules
 * (icc=false needs iptables) touch nothing else on the machine. Clients reach its TCP listener by
 * joining that namespace; the admin socket is a file, reachable from here.
 *
 * The folder plays the VM's OS disk (`fs/` holds a launch's files); the data root, a folder of its
 * own, plays the data disk mounted at /var/lib/docker. A daemon can be restarted with another launch, as systemd restarts
 * docker.service; and a data root can outlive its daemon and be handed to a new one, as the data
 * disk outlives a replaced VM.
 */
export class LocalDockerd {
    private constructor(
        readonly root: string,
        readonly dataRoot: string,
        private readonly network: Namespace,
        private daemon: ChildProcess,
        private readonly executable: string,
    ) {}

    get socket(): string {
        return path.join(this.root, "run", "docker.sock");
    }

    /** Where a path of the VM lives in this daemon's private root. */
    path(vmPath: string): string {
        return path.join(this.root, "fs", vmPath);
    }

    /**
     * Starts dockerd with the launch's files and flags. `dataRoot` reuses a data root another daemon
     * left behind; `executable` is the dockerd a unit's ExecStart resolves to (PATH's by default).
     */
    static async start(
        network: Namespace,
        launch: DaemonLaunch,
        options: { readonly dataRoot?: string; readonly executable?: string; readonly readyTimeoutMs?: number } = {},
    ): Promise<LocalDockerd> {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "adh-dockerd-"));
        for (const directory of ["run", "exec", "fs"]) {
            fs.mkdirSync(path.join(root, directory), { recursive: true });
        }
        // Apart from the root, so it can outlive it.
        const dataRoot = options.dataRoot ?? fs.mkdtempSync(path.join(os.tmpdir(), "adh-docker-data-"));
        try {
            const daemon = await spawnDaemon(
                root,
                dataRoot,
                network,
                launch,
                options.executable ?? "dockerd",
                options.readyTimeoutMs,
            );
            return new LocalDockerd(root, dataRoot, network, daemon, options.executable ?? "dockerd");
        } catch (error) {
            fs.rmSync(root, { recursive: true, force: true });
            throw error;
        }
    }

    /** Stops the daemon (containers keep running under live-restore) and starts it with `launch`. */
    async restart(launch: DaemonLaunch): Promise<void> {
        await this.terminate();
        this.daemon = await spawnDaemon(this.root, this.dataRoot, this.network, launch, this.executable);
    }

    /** Runs the docker CLI against the admin socket (no TLS: this is the operator on the VM). */
    admin(args: readonly string[]): ToolResult {
        const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: `unix://${this.socket}` };
        delete env.DOCKER_CONTEXT;
        delete env.DOCKER_TLS_VERIFY;
        delete env.DOCKER_CERT_PATH;
        return runTool("docker", args, undefined, env);
    }

    /**
     * Removes every container (live-restore would keep them past the daemon), stops, cleans up.
     * With `keepData`, containers and the data root stay, as a data disk outlives its VM.
     */
    async stop(options: { readonly keepData?: boolean } = {}): Promise<void> {
        if (!options.keepData) {
            const containers = this.admin(["ps", "-aq"]).stdout.split("\n").filter(Boolean);
            if (containers.length > 0) {
                this.admin(["rm", "-f", ...containers]);
            }
        }
        await this.terminate();
        unmountUnder(this.root);
        unmountUnder(this.dataRoot);
        fs.rmSync(this.root, { recursive: true, force: true });
        if (!options.keepData) {
            fs.rmSync(this.dataRoot, { recursive: true, force: true });
        }
    }

    private async terminate(): Promise<void> {
        const daemon = this.daemon;
        const exited = new Promise<void>((resolve) => {
            if (daemon.exitCode !== null || daemon.signalCode !== null) {
                resolve();
            } else {
                daemon.once("exit", () => resolve());
            }
        });
        try {
            daemon.kill("SIGTERM");
        } catch {
            // Already gone.
        }
        const timer = setTimeout(() => daemon.kill("SIGKILL"), 20_000);
        await exited;
        clearTimeout(timer);
    }
}

/** Writes the launch's files into the root and runs dockerd until it answers on its admin socket. */
async function spawnDaemon(
    root: string,
    dataRoot: string,
    network: Namespace,
    launch: DaemonLaunch,
    executable: string,
    readyTimeoutMs = 60_000,
): Promise<ChildProcess> {
    const adminSocket = path.join(root, "run", "docker.sock");
    const { files, flags } = launch({ rooted: (vmPath) => path.join(root, "fs", vmPath), adminSocket });
    for (const file of files) {
        const target = path.join(root, "fs", file.path);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, file.content, { mode: Number.parseInt(file.mode, 8) });
        fs.chmodSync(target, Number.parseInt(file.mode, 8));
    }
    const pidFile = path.join(root, "run", "docker.pid");
    fs.rmSync(pidFile, { force: true });
    const logFile = path.join(root, "dockerd.log");
    const log = fs.openSync(logFile, "a");
    const privateFlags = [
        `--data-root=${dataRoot}`,
        `--exec-root=${path.join(root, "exec")}`,
        `--pidfile=${pidFile}`,
        // No docker0 bridge: the namespace is private and the rehearsal needs no default bridge.
        "--bridge=none",
    ];
    const [command, args] = network.wrap(executable, [...privateFlags, ...flags]);
    const daemon = spawn(command, args, { stdio: ["ignore", log, log] });
    running.add(daemon);
    daemon.once("exit", () => running.delete(daemon));
    fs.closeSync(log);
    const started = Date.now();
    for (;;) {
        if (daemon.exitCode !== null || daemon.signalCode !== null) {
            const tail = fs.readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n");
            throw new Error(`dockerd exited (${daemon.exitCode ?? daemon.signalCode}):\n${tail}`);
        }
        if (readPid(pidFile) !== undefined && (await pingSocket(adminSocket))) {
            return daemon;
        }
        if (Date.now() - started > readyTimeoutMs) {
            daemon.kill("SIGKILL");
            throw new Error(`dockerd did not answer on its socket within ${readyTimeoutMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
}

/** Daemons still running: if the test process dies, they go with it rather than linger as orphans. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
    for (const daemon of running) {
        daemon.kill("SIGKILL");
    }
});

function readPid(file: string): number | undefined {
    try {
        const pid = Number.parseInt(fs.readFileSync(file, "utf8"), 10);
        return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
        return undefined;
    }
}

function pingSocket(socketPath: string): Promise<boolean> {
    return new Promise((resolve) => {
        const request = http.get({ socketPath, path: "/_ping", timeout: 1000 }, (response) => {
            response.resume();
            resolve(response.statusCode === 200);
        });
        request.on("error", () => resolve(false));
        request.on("timeout", () => request.destroy());
    });
}

/** Containers leave overlay and shm mounts below the data root until the daemon cleans them. */
function unmountUnder(root: string): void {
    const mounts = fs
        .readFileSync("/proc/self/mounts", "utf8")
        .split("\n")
        .map((line) => line.split(" ")[1] ?? "")
        .filter((mountPoint) => mountPoint.startsWith(root))
        .sort((a, b) => b.length - a.length);
    for (const mountPoint of mounts) {
        spawnSync("umount", ["-l", mountPoint]);
    }
}
