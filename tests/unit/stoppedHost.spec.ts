import "../harness/mocks";
import * as assert from "assert";
import * as https from "https";
import * as net from "net";
import * as tls from "tls";
import { readinessGateProvider } from "../../components/host/readinessGateProvider";
import { containerPidsLimitProvider } from "../../components/services/containerPidsLimitProvider";
import { volumeFileProvider } from "../../components/services/volumeFileProvider";
import { swarmManagerProvider } from "../../components/swarm/managerProvider";
import { swarmMembershipProvider } from "../../components/swarm/membershipProvider";
import { armStandIn, runProgram, validConfig } from "../harness/program";

const gateType = "pulumi-nodejs:dynamic/azure-docker-host:DockerReadinessGate";

/** Fails any attempt to open a connection while `body` runs. */
async function withoutDialling<T>(body: () => Promise<T>): Promise<T> {
    const originals = { request: https.request, connect: tls.connect, netConnect: net.connect };
    const refuse = () => {
        throw new Error("dialled a daemon");
    };
    Object.assign(https, { request: refuse });
    Object.assign(tls, { connect: refuse });
    Object.assign(net, { connect: refuse, createConnection: refuse });
    try {
        return await body();
    } finally {
        Object.assign(https, { request: originals.request });
        Object.assign(tls, { connect: originals.connect });
        Object.assign(net, { connect: originals.netConnect, createConnection: originals.netConnect });
    }
}

describe("a deallocated VM", function () {
    this.timeout(60_000);

    it("turns off the docker provider's daemon check, so previews never need the daemon", async () => {
        const run = await runProgram(validConfig());
        assert.strictEqual(run.one("pulumi:providers:docker", "docker-docker").inputs.disableDockerDaemonCheck, "true");
    });

    it("is never dialled by the dynamic providers' diffs, changed or not", async () => {
        const dial = { host: "192.0.2.1", port: 2376, caCertPem: "ca", clientCertPem: "cert", clientKeyPem: "key" };
        const providers: [string, { diff?: (id: string, olds: any, news: any) => Promise<unknown> }, any][] = [
            [
                "readiness gate",
                readinessGateProvider,
                { ...dial, serverCertPem: "s", timeoutSeconds: 900, revision: "r" },
            ],
            ["pids limit", containerPidsLimitProvider, { ...dial, containerId: "c", pidsLimit: 256 }],
            [
                "volume file",
                volumeFileProvider,
                { ...dial, volume: "v", image: "i", fileName: "f", content: "x", uid: 999, gid: 999, mode: 256 },
            ],
            [
                "swarm manager",
                swarmManagerProvider,
                { ...dial, advertiseAddress: "10.20.1.4", defaultAddressPool: "10.128.0.0/16", revision: "r" },
            ],
            ["swarm membership", swarmMembershipProvider, { ...dial, workers: 3, scaleSetRevision: "r" }],
        ];
        // The trap is real: a create, which must reach the daemon, trips it.
        const [, pids, pidsInputs] = providers[1]!;
        await assert.rejects(
            withoutDialling(() => (pids as typeof containerPidsLimitProvider).create!(pidsInputs)),
            /dialled a daemon/,
        );
        for (const [name, provider, inputs] of providers) {
            await withoutDialling(async () => {
                await provider.diff!("id", inputs, inputs);
                await provider.diff!("id", inputs, {
                    ...inputs,
                    revision: "changed",
                    pidsLimit: 512,
                    content: "y",
                    workers: 2,
                    scaleSetRevision: "s",
                });
            }).catch((error: Error) => assert.fail(`${name}: ${error.message}`));
        }
    });

    it("is found by the preflight, which warns, and the gate fails at once with the command to run", async () => {
        const vmId =
            "/subscriptions/00000000-0000-4000-8000-000000000042/resourceGroups/docker-rg1/providers/Microsoft.Compute/virtualMachines/docker-vm1";
        const run = await runProgram(validConfig({ provisioner: "cloud-init" }), {
            previousOutputs: { provisioner: "cloud-init", vmId, dockerHost: "tcp://x:2376" },
            arm: (standIn) => standIn.powerStates.set(vmId.toLowerCase(), "deallocated"),
        });
        const hint = "the VM is deallocated: run `azure-docker-host start --stack dev`";
        assert.ok(
            run.messages.some((message) =>
                message.includes(`${hint}. A preview works; a change that must reach Docker fails`),
            ),
            run.messages.join("\n"),
        );
        const gate = run.one(gateType, "docker-ready").inputs;
        assert.strictEqual(gate.stoppedHint, hint);
        const started = Date.now();
        await assert.rejects(readinessGateProvider.create!(gate as any), new RegExp(hint.replace(/[`.]/g, "\\$&")));
        assert.ok(Date.now() - started < 1_000, "the gate waited for a daemon that cannot answer");
    });

    it("leaves a running VM's gate as it was", async () => {
        const vmId =
            "/subscriptions/00000000-0000-4000-8000-000000000042/resourceGroups/docker-rg1/providers/Microsoft.Compute/virtualMachines/docker-vm1";
        const run = await runProgram(validConfig({ provisioner: "cloud-init" }), {
            previousOutputs: { provisioner: "cloud-init", vmId, dockerHost: "tcp://x:2376" },
            arm: (standIn) => standIn.powerStates.set(vmId.toLowerCase(), "running"),
        });
        assert.ok(!("stoppedHint" in run.one(gateType, "docker-ready").inputs));
        assert.ok((await armStandIn()).requests.some((request) => request.path.endsWith("/instanceView")));
    });
});

describe("auto-shutdown", function () {
    this.timeout(60_000);
    const scheduleType = "azure-native:devtestlab:GlobalSchedule";

    it("is off by default", async () => {
        assert.deepStrictEqual((await runProgram(validConfig())).ofType(scheduleType), []);
    });

    it("deallocates the VM daily through Azure's DevTest Labs schedule, named as Azure finds it", async () => {
        const run = await runProgram(
            validConfig({ autoShutdownTime: "19:30", autoShutdownTimeZone: "W. Europe Standard Time" }),
        );
        const [schedule] = run.ofType(scheduleType);
        const vm = run.one("azure-native:compute:VirtualMachine", "docker-vm");
        assert.deepStrictEqual(
            {
                name: schedule!.inputs.name,
                status: schedule!.inputs.status,
                taskType: schedule!.inputs.taskType,
                time: schedule!.inputs.dailyRecurrence,
                zone: schedule!.inputs.timeZoneId,
                target: schedule!.inputs.targetResourceId,
                group: schedule!.inputs.resourceGroupName,
            },
            {
                name: `shutdown-computevm-${vm.outputs.name}`,
                status: "Enabled",
                taskType: "ComputeVmShutdownTask",
                time: { time: "1930" },
                zone: "W. Europe Standard Time",
                target: vm.id,
                group: vm.inputs.resourceGroupName,
            },
        );
    });
});
