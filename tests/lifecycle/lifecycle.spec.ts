import * as assert from "assert";
import { startLeftContainersPath } from "../../components/host/leftContainers";
import { overlayAnchorName } from "../../components/services/overlayAnchor";
import { requireRoot } from "../harness/tools";
import { baseConfig, Lifecycle, startLifecycle, stopLifecycle } from "./harness/suite";
import { killSession, operations } from "./harness/stack";
import { transition } from "./harness/transition";

/** Resources that must never be replaced by anything below but what says so. */
const dataDisk = "azure-native:compute:Disk::docker-data";
const vm = "azure-native:compute:VirtualMachine::docker-vm";
const gate = "pulumi-nodejs:dynamic/azure-docker-host:DockerReadinessGate::docker-ready";
const dockerProvider = "pulumi:providers:docker::docker-docker";
const dockerResources = [
    "docker:index/container:Container::docker-mongodb",
    "docker:index/container:Container::docker-redis",
    "docker:index/image:Image::docker-mongodb-image",
    "docker:index/network:Network::docker-network",
    "docker:index/remoteImage:RemoteImage::docker-redis-image",
    ...["mongodb-configdb", "mongodb-data", "mongodb-secrets", "redis-data", "redis-secrets"].map(
        (volume) => `docker:index/volume:Volume::docker-${volume}`,
    ),
];
const volumeFiles = ["mongodb", "redis"].map(
    (service) => `pulumi-nodejs:dynamic/azure-docker-host:VolumeFile::docker-${service}-secret-file`,
);
const diskGrowthExtension = "azure-native:compute:VirtualMachineExtension::docker-provisioning-disk";
const extension = (provisioner: string) =>
    `azure-native:compute:VirtualMachineExtension::docker-provisioning-${provisioner === "cloud-init" ? "certificates" : "extension"}`;
const tls = (side: "server" | "client") => [
    `tls:index/certRequest:CertRequest::docker-${side}-csr`,
    `tls:index/locallySignedCert:LocallySignedCert::docker-${side}-cert`,
    `tls:index/privateKey:PrivateKey::docker-${side}-key`,
];

/** What turning the swarm on does: the manager, workers and overlay made, the daemon reconfigured. */
const swarmOn = (provisioner: string) => ({
    create: [
        "azure-docker-host:index:Swarm::docker",
        "azure-native:compute:VirtualMachineScaleSet::docker-workers",
        "azure-native:network:NatGateway::docker-nat",
        "azure-native:network:PublicIPAddress::docker-nat-ip",
        "docker:index/container:Container::docker-overlay-anchor",
        "docker:index/network:Network::docker-overlay",
        "docker:index/remoteImage:RemoteImage::docker-overlay-anchor-image",
        "pulumi-nodejs:dynamic/azure-docker-host:ContainerPidsLimit::docker-overlay-anchor-pids",
        "pulumi-nodejs:dynamic/azure-docker-host:SwarmManager::docker-manager",
        "pulumi-nodejs:dynamic/azure-docker-host:SwarmMembership::docker-membership",
    ],
    // The services join the overlay: a container's networks are fixed at its creation, and each
    // new container gets its pids limit anew.
    replace: [
        "docker:index/container:Container::docker-mongodb",
        "docker:index/container:Container::docker-redis",
        "pulumi-nodejs:dynamic/azure-docker-host:ContainerPidsLimit::docker-mongodb-pids",
        "pulumi-nodejs:dynamic/azure-docker-host:ContainerPidsLimit::docker-redis-pids",
    ],
    update: [
        extension(provisioner),
        "azure-native:network:NetworkSecurityGroup::docker-nsg",
        "azure-native:network:Subnet::docker-subnet",
        "pulumi-nodejs:dynamic/azure-docker-host:SwarmLeave::docker-swarm-leave",
        gate,
    ],
});

function workerMachines(life: Lifecycle): string[] {
    return life.cloud
        .machines()
        .map((machine) => machine.spec.name)
        .filter((name) => name.startsWith("docker-workers"));
}

/** The swarm as the manager reports it: its node, where it listens, its cluster. */
async function swarmIdentity(life: Lifecycle): Promise<string> {
    const swarm = JSON.parse(await life.operator.mustDocker(["info", "--format", "{{json .Swarm}}"])) as {
        NodeID?: string;
        NodeAddr?: string;
        Cluster?: { ID?: string };
    };
    return `${swarm.NodeID} ${swarm.NodeAddr} ${swarm.Cluster?.ID}`;
}

/** Workers the manager lists as ready, as `docker node ls` shows them; waits up to `ms` for `expected`. */
async function readyWorkers(life: Lifecycle, expected = 0, ms = 0): Promise<number> {
    const deadline = Date.now() + ms;
    for (;;) {
        const nodes = await life.operator.mustDocker(["node", "ls", "--format", "{{.ManagerStatus}}|{{.Status}}"]);
        const ready = nodes
            .trim()
            .split("\n")
            .filter((line) => line.startsWith("|") && line.endsWith("Ready")).length;
        if (ready >= expected || Date.now() > deadline) {
            return ready;
        }
        await new Promise((resolve) => setTimeout(resolve, 3000));
    }
}

/** The backup's resources: what `pulumi up` removes with backups off, and what is protected. */
const backup = {
    removed: [
        "azure-docker-host:index:DataDiskBackup::docker",
        "azure-native:authorization:RoleAssignment::docker-disk-reader",
        "azure-native:authorization:RoleAssignment::docker-snapshot-contributor",
        "azure-native:dataprotection:BackupInstance::docker-disk-instance",
        "azure-native:dataprotection:BackupPolicy::docker-disk-policy",
    ],
    kept: [
        "azure-native:dataprotection:BackupVault::docker-vault",
        "azure-native:resources:ResourceGroup::docker-backup-rg",
    ],
};

async function waitFor(condition: () => Promise<boolean>, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await condition())) {
        if (Date.now() > deadline) {
            throw new Error(`not so after ${ms} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 2000));
    }
}

/** Every transition's measures, for the closing report. */
const measured: string[] = [];
/** `pulumi refresh --expect-no-changes` fails, and its output names every resource that drifted. */
async function refreshSeesDrift(life: Lifecycle, ...drifted: RegExp[]): Promise<void> {
    const refreshed = await life.stack.pulumi(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]);
    assert.notStrictEqual(refreshed.status, 0, "refresh saw nothing");
    for (const resource of drifted) {
        assert.match(refreshed.stdout, resource);
    }
}

function report(label: string, result: { upSeconds: number; downtimeSeconds: number }): void {
    const line = `${label}: pulumi up ${result.upSeconds.toFixed(0)} s, redis or mongodb unhealthy ${result.downtimeSeconds.toFixed(0)} s`;
    measured.push(line);
    console.log(`      ${line}`);
}

for (const provisioner of ["cloud-init", "docker-extension"] as const) {
    /**
     * A user's whole lifecycle, under Pulumi's own engine: the real CLI and language host, the real
     * tls, random and docker providers, and an emulated Azure whose VMs are real Docker daemons.
     */
    describe(`the lifecycle of a stack with the ${provisioner} provisioner`, function () {
        this.timeout(900_000);
        let life: Lifecycle;
        let config: Record<string, unknown>;

        before(async function () {
            requireRoot(this);
            life = await startLifecycle(`life-${provisioner}`);
            config = baseConfig(life.cloud, provisioner);
            await life.stack.init(config);
        });

        afterEach(function () {
            // A failed step explains itself with what the host VM saw.
            if (this.currentTest?.state === "failed") {
                console.log(life.cloud.hostMachine()?.diagnostics() ?? "no host VM");
            }
        });

        after(async () => {
            await stopLifecycle(life);
        });

        /** dataDiskSizeGb raised: Azure grows the disk, the provisioning grows its file system. */
        const growsTheDisk = async () => {
            const before = life.cloud.hostMachine()!.dataRootSize().sizeKb;
            config = { ...config, dataDiskSizeGb: 12 };
            report(
                "dataDiskSizeGb 8 to 12",
                await transition(life, "disk-grown", config, {
                    update: [dataDisk, provisioner === "cloud-init" ? extension(provisioner) : diskGrowthExtension],
                }),
            );
            const after = life.cloud.hostMachine()!.dataRootSize().sizeKb;
            assert.ok(after > before * 1.4, `df says ${before} KiB before, ${after} KiB after`);
            life.stack.writeConfig({ ...config, dataDiskSizeGb: 10 });
            const refused = await life.stack.pulumi(["preview"]);
            assert.notStrictEqual(refused.status, 0);
            assert.match(
                refused.stdout + refused.stderr,
                /dataDiskSizeGb = "10".*12 or more: the data disk is 12 GiB, and Azure cannot make a disk smaller/s,
            );
            life.stack.writeConfig(config);
        };

        it("previews a new stack with unknown outputs, and creates nothing", async () => {
            const { steps } = await life.stack.plan();
            const planned = operations(steps);
            assert.deepStrictEqual(Object.keys(planned), ["create"]);
            assert.ok(planned.create!.includes(vm) && planned.create!.includes(dataDisk));
            assert.deepStrictEqual(life.cloud.world.all(), []);
        });

        if (provisioner === "docker-extension") {
            it("is killed mid-up while the gate is creating; pulumi cancel frees the stack, as the README says", async () => {
                let pid = 0;
                let killed = false;
                const first = await life.stack.pulumi(["up", "--yes", "--skip-preview"], {
                    ownSession: true,
                    onSpawn: (spawned) => (pid = spawned),
                    onOutput: (printed) => {
                        if (!killed && /DockerReadinessGate docker-ready creating/.test(printed)) {
                            killed = true;
                            process.kill(pid, "SIGKILL");
                        }
                    },
                });
                assert.ok(killed && first.status !== 0, "the CLI was not killed mid-up");
                // Its plugins outlive it, as on any machine; here they go with its session.
                killSession(pid);
                const locked = await life.stack.pulumi(["up", "--yes", "--skip-preview"]);
                assert.notStrictEqual(locked.status, 0);
                assert.match(locked.stdout + locked.stderr, /currently locked.*pulumi cancel/s);
                await life.stack.must(["cancel", "--yes"]);
                const exported = JSON.parse((await life.stack.must(["stack", "export"])).stdout) as {
                    deployment: { pending_operations?: unknown[] };
                };
                assert.deepStrictEqual(exported.deployment.pending_operations ?? [], []);
            });
        }

        it("comes up: the gate passes, and docker ps through the tool's env shows redis and mongodb healthy", async () => {
            await life.stack.up();
            const states = await life.operator.waitHealthy();
            assert.match(states.redis!, /^Up .*\(healthy\)$/);
            assert.match(states.mongodb!, /^Up .*\(healthy\)$/);
            const status = await life.operator.tool(["status", "--stack", life.stack.name]);
            assert.strictEqual(status.status, 0, status.stderr);
            assert.match(status.stdout, /running/);
            const listed = await life.operator.tool(["ls"]);
            assert.strictEqual(listed.status, 0, listed.stderr);
            assert.match(listed.stdout, new RegExp(life.stack.name));
            // Nothing made twice, interrupted or not.
            assert.strictEqual(life.cloud.world.ofType("azure-native:compute:VirtualMachine").length, 1);
            await life.markers.write("first-up");
        });

        it("then has nothing to change: preview --expect-no-changes, refresh --expect-no-changes", async () => {
            await life.stack.must(["preview", "--expect-no-changes", "--diff"]);
            await life.stack.must(["refresh", "--yes", "--expect-no-changes", "--skip-preview"]);
        });

        it("renews the server certificate in place: the extension delivers it, the gate sees it served", async () => {
            config = { ...config, serverCertGeneration: 2 };
            report(
                "serverCertGeneration",
                await transition(life, "serverCertGeneration", config, {
                    replace: tls("server"),
                    update: [extension(provisioner), gate],
                }),
            );
        });

        if (provisioner === "docker-extension") {
            it(
                "grows the data disk in place: Azure grows it, the file system follows, df shows it; a shrink is refused",
                growsTheDisk,
            );

            it("switches to the cloud-init provisioner: the VM replaced, the disk kept with its images and volumes", async () => {
                const before = (await life.stack.outputs()).dataDiskId;
                config = { ...config, provisioner: "cloud-init" };
                report(
                    "provisioner docker-extension to cloud-init",
                    // The old extension goes with the VM it belongs to: the plan lists no step of its own.
                    await transition(life, "provisioner", config, {
                        replace: [vm],
                        create: ["azure-native:compute:VirtualMachineExtension::docker-provisioning-certificates"],
                        update: [gate],
                    }),
                );
                assert.strictEqual((await life.stack.outputs()).dataDiskId, before);
                const extensions = life.cloud.world.ofType("azure-native:compute:VirtualMachineExtension");
                assert.deepStrictEqual(
                    extensions.map((extension) => extension.outputs.name),
                    ["install-docker-tls"],
                );
            });
        }

        if (provisioner === "cloud-init") {
            it("renews the client certificate in place: the provider and everything dialing with it update", async () => {
                config = { ...config, clientCertGeneration: 2 };
                report(
                    "clientCertGeneration",
                    await transition(life, "clientCertGeneration", config, {
                        replace: tls("client"),
                        // The provider's new key is unknown in a preview, so each of its resources may change.
                        update: [gate, dockerProvider, ...dockerResources, ...volumeFiles],
                    }),
                );
            });

            it("rotates the CA in place: both certificates re-issued, the daemon and every client follow", async () => {
                config = { ...config, caGeneration: 2 };
                report(
                    "caGeneration",
                    await transition(life, "caGeneration", config, {
                        // The keys and requests stay; the CA signs them again.
                        replace: [
                            "tls:index/locallySignedCert:LocallySignedCert::docker-client-cert",
                            "tls:index/locallySignedCert:LocallySignedCert::docker-server-cert",
                            "tls:index/privateKey:PrivateKey::docker-ca-key",
                            "tls:index/selfSignedCert:SelfSignedCert::docker-ca",
                        ],
                        update: [extension(provisioner), gate, dockerProvider, ...dockerResources, ...volumeFiles],
                    }),
                );
            });

            it("opens the host to one more address range, in place", async () => {
                config = { ...config, allowedSourceRanges: ["203.0.113.1/32", "198.51.100.0/24"] };
                report(
                    "allowedSourceRanges",
                    await transition(life, "allowedSourceRanges", config, {
                        update: ["azure-native:network:NetworkSecurityGroup::docker-nsg"],
                    }),
                );
            });

            it("grows into a swarm of two workers", async () => {
                config = { ...config, swarmWorkers: 2 };
                report("swarmWorkers 0 to 2", await transition(life, "swarm-on", config, swarmOn(provisioner)));
                assert.strictEqual(await readyWorkers(life), 2);
            });

            it("leaves the swarm again: Docker stays up on the host, the workers' VMs go", async () => {
                config = { ...config, swarmWorkers: 0 };
                const on = swarmOn(provisioner);
                report(
                    "swarmWorkers 2 to 0",
                    await transition(life, "swarm-off", config, { ...on, create: [], delete: on.create }),
                );
                assert.deepStrictEqual(workerMachines(life), []);
                const info = await life.operator.mustDocker([
                    "info",
                    "--format",
                    "{{.Swarm.LocalNodeState}} {{.LiveRestoreEnabled}}",
                ]);
                assert.strictEqual(info.trim(), "inactive true");
            });

            it("grows into a swarm again: a fresh one, which the services still reach", async () => {
                config = { ...config, swarmWorkers: 2 };
                report(
                    "swarmWorkers 0 to 2 again",
                    await transition(life, "swarm-on-again", config, swarmOn(provisioner)),
                );
                assert.strictEqual(await readyWorkers(life), 2);
                const overlay = await life.operator.mustDocker([
                    "network",
                    "inspect",
                    "azure-docker-host-swarm",
                    "--format",
                    "{{range .Containers}}{{.Name}} {{end}}",
                ]);
                const attached = overlay.trim().split(" ");
                assert.ok(
                    ["mongodb", "redis", overlayAnchorName].every((name) => attached.includes(name)),
                    overlay,
                );
            });

            it("scales in while a remaining worker is down: it keeps its membership, only the removed one goes", async () => {
                config = { ...config, swarmWorkers: 3 };
                report(
                    "swarmWorkers 2 to 3",
                    await transition(life, "swarm-scale-out", config, {
                        update: [
                            "azure-native:compute:VirtualMachineScaleSet::docker-workers",
                            "pulumi-nodejs:dynamic/azure-docker-host:SwarmMembership::docker-membership",
                        ],
                    }),
                );
                assert.strictEqual(await readyWorkers(life, 3, 60_000), 3);
                const hostnames = async () =>
                    (await life.operator.mustDocker(["node", "ls", "--format", "{{.Hostname}}"]))
                        .trim()
                        .split("\n")
                        .sort();
                const before = await hostnames();
                // The oldest instance stays (scale-in removes the newest). It is cut off first, until the
                // manager has marked it down (its heartbeats fail), as a worker rebooting slowly or cut
                // off from the network is when the scale-in comes; it stays off through the up.
                const oldest = life.cloud.world
                    .ofType("stand-in:compute:VirtualMachineScaleSetInstance")
                    .sort((a, b) => String(a.outputs.timeCreated).localeCompare(String(b.outputs.timeCreated)))[0]!;
                const survivor = life.cloud.machines().find((machine) => machine.spec.name === oldest.outputs.name)!;
                await survivor.powerOff();
                await waitFor(async () => {
                    const nodes = await life.operator.mustDocker([
                        "node",
                        "ls",
                        "--format",
                        "{{.Hostname}} {{.Status}}",
                    ]);
                    return nodes.includes(`${survivor.spec.computerName} Down`);
                }, 120_000);
                config = { ...config, swarmWorkers: 2 };
                life.stack.writeConfig(config);
                await life.stack.up();
                const after = await hostnames();
                assert.ok(
                    after.includes(survivor.spec.computerName),
                    `the worker cut off was removed: ${after.join(" ")}`,
                );
                assert.strictEqual(after.length, before.length - 1, `${before.join(" ")} became ${after.join(" ")}`);
                await survivor.powerOn();
                assert.strictEqual(await readyWorkers(life, 2, 120_000), 2, "the worker is back, as the same node");
                await life.stack.must(["preview", "--expect-no-changes"]);
            });

            it("replaces the manager's VM while workers exist: it comes back as the same manager at the same address", async () => {
                const before = await swarmIdentity(life);
                config = { ...config, adminUsername: "operator" };
                report(
                    "manager VM replaced (adminUsername) with 2 workers",
                    await transition(life, "manager-replaced", config, {
                        replace: [vm, extension(provisioner)],
                        update: [
                            "azure-native:compute:VirtualMachineScaleSet::docker-workers",
                            gate,
                            "pulumi-nodejs:dynamic/azure-docker-host:SwarmManager::docker-manager",
                        ],
                    }),
                );
                assert.deepStrictEqual(await swarmIdentity(life), before);
                // Workers find the manager again at its address within their heartbeat's retries.
                assert.strictEqual(await readyWorkers(life, 2, 120_000), 2, "the workers reconnected");
            });

            it("turns backups off: the policy, instance and grants go; the vault and its group stay in Azure, out of the stack", async () => {
                const vaultId = (await life.stack.outputs()).backupVaultId as string;
                config = { ...config, backupRetentionDays: 0 };
                report(
                    "backups off",
                    await transition(life, "backups-off", config, { delete: [...backup.kept, ...backup.removed] }),
                );
                assert.ok(life.cloud.world.get(vaultId), "the vault, with its backups, stays in Azure");
                assert.deepStrictEqual(
                    life.cloud.world.ofType("azure-native:dataprotection:BackupInstance"),
                    [],
                    "the disk is no longer backed up",
                );
            });

            it("turns backups on again: a new vault in a new group, the disk protected anew", async () => {
                config = { ...config, backupRetentionDays: 7 };
                report(
                    "backups on again",
                    await transition(life, "backups-on", config, { create: [...backup.kept, ...backup.removed] }),
                );
            });

            it("moves to an NVMe-only size in place: Azure restarts the VM, the disk is found on the new controller", async () => {
                config = { ...config, vmSize: "Standard_D2ds_v6" };
                report("vmSize (SCSI to NVMe)", await transition(life, "vmSize", config, { update: [vm] }));
                const host = life.cloud.hostMachine()!;
                assert.strictEqual(host.spec.controller, "NVMe");
            });

            it("moves back to a SCSI size: the disk is found on the agent's SCSI names again", async () => {
                config = { ...config, vmSize: "Standard_B2s" };
                report("vmSize (NVMe to SCSI)", await transition(life, "vmSize-back", config, { update: [vm] }));
                assert.strictEqual(life.cloud.hostMachine()!.spec.controller, "SCSI");
            });

            it("raises the redis and mongodb image pins: both containers replaced, their data kept", async () => {
                // Both containers go before their replacements start: the anchor holds the overlay meanwhile.
                const anchorRun = () =>
                    life.operator.mustDocker([
                        "inspect",
                        "--format",
                        "{{.Id}} {{.State.StartedAt}}",
                        overlayAnchorName,
                    ]);
                const anchorBefore = await anchorRun();
                config = { ...config, redisImage: "redis:7.4.3-bookworm", mongodbBaseImage: "mongo:7.0.17-jammy" };
                report(
                    "image pins raised",
                    await transition(life, "image-pins", config, {
                        replace: [
                            "docker:index/container:Container::docker-mongodb",
                            "docker:index/container:Container::docker-redis",
                            "docker:index/remoteImage:RemoteImage::docker-redis-image",
                            "pulumi-nodejs:dynamic/azure-docker-host:ContainerPidsLimit::docker-mongodb-pids",
                            "pulumi-nodejs:dynamic/azure-docker-host:ContainerPidsLimit::docker-redis-pids",
                        ],
                        update: ["docker:index/image:Image::docker-mongodb-image", ...volumeFiles],
                    }),
                );
                const images = await life.operator.mustDocker(["exec", "redis", "cat", "/etc/stand-in-image"]);
                assert.strictEqual(images.trim(), "redis:7.4.3-bookworm");
                assert.strictEqual(await anchorRun(), anchorBefore, "the anchor ran on through the replacements");
            });

            it(
                "grows the data disk in place: Azure grows it, the file system follows, df shows it; a shrink is refused",
                growsTheDisk,
            );

            it("comes back from a reboot: the disk mounts before Docker, the same certificate, the containers restart", async () => {
                await life.markers.write("before-reboot");
                const watch = life.operator.watchHealth(() => life.cloud.hostMachine()?.adminSocket);
                const restarted = await life.operator.tool(["restart", "--stack", life.stack.name]);
                assert.strictEqual(restarted.status, 0, restarted.stderr);
                await life.operator.waitHealthy();
                const downtime = await watch.stop();
                report("host reboot (azure-docker-host restart)", { upSeconds: 0, downtimeSeconds: downtime });
                const journal = life.cloud.hostMachine()!.journal;
                const lastBoot = journal.slice(journal.map((line) => / boot: /.test(line)).lastIndexOf(true));
                const mounted = lastBoot.findIndex((line) => /mounted LABEL=docker-data/.test(line));
                const started = lastBoot.findIndex((line) => /systemctl start docker.service: started/.test(line));
                assert.ok(mounted >= 0 && started > mounted, lastBoot.join("\n"));
                // Then systemd runs the daemon's start hook, from the VM's own disk.
                const hook = lastBoot.findIndex((line) =>
                    line.includes(`ExecStartPost ${startLeftContainersPath} exited 0`),
                );
                assert.ok(hook > started, lastBoot.join("\n"));
                // The gate's refresh asks the daemon which certificate it serves: still the issued one.
                await life.stack.must(["refresh", "--yes", "--expect-no-changes", "--skip-preview"]);
                assert.deepStrictEqual(await life.markers.missing(), []);
                // The swarm's anchor is a container on the overlay like the services, and comes back as they do.
                const anchor = await life.operator.mustDocker([
                    "inspect",
                    "--format",
                    "{{.State.Status}}",
                    overlayAnchorName,
                ]);
                assert.strictEqual(anchor.trim(), "running");
            });

            it("converges after Docker restarts in the middle of an up that writes a volume file", async () => {
                await life.markers.write("before-daemon-restart");
                config = { ...config, redisMemoryMb: 320 };
                life.stack.writeConfig(config);
                let restarted = false;
                const interrupted = await life.stack.pulumi(["up", "--yes", "--skip-preview"], {
                    onOutput: (printed) => {
                        if (!restarted && /VolumeFile docker-redis-secret-file updating/.test(printed)) {
                            restarted = true;
                            void life.cloud.hostMachine()!.serviceManager(["restart", "docker.service"]);
                        }
                    },
                });
                assert.ok(restarted, "the up wrote no volume file");
                console.log(`      the interrupted up exited ${interrupted.status}`);
                await life.stack.up();
                await life.stack.must(["preview", "--expect-no-changes"]);
                await life.operator.waitHealthy();
                const writers = await life.operator.mustDocker([
                    "ps",
                    "--all",
                    "--quiet",
                    "--filter",
                    "label=azure-docker-host.role=volume-writer",
                ]);
                assert.strictEqual(writers.trim(), "", "a writer container was left behind");
                const password = /^redis:\/\/:([^@]+)@/.exec(
                    String((await life.stack.outputs()).redisConnectionString),
                )![1]!;
                const maxmemory = await life.operator.mustDocker([
                    "exec",
                    "-e",
                    `REDISCLI_AUTH=${password}`,
                    "redis",
                    "redis-cli",
                    "CONFIG",
                    "GET",
                    "maxmemory",
                ]);
                assert.match(maxmemory, new RegExp(`^${Math.floor(320 * 0.75) * 1024 * 1024}$`, "m"));
                assert.deepStrictEqual(await life.markers.missing(), []);
            });

            it("sees drift made outside Pulumi on refresh, and repairs it on the next up", async () => {
                // A pids limit taken off, and redis.conf edited on the host.
                await life.operator.mustDocker(["update", "--pids-limit", "-1", "redis"]);
                await life.operator.mustDocker([
                    "run",
                    "--rm",
                    "--user",
                    "0",
                    "--entrypoint",
                    "sh",
                    "--volume",
                    "redis-config:/config",
                    "redis:7.4.3-bookworm",
                    "-c",
                    "echo '# edited by hand' >> /config/redis.conf",
                ]);
                await refreshSeesDrift(
                    life,
                    /ContainerPidsLimit docker-redis-pids/,
                    /VolumeFile docker-redis-secret-file/,
                );
                const repair = Object.values(operations((await life.stack.plan()).steps)).flat();
                // The file is written again; the preview cannot know its revision, so the container may
                // show as replaced, which the up then finds it need not be.
                for (const repaired of [
                    "ContainerPidsLimit::docker-redis-pids",
                    "VolumeFile::docker-redis-secret-file",
                ]) {
                    assert.ok(
                        repair.some((urn) => urn.endsWith(repaired)),
                        `${repaired} is not repaired: ${repair.join(", ")}`,
                    );
                }
                await life.stack.up();
                await life.stack.must(["preview", "--expect-no-changes"]);
                const limit = await life.operator.mustDocker([
                    "inspect",
                    "redis",
                    "--format",
                    "{{.HostConfig.PidsLimit}}",
                ]);
                assert.strictEqual(limit.trim(), "128");
                const conf = await life.operator.mustDocker([
                    "run",
                    "--rm",
                    "--user",
                    "0",
                    "--entrypoint",
                    "cat",
                    "--volume",
                    "redis-config:/config",
                    "redis:7.4.3-bookworm",
                    "/config/redis.conf",
                ]);
                assert.doesNotMatch(conf, /edited by hand/);
            });

            it("rejoins a worker removed from the swarm by hand: refresh shows it, the next up makes it join again", async () => {
                const membership = "pulumi-nodejs:dynamic/azure-docker-host:SwarmMembership::docker-membership";
                await life.markers.write("before-worker-removed");
                const [removedId, hostname] = (
                    await life.operator.mustDocker([
                        "node",
                        "ls",
                        "--filter",
                        "role=worker",
                        "--format",
                        "{{.ID}} {{.Hostname}}",
                    ])
                )
                    .trim()
                    .split("\n")[0]!
                    .split(" ") as [string, string];
                await life.operator.mustDocker(["node", "rm", "--force", removedId]);
                await refreshSeesDrift(life, /SwarmMembership docker-membership/);
                const rejoin = `azure-native:compute:VirtualMachineRunCommandByVirtualMachine::docker-rejoin-${hostname}`;
                assert.deepStrictEqual(operations((await life.stack.plan()).steps), {
                    create: [rejoin],
                    update: [membership],
                });
                const watch = life.operator.watchHealth(() => life.cloud.hostMachine()?.adminSocket);
                const up = await life.stack.up();
                report("worker removed by hand, rejoined", {
                    upSeconds: up.seconds,
                    downtimeSeconds: await watch.stop(),
                });
                const nodes = await life.operator.mustDocker([
                    "node",
                    "ls",
                    "--format",
                    "{{.ID}} {{.Hostname}} {{.Status}}",
                ]);
                assert.match(nodes, new RegExp(`^\\S+ ${hostname} Ready$`, "m"), nodes);
                assert.doesNotMatch(nodes, new RegExp(`^${removedId} `, "m"), "the removed identity came back");
                assert.strictEqual(await readyWorkers(life), 2);
                // The finished command goes with the next update, after which nothing is left to change.
                assert.deepStrictEqual(operations((await life.stack.plan()).steps), {
                    delete: [rejoin],
                    update: [membership],
                });
                await life.stack.up();
                await life.stack.must(["preview", "--expect-no-changes"]);
                assert.deepStrictEqual(await life.markers.missing(), []);
            });

            it("restores the data disk from a snapshot, as the README says: disk and VM replaced, data as it was", async () => {
                const outputs = await life.stack.outputs();
                const diskId = outputs.dataDiskId as string;
                const backupGroup = (outputs.backupVaultId as string).split("/")[4]!;
                await life.markers.write("in-the-snapshot");
                const checkpoint = life.markers.checkpoint();
                const source = await life.cloud.snapshot(backupGroup, "restore-point", diskId);
                await life.markers.write("after-the-snapshot");
                // a. An undo point; b. the source; c. the disk unprotected; d. the plan, then up.
                await life.cloud.snapshot(backupGroup, "before-restore", diskId);
                config = { ...config, dataDiskSource: source };
                life.stack.writeConfig(config);
                await life.stack.must([
                    "state",
                    "unprotect",
                    await life.stack.urnOf("azure-native:compute:Disk", "docker-data"),
                    "--yes",
                ]);
                const planned = operations((await life.stack.plan()).steps);
                assert.ok(planned.replace?.includes(dataDisk) && planned.replace.includes(vm), JSON.stringify(planned));
                await life.stack.up();
                await life.stack.must(["preview", "--expect-no-changes"]);
                await life.operator.loadDockerEnv();
                await life.operator.waitHealthy();
                // Whether dockerd's own start of the restored containers lost its race this time.
                const started = life.cloud
                    .hostMachine()!
                    .journal.filter((line) => line.includes("left exited by the daemon's restart"));
                console.log(`      the start hook started: ${started.length > 0 ? started.join("; ") : "nothing"}`);
                const lost = life.markers.rollBackTo(checkpoint);
                assert.strictEqual(lost.length, 1);
                assert.deepStrictEqual(await life.markers.missing(), [], "the snapshot's data came back");
                const restoredDisk = (await life.stack.outputs()).dataDiskId as string;
                assert.notStrictEqual(restoredDisk, diskId);
                const disk = (await life.stack.resources()).find((resource) => resource.id === restoredDisk);
                assert.ok(disk && (disk as { protect?: boolean }).protect, "the new disk is protected again");
            });
        }

        it("destroys: pulumi destroy stops at the protected disk, and after the README's steps nothing is left", async () => {
            // As the README writes it: the preview runs first, and stops there.
            const stopped = await life.stack.pulumi(["destroy", "--yes"]);
            assert.notStrictEqual(stopped.status, 0);
            assert.match(
                stopped.stdout + stopped.stderr,
                /Disk::docker-data\\?"? cannot be deleted\s+because it is protected/,
            );
            // (With --skip-preview the engine would delete all it can first, and stop only at the disk.)
            assert.strictEqual(
                life.cloud.world.ofType("azure-native:compute:VirtualMachine").length,
                1,
                "something went",
            );
            await life.stack.must(["state", "unprotect", "--all", "--yes"]);
            await life.stack.must(["destroy", "--yes", "--skip-preview"]);
            await life.stack.must(["stack", "rm", "--yes"]);
            assert.deepStrictEqual(life.cloud.leftovers(), { namespaces: [], daemons: [], loops: [], disks: [] });
            // What Pulumi never deletes: the backup vault and its group, with the snapshots in it.
            const left = life.cloud.world.all();
            const kinds = [...new Set(left.map((resource) => resource.type.split(":").pop()))].sort();
            assert.deepStrictEqual(
                kinds,
                provisioner === "cloud-init"
                    ? ["BackupVault", "ResourceGroup", "Snapshot"]
                    : ["BackupVault", "ResourceGroup"],
            );
            const stacks = await life.stack.pulumi(["stack", "ls", "--json"]);
            assert.deepStrictEqual(JSON.parse(stacks.stdout), []);
        });
    });
}
