import "../harness/mocks";
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { performance } from "perf_hooks";
import { redisConfigPath } from "../../components/services/redisConfig";
import { MountedDisk } from "../harness/blockSnapshot";
import { freePort } from "../harness/freePort";
import { unwrapSecret } from "../harness/mocks";
import { runProgram, validConfig } from "../harness/program";
import { requireRoot, requireTools, runTool, setprivAsContainerUser } from "../harness/tools";

/**
 * The most a restore from a crash-consistent snapshot may lose: acknowledged writes from the last
 * second before it (appendfsync everysec), plus the time one fsync of that second's writes takes.
 */
const boundMs = 1_250;
const runs = 5;
/** A steady load, well within what redis takes on one core, leaving the machine's other work room. */
const writesPerSecond = 5_000;

/** One client writing `SET k:<i> <i>` at a steady rate, one in flight, noting when each is acknowledged. */
class SteadyWriter {
    readonly acknowledgedAt: number[] = [];
    private socket: net.Socket | undefined;
    private stopped = false;
    private startedAt = 0;

    constructor(private readonly perSecond: number) {}

    async start(port: number, password: string): Promise<void> {
        const socket = net.connect(port, "127.0.0.1");
        this.socket = socket;
        socket.setNoDelay(true);
        let pending = "";
        let authenticated = false;
        await new Promise<void>((resolve, reject) => {
            socket.once("error", reject);
            socket.on("data", (chunk) => {
                pending += chunk.toString("latin1");
                for (let end = pending.indexOf("\r\n"); end >= 0; end = pending.indexOf("\r\n")) {
                    const reply = pending.slice(0, end);
                    pending = pending.slice(end + 2);
                    if (reply !== "+OK") {
                        reject(new Error(`redis answered ${reply}`));
                        return;
                    }
                    if (!authenticated) {
                        authenticated = true;
                        this.startedAt = performance.now();
                        resolve();
                    } else {
                        this.acknowledgedAt.push(performance.now());
                    }
                    this.next();
                }
            });
            socket.write(`AUTH ${password}\r\n`);
        });
    }

    stop(): void {
        this.stopped = true;
        this.socket?.destroy();
    }

    private next(): void {
        if (this.stopped) {
            return;
        }
        const key = this.acknowledgedAt.length;
        const due = this.startedAt + (key * 1000) / this.perSecond;
        const send = () => void (this.stopped || this.socket?.write(`SET k:${key} ${key}\r\n`));
        const wait = due - performance.now();
        if (wait > 1) {
            setTimeout(send, wait);
        } else {
            send();
        }
    }
}

/** Sends SIGKILL and resolves once the process has exited (at once if it already had). */
function killed(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) {
        return Promise.resolve();
    }
    return new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
    });
}

/**
 * Redis's loss window on a restore: the program's redis.conf, run by a real redis-server on an ext4
 * data disk under a steady write load; a crash-consistent snapshot of that disk taken while it runs
 * (every process writing to it stopped for the copy, so the copy holds what had reached the disk,
 * as Azure's snapshot does, and nothing from the page cache); a new redis-server started on the
 * snapshot, as the restored VM's container would; and the acknowledged writes it lacks, counted.
 */
describe("redis's loss window on a restore from a crash-consistent snapshot (rehearsal)", function () {
    this.timeout(180_000);
    let config: string;
    let password: string;
    let uid: number;
    let gid: number;
    const disks: MountedDisk[] = [];
    const servers: ChildProcess[] = [];

    before(async function () {
        requireRoot(this);
        requireTools(this, "redis-server", "redis-cli", "setpriv", "losetup", "mkfs.ext4", "mount");
        const run = await runProgram(validConfig());
        const container = run.one("docker:index/container:Container", "docker-redis").inputs;
        const file = run.one("pulumi-nodejs:dynamic/azure-docker-host:VolumeFile", "docker-redis-secret-file").inputs;
        assert.strictEqual(file.fileName, path.basename(redisConfigPath));
        config = String(unwrapSecret(file.content));
        assert.match(config, /^appendfsync everysec$/m);
        password = /^requirepass (\S+)$/m.exec(config)?.[1] ?? "";
        [uid, gid] = String(container.user).split(":").map(Number) as [number, number];
    });

    /**
     * Kills every server and waits for each to exit before its disk is unmounted: a kill only sends
     * the signal, and a server not yet reaped still holds its files open, so the unmount would fail.
     */
    async function stopServersAndDisks(): Promise<void> {
        await Promise.all(servers.splice(0).map(killed));
        for (const disk of disks.splice(0)) {
            disk.dispose();
        }
    }

    afterEach(stopServersAndDisks);

    /** redis-server as the container runs it (its user, no capabilities), its data on `disk`. */
    async function startRedis(disk: MountedDisk): Promise<{ server: ChildProcess; port: number }> {
        const data = path.join(disk.mountPoint, "data");
        fs.mkdirSync(data, { recursive: true });
        fs.chownSync(data, uid, gid);
        const file = path.join(disk.mountPoint, "redis.conf");
        fs.writeFileSync(file, config.replace(/^dir \/data$/m, `dir ${data}`), { mode: 0o400 });
        fs.chownSync(file, uid, gid);
        const port = await freePort();
        const server = spawn(
            "setpriv",
            [...setprivAsContainerUser(uid, gid), "redis-server", file, "--port", String(port), "--bind", "127.0.0.1"],
            { stdio: ["ignore", "pipe", "pipe"] },
        );
        let log = "";
        server.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
        server.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
        servers.push(server);
        for (let attempt = 0; attempt < 300; attempt++) {
            if (cli(port, "PING").stdout.trim() === "PONG") {
                return { server, port };
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error(`redis-server did not answer within 30 s (exit ${server.exitCode}): ${log}`);
    }

    function cli(port: number, ...command: string[]) {
        return runTool("env", [
            `REDISCLI_AUTH=${password}`,
            "redis-cli",
            "-h",
            "127.0.0.1",
            "-p",
            String(port),
            ...command,
        ]);
    }

    /** One snapshot under load: how many acknowledged writes the restore lacks, and how old the oldest is. */
    async function snapshotUnderLoad(loadMs: number) {
        const disk = MountedDisk.create(128);
        disks.push(disk);
        const { server, port } = await startRedis(disk);
        const writer = new SteadyWriter(writesPerSecond);
        await writer.start(port, password);
        await new Promise((resolve) => setTimeout(resolve, loadMs));

        // The snapshot's instant: redis stops; replies already on the wire are still acknowledgements.
        const instant = performance.now();
        server.kill("SIGSTOP");
        await new Promise((resolve) => setTimeout(resolve, 200));
        const acknowledged = writer.acknowledgedAt.length;
        const image = disk.snapshot();
        server.kill("SIGCONT");
        writer.stop();
        const rate = acknowledged / ((writer.acknowledgedAt[acknowledged - 1]! - writer.acknowledgedAt[0]!) / 1000);

        const restoredDisk = MountedDisk.attach(image);
        disks.push(restoredDisk);
        const restored = await startRedis(restoredDisk);
        const present = Number(cli(restored.port, "DBSIZE").stdout.trim());
        // The append-only file replays in order, so what survives is a prefix of the writes.
        if (present > 0) {
            assert.strictEqual(cli(restored.port, "GET", `k:${present - 1}`).stdout.trim(), String(present - 1));
        }
        assert.strictEqual(cli(restored.port, "EXISTS", `k:${present}`).stdout.trim(), "0");
        const missing = Math.max(0, acknowledged - present);
        const windowMs = missing > 0 ? instant - writer.acknowledgedAt[present]! : 0;
        return { acknowledged, present, missing, windowMs, rate };
    }

    it(`loses at most ${boundMs} ms of acknowledged writes, worst of ${runs} snapshots at random instants`, async () => {
        const results = [];
        for (let run = 0; run < runs; run++) {
            results.push(await snapshotUnderLoad(1_500 + Math.random() * 1_000));
            await stopServersAndDisks();
        }
        const worst = results.reduce((a, b) => (b.windowMs > a.windowMs ? b : a));
        const summary = results
            .map((result) => `${result.missing} of ${result.acknowledged} (${Math.round(result.windowMs)} ms)`)
            .join(", ");
        console.log(
            `      redis loss window: worst ${Math.round(worst.windowMs)} ms, ${worst.missing} acknowledged writes ` +
                `at ~${Math.round(worst.rate)} writes/s; every run: ${summary}`,
        );
        assert.ok(
            results.every((result) => result.present > 0),
            `a restore came back empty: ${summary}`,
        );
        assert.ok(worst.windowMs <= boundMs, `lost ${Math.round(worst.windowMs)} ms of writes: ${summary}`);
    });
});
