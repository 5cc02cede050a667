import "../harness/mocks";
import * as assert from "assert";
import { isSecretValue, mocks, unwrapSecret } from "../harness/mocks";
import { fakePem } from "../harness/plausibleState";
import { ProgramRun, runProgram, validConfig } from "../harness/program";
import { decodeBase64, parseCloudConfig } from "../harness/declaredInputs";

const vmType = "azure-native:compute:VirtualMachine";
const extensionType = "azure-native:compute:VirtualMachineExtension";
const gateType = "pulumi-nodejs:dynamic/azure-docker-host:DockerReadinessGate";

const userDataOf = (run: ProgramRun) => decodeBase64((run.one(vmType, "docker-vm").inputs.osProfile as any).customData);
const serverKeyPem = fakePem("PRIVATE KEY", "docker-server-key");

describe("DockerHost component", () => {
    describe("common to both provisioners", () => {
        let run: ProgramRun;
        before(async () => {
            run = await runProgram(
                validConfig({ dataDiskSizeGb: "128", vmSize: "Standard_D2s_v5", adminUsername: "ops" }),
            );
        });

        it("attaches a NIC in the subnet with the public IP", () => {
            const [config] = run.one("azure-native:network:NetworkInterface", "docker-nic").inputs
                .ipConfigurations as any[];
            assert.match(config.subnet.id, /^docker-subnet/);
            assert.match(config.publicIPAddress.id, /^docker-ip/);
        });

        it("keeps Docker's data on a protected managed disk that the VM detaches rather than deletes", () => {
            const disk = run.one("azure-native:compute:Disk", "docker-data");
            assert.strictEqual(disk.options.protect, true);
            assert.strictEqual(disk.inputs.diskSizeGB, 128);
            assert.deepStrictEqual(disk.inputs.creationData, { createOption: "Empty" });
            const { dataDisks, osDisk } = run.one(vmType, "docker-vm").inputs.storageProfile as any;
            assert.deepStrictEqual(dataDisks, [
                {
                    lun: 0,
                    createOption: "Attach",
                    caching: "None",
                    managedDisk: { id: "docker-data-id" },
                    deleteOption: "Detach",
                },
            ]);
            assert.strictEqual(osDisk.deleteOption, "Delete");
        });

        it("logs in with an SSH key only", () => {
            const { osProfile } = run.one(vmType, "docker-vm").inputs as any;
            assert.strictEqual(osProfile.adminUsername, "ops");
            assert.strictEqual(osProfile.adminPassword, undefined);
            assert.strictEqual(osProfile.linuxConfiguration.disablePasswordAuthentication, true);
            assert.deepStrictEqual(
                osProfile.linuxConfiguration.ssh.publicKeys.map((key: any) => key.path),
                ["/home/ops/.ssh/authorized_keys"],
            );
            assert.match(osProfile.linuxConfiguration.ssh.publicKeys[0].keyData, /^ssh-rsa \S+$/);
        });

        it("turns on boot diagnostics, platform patching and Trusted Launch", () => {
            const inputs = run.one(vmType, "docker-vm").inputs as any;
            assert.deepStrictEqual(inputs.diagnosticsProfile, { bootDiagnostics: { enabled: true } });
            assert.strictEqual(inputs.osProfile.linuxConfiguration.patchSettings.patchMode, "AutomaticByPlatform");
            assert.strictEqual(inputs.securityProfile.securityType, "TrustedLaunch");
            assert.strictEqual(inputs.hardwareProfile.vmSize, "Standard_D2s_v5");
        });

        it("replaces the VM (old one first) when customData changes, since Azure cannot update it", () => {
            const vm = run.one(vmType, "docker-vm");
            assert.ok(vm.options.replaceOnChanges.includes("osProfile.customData"));
            assert.strictEqual(vm.options.deleteBeforeReplace, true);
        });

        it("boots with user data that holds no certificate or key", () => {
            const userData = userDataOf(run);
            assert.match(userData, /^#cloud-config\n/);
            assert.doesNotMatch(userData, /BEGIN|PRIVATE|LS0tLS1CRUdJTi/);
            assert.ok(!userData.includes(Buffer.from("mock private key").toString("base64").slice(0, 12)));
        });

        it("prepares the data disk in a bootcmd and mounts it by label, leaving the temporary disk to Azure's defaults", () => {
            const config = parseCloudConfig(userDataOf(run));
            // A user fs_setup list would replace the Azure datasource's entry for ephemeral0.1.
            assert.strictEqual(config.fs_setup, undefined);
            assert.strictEqual(config.disk_setup, undefined);
            assert.deepStrictEqual(
                config.bootcmd.map((command: string[]) => [command[0], command[1], command[3]]),
                [["sh", "-c", "prepare-data-disk"]],
            );
            assert.deepStrictEqual(config.mounts, [
                ["LABEL=docker-data", "/var/lib/docker", "ext4", "defaults,nofail,discard", "0", "2"],
            ]);
        });

        it("pins Docker's classic image store, so images and layers stay on the data disk", async () => {
            for (const provisioner of ["docker-extension", "cloud-init"]) {
                const config = parseCloudConfig(userDataOf(await runProgram(validConfig({ provisioner }))));
                const daemonJson = config.write_files.find((file: any) => file.path === "/etc/docker/daemon.json");
                assert.deepStrictEqual(
                    JSON.parse(daemonJson.content).features,
                    { "containerd-snapshotter": false },
                    provisioner,
                );
            }
        });

        it("gates the Docker host URL on the daemon answering over mutual TLS", () => {
            const gate = run.one(gateType, "docker-ready");
            assert.match(String(gate.inputs.host), /^dev-[0-9a-f]{6}\.eastasia\.cloudapp\.azure\.com$/);
            assert.strictEqual(gate.inputs.port, 2376);
            assert.strictEqual(gate.inputs.timeoutSeconds, 900);
            assert.ok(isSecretValue(gate.inputs.clientKeyPem));
            assert.ok(gate.options.additionalSecretOutputs.includes("clientKeyPem"));
            assert.ok(
                gate.options.dependencies.some((urn) =>
                    urn.endsWith("VirtualMachineExtension::docker-provisioning-extension"),
                ),
            );
            assert.match(String(gate.inputs.__provider), /\/_ping/);
        });

        it("exports the Docker host URL the gate reports, not one computed beside it", async () => {
            const gated = await runProgram(validConfig(), {
                prepare: () =>
                    mocks.overrideState(gateType, () => ({ dockerHost: "tcp://answered-by-the-gate.invalid:1" })),
            });
            assert.strictEqual(await gated.output("dockerHost"), "tcp://answered-by-the-gate.invalid:1");
        });

        it("exports how to reach the host", async () => {
            assert.strictEqual(await run.output("publicIp"), "20.205.10.20");
            assert.match(
                await run.output<string>("sshCommand"),
                /^ssh ops@dev-[0-9a-f]{6}\.eastasia\.cloudapp\.azure\.com$/,
            );
            assert.match(await run.output<string>("resourceGroupName"), /^docker-rg/);
            assert.match(await run.output<string>("caCertPem"), /BEGIN CERTIFICATE/);
        });
    });

    describe("with the docker-extension provisioner", () => {
        let run: ProgramRun;
        before(async () => {
            run = await runProgram(validConfig({ provisioner: "docker-extension" }));
        });

        it("runs Ubuntu 22.04 LTS", () => {
            const { imageReference } = run.one(vmType, "docker-vm").inputs.storageProfile as any;
            assert.deepStrictEqual(imageReference, {
                publisher: "Canonical",
                offer: "0001-com-ubuntu-server-jammy",
                sku: "22_04-lts-gen2",
                version: "latest",
            });
        });

        it("installs Azure's Docker extension with the port and hardened daemon options in public settings", () => {
            const extension = run.one(extensionType, "docker-provisioning-extension");
            assert.strictEqual(extension.inputs.publisher, "Microsoft.Azure.Extensions");
            assert.strictEqual(extension.inputs.type, "DockerExtension");
            // 1.1 writes `ExecStart=/usr/bin/docker daemon`, which current Docker cannot run.
            assert.strictEqual(extension.inputs.typeHandlerVersion, "1.2");
            const { docker } = extension.inputs.settings as any;
            assert.strictEqual(docker.port, "2376");
            for (const option of [
                "--live-restore",
                "--log-opt=max-size=10m",
                "--no-new-privileges",
                "--userland-proxy=false",
                "--icc=false",
            ]) {
                assert.ok(docker.options.includes(option), `missing ${option}`);
            }
            assert.doesNotMatch(JSON.stringify(extension.inputs.settings), /BEGIN|LS0tLS1CRUdJTi/);
        });

        it("labels the daemon with the certificates' revision, so a renewal changes the unit and restarts Docker", () => {
            const extension = run.one(extensionType, "docker-provisioning-extension");
            const labels = (extension.inputs.settings as any).docker.options.filter((option: string) =>
                option.startsWith("--label="),
            );
            assert.deepStrictEqual(labels, [
                `--label=azure-docker-host.certificate-revision=${extension.inputs.forceUpdateTag}`,
            ]);
        });

        it("delivers the CA, server certificate and server key base64 in secret protectedSettings", () => {
            const extension = run.one(extensionType, "docker-provisioning-extension");
            assert.ok(isSecretValue(extension.inputs.protectedSettings), "protectedSettings are not secret");
            const { certs } = unwrapSecret<any>(extension.inputs.protectedSettings);
            assert.strictEqual(decodeBase64(certs.ca), fakePem("CERTIFICATE", "docker-ca"));
            assert.strictEqual(decodeBase64(certs.cert), fakePem("CERTIFICATE", "docker-server-cert"));
            assert.strictEqual(decodeBase64(certs.key), serverKeyPem);
            assert.match(String(extension.inputs.forceUpdateTag), /^[0-9a-f]{16}$/);
        });

        it("writes a daemon.json with the image store alone, and a drop-in that leaves ExecStart to the handler", () => {
            // A setting given both as a flag and in daemon.json stops dockerd; the handler owns the flags.
            const config = parseCloudConfig(userDataOf(run));
            const files = Object.fromEntries(config.write_files.map((file: any) => [file.path, file.content]));
            assert.deepStrictEqual(Object.keys(JSON.parse(files["/etc/docker/daemon.json"])), ["features"]);
            assert.doesNotMatch(files["/etc/systemd/system/docker.service.d/10-azure-docker-host.conf"], /ExecStart/);
        });
    });

    describe("with the cloud-init provisioner", () => {
        let run: ProgramRun;
        before(async () => {
            run = await runProgram(validConfig({ provisioner: "cloud-init", dockerPort: "2377" }));
        });

        it("runs Ubuntu 24.04 LTS", () => {
            const { imageReference } = run.one(vmType, "docker-vm").inputs.storageProfile as any;
            assert.deepStrictEqual(imageReference, {
                publisher: "Canonical",
                offer: "ubuntu-24_04-lts",
                sku: "server",
                version: "latest",
            });
        });

        it("installs Docker from Ubuntu's archive with a TLS-only daemon.json and the -H fd:// conflict resolved", () => {
            const config = parseCloudConfig(userDataOf(run));
            assert.deepStrictEqual(config.packages, ["docker.io"]);
            const files = Object.fromEntries(config.write_files.map((file: any) => [file.path, file.content]));
            const daemon = JSON.parse(files["/etc/docker/daemon.json"]);
            assert.deepStrictEqual(daemon.hosts, ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2377"]);
            assert.strictEqual(daemon.tlsverify, true);
            assert.strictEqual(daemon["live-restore"], true);
            const dropIn = files["/etc/systemd/system/docker.service.d/10-azure-docker-host.conf"];
            // A bare name: systemd finds /usr/bin/dockerd (Ubuntu) and /usr/sbin/dockerd (Debian) alike.
            assert.match(dropIn, /^ExecStart=\nExecStart=dockerd --containerd=\S+$/m);
            assert.doesNotMatch(dropIn, / -H /);
        });

        it("delivers the certificates through a CustomScript whose script sits in secret protectedSettings", () => {
            assert.deepStrictEqual(
                run.ofType(extensionType).map((extension) => extension.name),
                ["docker-provisioning-certificates"],
            );
            const extension = run.one(extensionType, "docker-provisioning-certificates");
            assert.strictEqual(extension.inputs.publisher, "Microsoft.Azure.Extensions");
            assert.strictEqual(extension.inputs.type, "CustomScript");
            assert.strictEqual(extension.inputs.typeHandlerVersion, "2.1");
            assert.deepStrictEqual(extension.inputs.settings, {});
            assert.ok(isSecretValue(extension.inputs.protectedSettings));
            const script = decodeBase64(unwrapSecret<any>(extension.inputs.protectedSettings).script);
            assert.ok(script.includes(Buffer.from(serverKeyPem).toString("base64").slice(0, 40)));
            assert.match(
                script,
                /install -o root -g root -m 0400 "\$staging\/file2" '\/etc\/docker\/tls\/server-key.pem'/,
            );
        });
    });
});
