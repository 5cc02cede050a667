import "../harness/mocks";
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { redisConfigPath, redisHealthCheck } from "../../components/services/redisConfig";
import { freePort } from "../harness/freePort";
import { unwrapSecret } from "../harness/mocks";
import { runProgram, validConfig } from "../harness/program";
import { requireRoot, requireTools, runTool, setprivAsContainerUser } from "../harness/tools";

/**
 * The redis.conf the program writes for its container, run by a real redis-server the way the
 * container runs it: as the image's redis user (999:999, from the container's `user`), with every
 * capability dropped, the file 0400 and owned by that user. Only what cannot exist outside a
 * container changes: the data directory (the container's /data volume; redis changes into it while
 * reading the file, so the line is rewritten), and the port and loopback bind (overridden on the
 * command line).
 */
describe("generated redis configuration against a real redis-server (rehearsal)", function () {
    this.timeout(60_000);
    let workDir: string;
    let configFile: string;
    let password: string;
    let port: number;
    let server: ChildProcess | undefined;
    let uid: number;
    let gid: number;

    before(async function () {
        requireRoot(this);
        requireTools(this, "redis-server", "redis-cli", "setpriv");
        const run = await runProgram(validConfig());
        const container = run.one("docker:index/container:Container", "docker-redis").inputs;
        const file = run.one("pulumi-nodejs:dynamic/azure-docker-host:VolumeFile", "docker-redis-secret-file").inputs;
        assert.strictEqual(file.fileName, path.basename(redisConfigPath));
        const upload = { content: String(unwrapSecret(file.content)) };
        password = /^requirepass (\S+)$/m.exec(upload.content)?.[1] ?? "";
        workDir = fs.mkdtempSync(path.join(os.tmpdir(), "adh-redis-"));
        configFile = path.join(workDir, "redis.conf");
        const data = path.join(workDir, "data");
        fs.mkdirSync(data);
        assert.match(upload.content, /^dir \/data$/m);
        fs.writeFileSync(configFile, upload.content.replace(/^dir \/data$/m, `dir ${data}`), { mode: 0o400 });
        [uid, gid] = String(container.user).split(":").map(Number) as [number, number];
        assert.deepStrictEqual(container.capabilities, { drops: ["ALL"], adds: [] });
        for (const owned of [workDir, data, configFile]) {
            fs.chownSync(owned, uid, gid);
        }
        port = await freePort();
    });

    after(async () => {
        await stop("SIGKILL");
        if (workDir) {
            fs.rmSync(workDir, { recursive: true, force: true });
        }
    });

    async function start(): Promise<void> {
        server = spawn(
            "setpriv",
            [...asContainerUser(), "redis-server", configFile, "--port", String(port), "--bind", "127.0.0.1"],
            { stdio: ["ignore", "pipe", "pipe"] },
        );
        for (let attempt = 0; attempt < 100; attempt++) {
            if (cli([], "PING").stdout.includes("NOAUTH")) {
                return;
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error("redis-server did not start");
    }

    async function stop(signal: NodeJS.Signals): Promise<void> {
        const running = server;
        server = undefined;
        if (running && running.exitCode === null) {
            const exited = new Promise((resolve) => running.once("exit", resolve));
            running.kill(signal);
            await exited;
        }
    }

    const asContainerUser = () => setprivAsContainerUser(uid, gid);

    function cli(env: string[], ...command: string[]) {
        return runTool("env", [...env, "redis-cli", "-h", "127.0.0.1", "-p", String(port), ...command]);
    }

    it("refuses a client that has not authenticated", async () => {
        await start();
        assert.match(cli([], "SET", "walkthrough", "redis").stdout, /NOAUTH Authentication required/);
        const wrong = cli(["REDISCLI_AUTH=NotThePassword"], "PING");
        assert.match(wrong.stdout + wrong.stderr, /WRONGPASS/);
    });

    it("lets an authenticated client write", () => {
        assert.strictEqual(cli([`REDISCLI_AUTH=${password}`], "SET", "walkthrough", "redis").stdout.trim(), "OK");
        assert.strictEqual(
            cli([`REDISCLI_AUTH=${password}`], "CONFIG", "GET", "appendonly").stdout.trim(),
            "appendonly\nyes",
        );
    });

    it("keeps the key across a crash: the append-only file, not a shutdown snapshot, brings it back", async () => {
        // appendfsync everysec: give the fsync its second, then kill without a chance to save.
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        await stop("SIGKILL");
        assert.ok(fs.readdirSync(path.join(workDir, "data")).some((name) => name.startsWith("appendonly")));
        await start();
        assert.strictEqual(cli([`REDISCLI_AUTH=${password}`], "GET", "walkthrough").stdout.trim(), "redis");
    });

    it("runs as the container's user without any capability", () => {
        const status = fs.readFileSync(`/proc/${server!.pid}/status`, "utf8");
        assert.match(status, new RegExp(`^Uid:\\s+${uid}\\s+${uid}\\s+${uid}\\s+${uid}$`, "m"));
        assert.match(status, /^CapEff:\s+0+$/m);
        assert.match(status, /^CapBnd:\s+0+$/m);
    });

    it("passes the container's health check, as that user, and fails it with a wrong password", () => {
        const check = (conf: string) =>
            runTool("setpriv", [
                ...asContainerUser(),
                "sh",
                "-c",
                redisHealthCheck
                    .replace(redisConfigPath, conf)
                    .replace("redis-cli", `redis-cli -h 127.0.0.1 -p ${port}`),
            ]);
        assert.strictEqual(check(configFile).status, 0);
        const wrong = path.join(workDir, "wrong.conf");
        fs.writeFileSync(wrong, "requirepass NotThePassword\n", { mode: 0o400 });
        fs.chownSync(wrong, uid, gid);
        assert.notStrictEqual(check(wrong).status, 0);
    });
});
