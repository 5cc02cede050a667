import "../harness/mocks";
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startLeftContainersScript } from "../../components/host/leftContainers";
import { joinScript, joinTokenVariable } from "../../components/swarm/joinScript";
import { leaveSwarmScript } from "../../components/swarm/workerBoot";
import { busyboxRootfsTar } from "../harness/busyboxImage";
import { DeclaredContainer, dockerCreateFlags } from "../harness/containerRun";
import { runAsCustomScript } from "../harness/customScript";
import { decodeBase64, parseCloudConfig } from "../harness/declaredInputs";
import { LocalDockerd } from "../harness/localDockerd";
import { mocks, unwrapSecret } from "../harness/mocks";
import { pauseImportChanges, pauseRootfsTar } from "../harness/pauseImage";
import { ProgramRun, runProgram, validConfig } from "../harness/program";
import { provisionHost } from "../harness/provisionedHost";
import { kernelHasOverlayEncryption, SwarmLab } from "../harness/swarmLab";
import { requireRoot, requireTools } from "../harness/tools";

const managerType = "pulumi-nodejs:dynamic/azure-docker-host:SwarmManager";
const membershipType = "pulumi-nodejs:dynamic/azure-docker-host:SwarmMembership";
const image = "rehearsal/busybox:static";
const overlay = "azure-docker-host-swarm";

interface Material {
    readonly caCertPem: string;
    readonly certPem: string;
    readonly keyPem: string;
}

/**
 * A real swarm on this machine: three dockerd in their own network namespaces on one private
 * segment, as a manager VM and two workers on a subnet. The manager is the program's host (its
 * daemon configured as the provisioning configures it, TLS and all) and is made a manager by the
 * program's serialized SwarmManager provider over mutual TLS; the workers run the program's worker
 * daemon.json and join with the program's join script, run as the CustomScript handler runs it.
 */
describe("a swarm of three nodes built by the program (rehearsal)", function () {
    this.timeout(300_000);
    let lab: SwarmLab | undefined;
    const daemons: LocalDockerd[] = [];
    let run: ProgramRun;
    let material: Material;
    let encrypted = false;
    let managerOuts: { managerAddress: string; workerToken: string; nodeId: string };
    let managerLaunch: Parameters<typeof LocalDockerd.start>[1];

    const manager = () => daemons[0]!;
    const dial = () => ({
        host: "127.0.0.1",
        port: 2376,
        caCertPem: material.caCertPem,
        clientCertPem: material.certPem,
        clientKeyPem: material.keyPem,
    });

    before(async function () {
        requireRoot(this);
        requireTools(this, "dockerd", "docker", "unshare", "nsenter", "ip", "busybox", "curl", "python3");
        run = await runProgram(validConfig({ swarmWorkers: "2", provisioner: "docker-extension" }), { realTls: true });
        const provider = run.one("pulumi:providers:docker", "docker-docker").inputs;
        material = {
            caCertPem: String(unwrapSecret(provider.caMaterial)),
            certPem: String(unwrapSecret(provider.certMaterial)),
            keyPem: String(unwrapSecret(provider.keyMaterial)),
        };
        encrypted = await kernelHasOverlayEncryption();
        if (!encrypted) {
            console.log(
                "      this kernel has no rfc4106(gcm(aes)) for IPsec: the overlay runs unencrypted here (the specs assert the option)",
            );
        }
        lab = await SwarmLab.create(3);
        const host = provisionHost("docker-extension", run);
        managerLaunch = host.first.launch;
        daemons.push(
            await LocalDockerd.start(lab.nodes[0]!.network, host.first.launch, { executable: host.executable }),
        );
        const workerUserData = decodeBase64(
            unwrapSecret<any>(
                run.one("azure-native:compute:VirtualMachineScaleSet", "docker-workers").inputs.virtualMachineProfile,
            ).osProfile.customData,
        );
        const daemonJson = parseCloudConfig(workerUserData).write_files.find(
            (file: any) => file.path === "/etc/docker/daemon.json",
        );
        for (const node of lab.nodes.slice(1)) {
            daemons.push(
                await LocalDockerd.start(node.network, ({ rooted, adminSocket }) => ({
                    files: [
                        { path: "/etc/docker/daemon.json", mode: daemonJson.permissions, content: daemonJson.content },
                    ],
                    flags: [`--config-file=${rooted("/etc/docker/daemon.json")}`, `-H=unix://${adminSocket}`],
                })),
            );
        }
        const rootfs = busyboxRootfsTar();
        try {
            for (const daemon of daemons) {
                assert.strictEqual(daemon.admin(["import", rootfs.tar, image]).status, 0);
            }
        } finally {
            rootfs.dispose();
        }
    });

    after(async () => {
        for (const daemon of daemons.reverse()) {
            await daemon.stop().catch(() => undefined);
        }
        await lab?.close();
    });

    it("makes the host a manager through the program's provider over mutual TLS, and reads it back the same", async () => {
        const declared = run.one(managerType, "docker-manager").inputs;
        const request = {
            kind: "dynamic",
            provider: declared.__provider,
            method: "create",
            inputs: {
                ...dial(),
                advertiseAddress: lab!.nodes[0]!.address,
                defaultAddressPool: declared.defaultAddressPool,
                revision: "rehearsal",
            },
        };
        const created = await lab!.nodes[0]!.network.ask<{ result: { outs: typeof managerOuts } }>(request);
        assert.ok(created.ok, created.error);
        managerOuts = created.result.outs;
        assert.strictEqual(managerOuts.managerAddress, "10.99.0.1:2377");
        assert.match(managerOuts.workerToken, /^SWMTKN-1-/);
        // A second run finds an active manager and reads it: same node, same token.
        const again = await lab!.nodes[0]!.network.ask<{ result: { outs: typeof managerOuts } }>(request);
        assert.ok(again.ok, again.error);
        assert.deepStrictEqual(
            [again.result.outs.nodeId, again.result.outs.workerToken],
            [managerOuts.nodeId, managerOuts.workerToken],
        );
    });

    it("joins both workers with the program's join script, which leaves nothing behind and is idempotent", async () => {
        // The program, once the manager has answered: its scale set's extension carries the real token.
        const joined = await runProgram(validConfig({ swarmWorkers: "2", provisioner: "docker-extension" }), {
            prepare: () =>
                mocks.overrideState(managerType, () => ({
                    ...managerOuts,
                    managerAddress: managerOuts.managerAddress,
                })),
        });
        const profile = unwrapSecret<any>(
            joined.one("azure-native:compute:VirtualMachineScaleSet", "docker-workers").inputs.virtualMachineProfile,
        );
        const script = decodeBase64(
            unwrapSecret<{ script: string }>(profile.extensionProfile.extensions[0].protectedSettings).script,
        );
        for (const [index, node] of lab!.nodes.slice(1).entries()) {
            const first = await runAsCustomScript(node.network, script, daemons[index + 1]!.socket);
            assert.strictEqual(first.status, 0, first.stderr + first.stdout);
            assert.match(first.stdout, /joined the swarm managed at 10\.99\.0\.1:2377/);
            assert.deepStrictEqual(first.leftInDownloadFolder, [], "the script, token included, stayed on disk");
            assert.deepStrictEqual(first.stubCalls, ["cloud-init status --wait"]);
            const second = await runAsCustomScript(node.network, script, daemons[index + 1]!.socket);
            assert.strictEqual(second.status, 0, second.stderr);
            assert.match(second.stdout, /already part of a swarm \(active\)/);
        }
        await until(() => readyNodes().length === 3, "three ready nodes");
    });

    it("fails a worker that cannot reach the manager, naming the address it tried", async () => {
        const script = joinScript("10.99.0.250:2377", {
            token: managerOuts.workerToken,
            attempts: 1,
        });
        const lonely = await LocalDockerd.start(lab!.nodes[2]!.network, ({ adminSocket }) => ({
            files: [],
            flags: [`-H=unix://${adminSocket}`],
        }));
        try {
            const result = await runAsCustomScript(lab!.nodes[2]!.network, script, lonely.socket);
            assert.strictEqual(result.status, 1);
            assert.match(
                result.stderr,
                /could not join the swarm managed at 10\.99\.0\.250:2377 after 1 attempts: HTTP 503/,
            );
        } finally {
            await lonely.stop();
        }
    });

    it("makes a worker removed by hand join again with the program's rejoin script, run as Run Command runs it", async () => {
        const worker = daemons[2]!;
        const removed = worker.admin(["info", "--format", "{{.Swarm.NodeID}}"]).stdout.trim();
        assert.strictEqual(manager().admin(["node", "rm", "--force", removed]).status, 0);
        // The worker does not notice: it still counts itself in, so the join script would do nothing.
        assert.strictEqual(worker.admin(["info", "--format", "{{.Swarm.LocalNodeState}}"]).stdout.trim(), "active");
        const script = joinScript(managerOuts.managerAddress, { leaveFirst: true });
        const rejoined = await runAsCustomScript(lab!.nodes[2]!.network, script, worker.socket, undefined, {
            shell: "/bin/bash",
            environment: { [joinTokenVariable]: managerOuts.workerToken },
        });
        assert.strictEqual(rejoined.status, 0, rejoined.stderr + rejoined.stdout);
        assert.match(rejoined.stdout, /left the swarm this VM was in\njoined the swarm managed at 10\.99\.0\.1:2377/);
        const again = worker.admin(["info", "--format", "{{.Swarm.NodeID}}"]).stdout.trim();
        assert.notStrictEqual(again, removed, "the worker kept the identity the manager removed");
        await until(() => readyNodes().length === 3, "three ready nodes");
    });

    it("spreads a replicated service of three tasks over the three nodes, on the overlay the program declares", async () => {
        const options = encrypted ? ["--opt", "encrypted"] : [];
        const network = manager().admin([
            "network",
            "create",
            "--driver",
            "overlay",
            "--attachable",
            ...options,
            overlay,
        ]);
        assert.strictEqual(network.status, 0, network.stderr);
        const service = manager().admin([
            "service",
            "create",
            "--detach",
            "--name",
            "spread",
            "--replicas",
            "3",
            "--replicas-max-per-node",
            "1",
            "--network",
            overlay,
            "--no-resolve-image",
            image,
            "sleep",
            "3600",
        ]);
        assert.strictEqual(service.status, 0, service.stderr);
        await until(() => runningTasks().length === 3, "three running tasks");
        assert.strictEqual(new Set(runningTasks()).size, 3, "two tasks share a node");
    });

    it("lets a task on a worker reach a container on the manager by name over the overlay", async () => {
        const stand = manager().admin([
            "run",
            "--detach",
            "--name",
            "redis",
            "--network",
            overlay,
            "--network-alias",
            "redis",
            image,
            "sh",
            "-c",
            "mkdir -p /tmp/www && echo pong > /tmp/www/hello && exec httpd -f -p 8080 -h /tmp/www",
        ]);
        assert.strictEqual(stand.status, 0, stand.stderr);
        const worker = daemons[1]!;
        const task = worker
            .admin(["ps", "-q", "--filter", "label=com.docker.swarm.service.name=spread"])
            .stdout.trim()
            .split("\n")[0];
        assert.ok(task, "no task on the first worker");
        // An HTTP request by hand: busybox's nc resolves the name through Docker's embedded DNS.
        const request = String.raw`printf 'GET /hello HTTP/1.0\r\n\r\n' | nc redis 8080`;
        await until(
            () => /\r\n\r\npong\n?$/.test(worker.admin(["exec", task, "sh", "-c", request]).stdout),
            "a reply over the overlay",
        );
    });

    it("starts, after a daemon start, a container on the overlay that Docker left exited; one stopped by hand stays stopped", async () => {
        const host = manager();
        const state = (name: string) =>
            host.admin(["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name]).stdout.trim();
        // What dockerd leaves when its one start of a swarm-attached container fails: exited, 255,
        // and a restart policy. The first run exits 255; a start after that keeps running.
        const left = host.admin([
            "run",
            "--detach",
            "--name",
            "left",
            "--network",
            overlay,
            image,
            "sh",
            "-c",
            "if [ -e /started-once ]; then exec sleep 600; fi; touch /started-once; exit 255",
        ]);
        assert.strictEqual(left.status, 0, left.stderr);
        await until(() => state("left") === "exited 255", "the first run's exit");
        assert.strictEqual(host.admin(["update", "--restart", "unless-stopped", "left"]).status, 0);
        const stopped = host.admin([
            "run",
            "--detach",
            "--name",
            "stopped",
            "--restart",
            "unless-stopped",
            "--network",
            overlay,
            image,
            "sleep",
            "600",
        ]);
        assert.strictEqual(stopped.status, 0, stopped.stderr);
        assert.strictEqual(host.admin(["stop", "--time", "1", "stopped"]).status, 0);
        try {
            const hook = await runAsCustomScript(lab!.nodes[0]!.network, startLeftContainersScript(), host.socket);
            assert.strictEqual(hook.status, 0, hook.stderr);
            assert.match(hook.stdout, /started \/left, left exited by the daemon's restart \(try 1\)/);
            assert.match(state("left"), /^running /);
            assert.match(state("stopped"), /^exited (137|143)$/, "a stop by hand is kept");
            const again = await runAsCustomScript(lab!.nodes[0]!.network, startLeftContainersScript(), host.socket);
            assert.deepStrictEqual([again.status, again.stdout], [0, ""], "nothing left to start");
        } finally {
            host.admin(["rm", "--force", "left", "stopped"]);
        }
    });

    it("starts, after a clean restart of Docker, a container on the overlay whose one start failed; one stopped by hand stays stopped", async () => {
        const host = manager();
        const state = (name: string) =>
            host
                .admin(["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}} {{.State.Error}}", name])
                .stdout.trim();
        // A bind source that goes away makes dockerd's one start after its restart fail, as the
        // overlay's teardown race does, and comes back for the hook's start.
        const source = fs.mkdtempSync(path.join(os.tmpdir(), "adh-left-"));
        // Each exits 0 on SIGTERM, as pause does when Docker stops it.
        const cleanExit = ["sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait"];
        for (const name of ["graceful", "byhand"]) {
            const started = host.admin([
                "run",
                "--detach",
                "--name",
                name,
                "--restart",
                "unless-stopped",
                "--network",
                overlay,
                "--mount",
                `type=bind,source=${source},target=/mnt`,
                image,
                ...cleanExit,
            ]);
            assert.strictEqual(started.status, 0, started.stderr);
        }
        assert.strictEqual(host.admin(["stop", "byhand"]).status, 0);
        try {
            fs.rmSync(source, { recursive: true });
            await host.restart(managerLaunch);
            await until(() => /^exited \d+ \S/.test(state("graceful")), "dockerd's failed start of graceful");
            const [, exitCode] = state("graceful").split(" ");
            assert.notStrictEqual(exitCode, "255", "the failed start is told by its error, not by 255");
            fs.mkdirSync(source);
            const hook = await runAsCustomScript(lab!.nodes[0]!.network, startLeftContainersScript(), host.socket);
            assert.strictEqual(hook.status, 0, hook.stderr);
            assert.match(hook.stdout, /started \/graceful, left exited by the daemon's restart/);
            assert.match(state("graceful"), /^running /);
            assert.strictEqual(state("byhand"), "exited 0", "a stop by hand is kept");
        } finally {
            host.admin(["rm", "--force", "graceful", "byhand"]);
            fs.rmSync(source, { recursive: true, force: true });
        }
    });

    it("keeps the overlay's sandbox on the manager through back-to-back replacements, with the program's anchor on it", async () => {
        const host = manager();
        const networkId = host.admin(["network", "inspect", "--format", "{{.Id}}", overlay]).stdout.trim();
        // The overlay driver's sandbox for this network on this node: `<epoch>-<first 10 of the id>`.
        const sandboxes = () =>
            fs.readdirSync(`${host.root}/exec/netns`).filter((entry) => entry.endsWith(`-${networkId.slice(0, 10)}`));
        const onOverlay = () =>
            host
                .admin(["ps", "-aq", "--filter", `network=${overlay}`])
                .stdout.split("\n")
                .filter(Boolean);
        const service = () =>
            host.admin(["run", "--detach", "--name", "service", "--network", overlay, image, "sleep", "600"]);
        // Nothing of the earlier specs on the overlay here: no service task, no container.
        assert.strictEqual(host.admin(["service", "rm", "spread"]).status, 0);
        await until(() => {
            const left = onOverlay();
            if (left.length > 0) {
                host.admin(["rm", "--force", ...left]);
            }
            return left.length === 0;
        }, "no container on the overlay");

        // Without the anchor: the last container's removal takes the sandbox with it, which is the
        // moment a replacement's start can lose the network.
        assert.strictEqual(service().status, 0);
        await until(() => sandboxes().length === 1, "the overlay's sandbox");
        assert.strictEqual(host.admin(["rm", "--force", "service"]).status, 0);
        await until(() => sandboxes().length === 0, "the sandbox gone with the last container");

        const declared = run.one("docker:index/container:Container", "docker-overlay-anchor").inputs;
        const pulled = run.one("docker:index/remoteImage:RemoteImage", "docker-overlay-anchor-image").inputs;
        const rootfs = pauseRootfsTar();
        try {
            const imported = host.admin(["import", ...pauseImportChanges, rootfs.tar, String(pulled.name)]);
            assert.strictEqual(imported.status, 0, imported.stderr);
        } finally {
            rootfs.dispose();
        }
        const anchor = host.admin([
            "run",
            "--detach",
            "--name",
            String(declared.name),
            ...dockerCreateFlags({ volumes: [], ports: [], ...declared } as unknown as DeclaredContainer),
            "--health-cmd",
            (declared.healthcheck as { tests: string[] }).tests.slice(1).join(" "),
            String(pulled.name),
        ]);
        assert.strictEqual(anchor.status, 0, anchor.stderr);
        try {
            await until(
                () =>
                    host.admin(["inspect", "--format", "{{.State.Status}}", String(declared.name)]).stdout.trim() ===
                    "running",
                "the anchor running",
            );
            await until(() => sandboxes().length === 1, "the overlay's sandbox, held by the anchor");
            const held = sandboxes()[0];
            for (let round = 1; round <= 10; round++) {
                const started = service();
                assert.strictEqual(started.status, 0, `round ${round}: ${started.stderr}`);
                assert.strictEqual(host.admin(["rm", "--force", "service"]).status, 0);
                assert.deepStrictEqual(sandboxes(), [held], `round ${round}: the sandbox went`);
            }
            const stop = host.admin(["stop", "--time", "10", String(declared.name)]);
            assert.strictEqual(stop.status, 0, stop.stderr);
            assert.strictEqual(
                host.admin(["inspect", "--format", "{{.State.ExitCode}}", String(declared.name)]).stdout.trim(),
                "0",
                "the anchor stops at once on SIGTERM",
            );
        } finally {
            host.admin(["rm", "--force", "service", String(declared.name)]);
        }
    });

    it("leaves the swarm when Azure schedules the worker's removal, and the reconcile removes it from the node list", async () => {
        const departing = lab!.nodes[2]!;
        const imds = await standInMetadataService(departing.network, "worker-2");
        try {
            const watcher = await runAsCustomScript(departing.network, leaveSwarmScript(), daemons[2]!.socket);
            assert.strictEqual(watcher.status, 0, watcher.stderr);
            assert.match(watcher.stdout, /left the swarm: Azure scheduled this VM's removal \(event E-terminate-1\)/);
            assert.deepStrictEqual(imds.acknowledged(), [{ StartRequests: [{ EventId: "E-terminate-1" }] }]);
        } finally {
            imds.close();
        }
        const declared = run.one(membershipType, "docker-membership").inputs;
        // The scale set keeps the first worker: only the departed one is pruned.
        const kept = (await lab!.nodes[1]!.network.run("hostname", [])).stdout.trim();
        const reconciled = await lab!.nodes[0]!.network.ask<{ result: { outs: { removed: string[] } } }>({
            kind: "dynamic",
            provider: declared.__provider,
            method: "create",
            inputs: { ...dial(), workers: 1, scaleSetRevision: "rehearsal", instances: [kept] },
        });
        assert.ok(reconciled.ok, reconciled.error);
        const departed = (await departing.network.run("hostname", [])).stdout.trim();
        assert.deepStrictEqual(reconciled.result.outs.removed, [departed]);
        const nodes = manager().admin(["node", "ls", "--format", "{{.ID}} {{.Status}}"]).stdout.trim().split("\n");
        assert.strictEqual(nodes.length, 2, nodes.join("\n"));
        assert.ok(
            nodes.every((line) => line.endsWith(" Ready")),
            nodes.join("\n"),
        );
    });

    function readyNodes(): string[] {
        return manager()
            .admin(["node", "ls", "--format", "{{.ID}} {{.Status}}"])
            .stdout.trim()
            .split("\n")
            .filter((line) => line.endsWith(" Ready"));
    }

    function runningTasks(): string[] {
        return manager()
            .admin([
                "service",
                "ps",
                "spread",
                "--filter",
                "desired-state=running",
                "--format",
                "{{.Node}} {{.CurrentState}}",
            ])
            .stdout.trim()
            .split("\n")
            .filter((line) => / Running /.test(line))
            .map((line) => line.split(" ")[0]!);
    }
});

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() > deadline) {
            throw new Error(`no ${what} within ${timeoutMs / 1000} s`);
        }
        await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
}

/**
 * Azure's instance metadata service as a departing scale set instance sees it: its name, and a
 * Terminate event naming it. Listens on 169.254.169.254:80 inside the node's namespace and keeps
 * what is posted back (the acknowledgement that lets Azure go ahead).
 */
async function standInMetadataService(network: SwarmLab["nodes"][number]["network"], name: string) {
    await network.run("ip", ["addr", "add", "169.254.169.254/32", "dev", "lo"]);
    const posts = `${fs.mkdtempSync("/tmp/adh-imds-")}/posts`;
    const server = `
const http = require("http");
const fs = require("fs");
const events = { DocumentIncarnation: 1, Events: [{ EventId: "E-terminate-1", EventType: "Terminate", ResourceType: "VirtualMachine", Resources: [${JSON.stringify(name)}], EventStatus: "Scheduled", NotBefore: "Mon, 30 Nov 2026 10:00:00 GMT" }] };
http.createServer((request, response) => {
  if (request.headers.metadata !== "true") { response.writeHead(400); return response.end("Required metadata header not specified"); }
  let body = "";
  request.on("data", (chunk) => (body += chunk));
  request.on("end", () => {
    if (request.url.startsWith("/metadata/instance/compute/name")) { return response.end(${JSON.stringify(name)}); }
    if (request.url.startsWith("/metadata/scheduledevents")) {
      if (request.method === "POST") { fs.appendFileSync(${JSON.stringify(posts)}, body + "\\n"); return response.end(); }
      response.setHeader("Content-Type", "application/json");
      return response.end(JSON.stringify(events));
    }
    response.writeHead(404); response.end();
  });
}).listen(80, "169.254.169.254", () => console.log("ready"));
`;
    const [command, args] = network.wrap(process.execPath, ["-e", server]);
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    return {
        acknowledged: () =>
            fs.existsSync(posts)
                ? fs
                      .readFileSync(posts, "utf8")
                      .trim()
                      .split("\n")
                      .map((line) => JSON.parse(line) as unknown)
                : [],
        close: () => child.kill("SIGKILL"),
    };
}
