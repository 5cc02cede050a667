import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { PrivateNetwork } from "./privateNetwork";
import { runTool, ToolResult } from "./tools";

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
 */
export class LocalDockerd {
    private constructor(
        readonly root: string,
        private readonly daemon: ChildProcess,
    ) {}

    get socket(): string {
        return path.join(this.root, "run", "docker.sock");
    }

    /** Where a path of the VM lives in this daemon's private root. */
    path(vmPath: string): string {
        return path.join(this.root, "fs", vmPath);
    }

    static async start(network: PrivateNetwork, launch: DaemonLaunch, readyTimeoutMs = 60_000): Promise<LocalDockerd> {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "adh-dockerd-"));
        for (const directory of ["run", "data", "exec", "fs"]) {
            fs.mkdirSync(path.join(root, directory), { recursive: true });
        }
        const adminSocket = path.join(root, "run", "docker.sock");
        const { files, flags } = launch({ rooted: (vmPath) => path.join(root, "fs", vmPath), adminSocket });
        for (const file of files) {
            const target = path.join(root, "fs", file.path);
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.writeFileSync(target, file.content, { mode: Number.parseInt(file.mode, 8) });
            fs.chmodSync(target, Number.parseInt(file.mode, 8));
        }
        const logFile = path.join(root, "dockerd.log");
        const log = fs.openSync(logFile, "a");
        const privateFlags = [
            `--data-root=${path.join(root, "data")}`,
            `--exec-root=${path.join(root, "exec")}`,
            `--pidfile=${path.join(root, "run", "docker.pid")}`,
            // No docker0 bridge: the namespace is private and the rehearsal needs no default bridge.
            "--bridge=none",
        ];
        const [command, args] = network.wrap("dockerd", [...privateFlags, ...flags]);
        const daemon = spawn(command, args, { stdio: ["ignore", log, log] });
        running.add(daemon);
        daemon.once("exit", () => running.delete(daemon));
        fs.closeSync(log);
        const started = Date.now();
        for (;;) {
            if (daemon.exitCode !== null || daemon.signalCode !== null) {
                const tail = fs.readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n");
                fs.rmSync(root, { recursive: true, force: true });
                throw new Error(`dockerd exited (${daemon.exitCode ?? daemon.signalCode}):\n${tail}`);
            }
            const pid = readPid(path.join(root, "run", "docker.pid"));
            if (pid !== undefined && (await pingSocket(adminSocket))) {
                return new LocalDockerd(root, daemon);
            }
            if (Date.now() - started > readyTimeoutMs) {
                daemon.kill("SIGKILL");
                throw new Error(`dockerd did not answer on its socket within ${readyTimeoutMs} ms`);
            }
            await new Promise((resolve) => setTimeout(resolve, 200));
        }
    }

    /** Runs the docker CLI against the admin socket (no TLS: this is the operator on the VM). */
    admin(args: readonly string[]): ToolResult {
        const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: `unix://${this.socket}` };
        delete env.DOCKER_CONTEXT;
        delete env.DOCKER_TLS_VERIFY;
        delete env.DOCKER_CERT_PATH;
        return runTool("docker", args, undefined, env);
    }

    /** Removes every container (live-restore would keep them past the daemon), stops, cleans up. */
    async stop(): Promise<void> {
        const containers = this.admin(["ps", "-aq"]).stdout.split("\n").filter(Boolean);
        if (containers.length > 0) {
            this.admin(["rm", "-f", ...containers]);
        }
        const exited = new Promise<void>((resolve) => {
            if (this.daemon.exitCode !== null || this.daemon.signalCode !== null) {
                resolve();
            } else {
                this.daemon.once("exit", () => resolve());
            }
        });
        try {
            this.daemon.kill("SIGTERM");
        } catch {
            // Already gone.
        }
        const timer = setTimeout(() => this.daemon.kill("SIGKILL"), 20_000);
        await exited;
        clearTimeout(timer);
        unmountUnder(this.root);
        fs.rmSync(this.root, { recursive: true, force: true });
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
