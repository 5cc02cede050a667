import "../harness/mocks";
import * as assert from "assert";
import { decodeBase64, parseCloudConfig, scriptFiles } from "../harness/declaredInputs";
import { isSecretValue, RecordedResource, unwrapSecret } from "../harness/mocks";
import { ProgramRun, runProgram, validConfig } from "../harness/program";
import { lostUrns } from "../harness/urns";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { joinScript, joinTokenVariable } from "../../components/swarm/joinScript";
import { unjoinedInstances } from "../../components/swarm/rejoin";
import { containerGaps } from "../../policy/policies/containerHardened";

const scaleSetType = "azure-native:compute:VirtualMachineScaleSet";
const managerType = "pulumi-nodejs:dynamic/azure-docker-host:SwarmManager";
const nsgType = "azure-native:network:NetworkSecurityGroup";

const withWorkers = (workers: number, overrides: Record<string, string> = {}) =>
    runProgram(validConfig({ swarmWorkers: String(workers), ...overrides }));
const rulesOf = (run: ProgramRun) =>
    unwrapSecret<Record<string, unknown>[]>(run.one(nsgType, "docker-nsg").inputs.securityRules);
const plain = (resource: RecordedResource) =>
    JSON.stringify(resource.inputs, (_key, value: unknown) => (isSecretValue(value) ? unwrapSecret(value) : value));

describe("swarm mode", () => {
    let single: ProgramRun;
    let three: ProgramRun;
    before(async () => {
        single = await withWorkers(0);
        three = await withWorkers(3);
    });

    it("is nothing at all with 0 workers: no swarm resource, and every recorded URN as it was", async () => {
        // SwarmLeave is the host's, on every stack: it makes the host leave a swarm turned off.
        assert.deepStrictEqual(
            single.resources.filter(
                (resource) =>
                    /Swarm|ScaleSet|NatGateway|overlay|nat-ip/.test(`${resource.type} ${resource.name}`) &&
                    !resource.type.endsWith(":SwarmLeave"),
            ),
            [],
        );
        const recorded = fs
            .readFileSync(path.join(__dirname, "..", "fixtures", "urns", "docker-extension.txt"), "utf8")
            .split("\n")
            .filter(Boolean);
        assert.deepStrictEqual(lostUrns(recorded, single.resources), []);
        assert.strictEqual(await single.output("swarmWorkers"), 0);
        assert.strictEqual(await single.output("swarmManagerAddress"), undefined);
    });

    it("grows the capacity, not the graph: 3 and 50 workers declare the same resources", async () => {
        const fifty = await withWorkers(50);
        const shape = (run: ProgramRun) => run.resources.map((resource) => `${resource.type}::${resource.name}`).sort();
        assert.deepStrictEqual(shape(fifty), shape(three));
        assert.deepStrictEqual(
            [three, fifty].map(
                (run) => (run.one(scaleSetType, "docker-workers").inputs.sku as { capacity: number }).capacity,
            ),
            [3, 50],
        );
    });

    it("leaves the VM, its data disk and its boot config alone when a stack turns the swarm on", () => {
        for (const name of ["docker-vm", "docker-data", "docker-nic"]) {
            const before = single.resources.find((resource) => resource.name === name)!;
            const after = three.one(before.type, name);
            assert.strictEqual(plain(after), plain(before), `${name} would change`);
        }
        // What does change, in place: the daemon's settings (no live-restore: swarm mode refuses it).
        const options = (run: ProgramRun) =>
            (
                run.one("azure-native:compute:VirtualMachineExtension", "docker-provisioning-extension").inputs
                    .settings as any
            ).docker.options as string[];
        assert.ok(options(single).includes("--live-restore"));
        assert.ok(!options(three).includes("--live-restore"));
    });

    it("turns live-restore off on the cloud-init path too, through the daemon script", async () => {
        const run = await withWorkers(2, { provisioner: "cloud-init" });
        const script = decodeBase64(
            unwrapSecret<{ script: string }>(
                run.one("azure-native:compute:VirtualMachineExtension", "docker-provisioning-certificates").inputs
                    .protectedSettings,
            ).script,
        );
        const daemonJson = JSON.parse(
            scriptFiles(script).find((file) => file.path === "/etc/docker/daemon.json")!.content,
        );
        assert.strictEqual(daemonJson["live-restore"], false);
    });

    it("initialises the host as manager over mutual TLS, advertising its private IP, and keeps the tokens secret", () => {
        const manager = three.one(managerType, "docker-manager");
        assert.strictEqual(manager.inputs.advertiseAddress, "10.20.1.4");
        assert.strictEqual(manager.inputs.defaultAddressPool, "10.255.0.0/16");
        assert.ok(isSecretValue(manager.inputs.clientKeyPem));
        for (const output of ["clientKeyPem", "workerToken", "managerToken"]) {
            assert.ok(manager.options.additionalSecretOutputs.includes(output), output);
        }
        assert.match(String(manager.inputs.host), /cloudapp\.azure\.com$/);
    });

    it("boots every worker as the host boots: SSH key only, Trusted Launch, boot diagnostics, its OS disk going with it", () => {
        const host = three.one("azure-native:compute:VirtualMachine", "docker-vm").inputs as any;
        const worker = unwrapSecret<any>(
            (three.one(scaleSetType, "docker-workers").inputs as any).virtualMachineProfile,
        );
        assert.deepStrictEqual(
            [worker.securityProfile, worker.diagnosticsProfile, worker.storageProfile.osDisk],
            [host.securityProfile, host.diagnosticsProfile, host.storageProfile.osDisk],
        );
        assert.deepStrictEqual(worker.osProfile.linuxConfiguration.ssh, host.osProfile.linuxConfiguration.ssh);
        assert.strictEqual(worker.osProfile.linuxConfiguration.disablePasswordAuthentication, true);
        assert.strictEqual(worker.osProfile.adminUsername, host.osProfile.adminUsername);
    });

    it("runs the workers in one Flexible scale set, joined by a CustomScript whose token is in protected settings only", () => {
        const scaleSet = three.one(scaleSetType, "docker-workers").inputs as any;
        assert.strictEqual(scaleSet.orchestrationMode, "Flexible");
        // A secret anywhere inside makes the whole profile secret on the wire.
        assert.ok(isSecretValue(scaleSet.virtualMachineProfile));
        const profile = unwrapSecret<any>(scaleSet.virtualMachineProfile);
        assert.deepStrictEqual(profile.storageProfile.imageReference.offer, "ubuntu-24_04-lts");
        assert.strictEqual(
            profile.networkProfile.networkInterfaceConfigurations[0].ipConfigurations[0].publicIPAddressConfiguration,
            undefined,
        );
        assert.strictEqual(profile.scheduledEventsProfile.terminateNotificationProfile.enable, true);
        const [extension] = profile.extensionProfile.extensions;
        assert.deepStrictEqual(
            [extension.type, extension.typeHandlerVersion, extension.settings],
            ["CustomScript", "2.1", undefined],
        );
        const script = decodeBase64(unwrapSecret<{ script: string }>(extension.protectedSettings).script);
        assert.match(script, /manager='10\.20\.1\.4:2377'/);
        assert.match(script, /"JoinToken": "SWMTKN-1-/);
        // The workers' boot config holds no secret, and no TCP port for Docker.
        const userData = decodeBase64(profile.osProfile.customData);
        assert.doesNotMatch(userData, /SWMTKN|PRIVATE KEY|BEGIN/);
        const config = parseCloudConfig(userData);
        const daemon = JSON.parse(
            config.write_files.find((file: any) => file.path === "/etc/docker/daemon.json").content,
        );
        assert.strictEqual(daemon.hosts, undefined);
        assert.strictEqual(daemon.tls, undefined);
        assert.strictEqual(daemon["live-restore"], false);
        assert.strictEqual(config.bootcmd, undefined, "workers have no data disk to prepare");
    });

    it("opens exactly the swarm's ports within the virtual network, before the final deny", () => {
        const rules = rulesOf(three);
        assert.deepStrictEqual(
            rules.map((rule) => [
                rule.name,
                rule.priority,
                rule.protocol,
                rule.destinationPortRange,
                rule.sourceAddressPrefix ?? rule.sourceAddressPrefixes,
            ]),
            [
                ["allow-ssh", 100, "Tcp", "22", ["198.51.100.0/24", "203.0.113.7/32"]],
                ["allow-docker-tls", 110, "Tcp", "2376", ["198.51.100.0/24", "203.0.113.7/32"]],
                ["allow-swarm-management", 200, "Tcp", "2377", "10.20.0.0/16"],
                ["allow-swarm-gossip-tcp", 210, "Tcp", "7946", "10.20.0.0/16"],
                ["allow-swarm-gossip-udp", 220, "Udp", "7946", "10.20.0.0/16"],
                ["allow-swarm-overlay", 230, "Udp", "4789", "10.20.0.0/16"],
                ["allow-swarm-esp", 240, "Esp", "*", "10.20.0.0/16"],
                ["deny-all-inbound", 4096, "*", "*", "*"],
            ],
        );
        assert.deepStrictEqual(
            rulesOf(single).map((rule) => rule.name),
            ["allow-ssh", "allow-docker-tls", "deny-all-inbound"],
        );
    });

    it("gives the workers outbound through a NAT gateway on the subnet", () => {
        const nat = three.one("azure-native:network:NatGateway", "docker-nat");
        assert.deepStrictEqual(nat.inputs.sku, { name: "Standard" });
        const subnet = three.one("azure-native:network:Subnet", "docker-subnet");
        assert.deepStrictEqual(subnet.inputs.natGateway, { id: nat.id });
        assert.strictEqual(subnet.inputs.defaultOutboundAccess, false);
    });

    it("attaches the services to an encrypted, attachable overlay made once the swarm is up", async () => {
        const overlay = three.one("docker:index/network:Network", "docker-overlay");
        assert.deepStrictEqual(
            [overlay.inputs.driver, overlay.inputs.attachable, overlay.inputs.options],
            ["overlay", true, { encrypted: "" }],
        );
        assert.ok(overlay.options.dependencies.some((urn) => urn.endsWith("SwarmManager::docker-manager")));
        for (const name of ["docker-redis", "docker-mongodb"]) {
            assert.deepStrictEqual(
                (three.one("docker:index/container:Container", name).inputs.networksAdvanced as { name: string }[]).map(
                    (network) => network.name,
                ),
                ["azure-docker-host", "azure-docker-host-swarm"],
            );
        }
        assert.strictEqual(await three.output("swarmManagerAddress"), "10.20.1.4:2377");
        assert.strictEqual(await three.output("swarmWorkers"), 3);
    });

    it("keeps an anchor on the overlay that no change of the services' settings replaces", async () => {
        const anchor = three.one("docker:index/container:Container", "docker-overlay-anchor");
        assert.deepStrictEqual(anchor.inputs.networksAdvanced, [{ name: "azure-docker-host-swarm" }]);
        assert.deepStrictEqual(containerGaps(anchor.inputs), [], "hardened as the services are");
        const limit = three.one(
            "pulumi-nodejs:dynamic/azure-docker-host:ContainerPidsLimit",
            "docker-overlay-anchor-pids",
        );
        assert.strictEqual(limit.inputs.containerId, "docker-overlay-anchor-id");
        // Everything a user may change about the services at once, and the anchor is the same.
        const changed = await withWorkers(3, {
            redisImage: "redis:7.4.3-bookworm",
            mongodbBaseImage: "mongo:7.0.17-jammy",
            redisMemoryMb: "512",
            mongodbPublish: "none",
            mongodbEnabled: "false",
        });
        for (const [type, name] of [
            ["docker:index/container:Container", "docker-overlay-anchor"],
            ["docker:index/remoteImage:RemoteImage", "docker-overlay-anchor-image"],
        ] as const) {
            assert.strictEqual(plain(changed.one(type, name)), plain(three.one(type, name)), name);
        }
    });

    it("reconciles membership after every change of the scale set", () => {
        const membership = three.one("pulumi-nodejs:dynamic/azure-docker-host:SwarmMembership", "docker-membership");
        assert.strictEqual(membership.inputs.workers, 3);
        assert.ok(
            membership.options.dependencies.some((urn) => urn.endsWith("VirtualMachineScaleSet::docker-workers")),
        );
        // What it may prune is what the scale set no longer has: its instances, read from Azure.
        assert.deepStrictEqual(membership.inputs.instances, []);
    });
});

describe("a worker the swarm no longer lists", () => {
    const instance = (computerName: string) => ({ vmName: `docker-workers_${computerName}`, computerName });
    const node = (hostname: string, state = "ready") => ({
        id: hostname,
        hostname,
        role: "worker",
        state,
        availability: "active",
    });

    it("is an instance of the scale set without a node of that host name; a worker only down is still listed", () => {
        const instances = [instance("w-aaaaaa"), instance("w-bbbbbb"), instance("w-cccccc")];
        const nodes = [node("W-AAAAAA"), node("w-cccccc", "down"), node("manager")];
        assert.deepStrictEqual(unjoinedInstances(instances, nodes), [instance("w-bbbbbb")]);
        assert.deepStrictEqual(unjoinedInstances([], nodes), []);
    });

    it("is made to join with a script that holds no token and refuses to run without a well-formed one", () => {
        const script = joinScript("10.20.1.4:2377", { leaveFirst: true });
        assert.doesNotMatch(script, /SWMTKN/);
        for (const token of [undefined, "", "SWMTKN-1-abc; rm -rf /", 'SWMTKN-1-abc"}']) {
            const run = spawnSync("sh", ["-c", script], {
                env: { PATH: process.env.PATH, ...(token === undefined ? {} : { [joinTokenVariable]: token }) },
                encoding: "utf8",
            });
            assert.strictEqual(run.status, 2, `${JSON.stringify(token)}: ${run.stderr}`);
            assert.match(run.stderr, new RegExp(`${joinTokenVariable} must hold the swarm's join token`));
        }
    });
});
