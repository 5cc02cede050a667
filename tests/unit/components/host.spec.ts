import "../../harness/mocks";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { dataDiskGrowthExtension, Provisioner, provisioners } from "../../../catalogue/provisioners";
import { DockerHost, DockerHostArgs } from "../../../components/host";
import {
    startLeftContainersDropInPath,
    startLeftContainersPath,
    startLeftContainersScript,
} from "../../../components/host/leftContainers";
import { provisionerTable } from "../../../components/host/provisioners";
import { ComponentRun, declareUnderMocks } from "../../harness/component";
import { decodeBase64, parseCloudConfig, scriptFiles } from "../../harness/declaredInputs";
import { isSecretValue, mocks, unwrapSecret } from "../../harness/mocks";
import { fakeClientBundle, fakeKeyPem, fakeServerBundle } from "../../harness/fakeTls";
import { resolve } from "../../harness/program";
import { opensshRsaPublicKey } from "../../harness/sshKeys";

const vmType = "azure-native:compute:VirtualMachine";
const extensionType = "azure-native:compute:VirtualMachineExtension";
const gateType = "pulumi-nodejs:dynamic/azure-docker-host:DockerReadinessGate";

const server = fakeServerBundle;
const client = fakeClientBundle;

function hostArgs(provisioner: Provisioner, overrides: Partial<DockerHostArgs> = {}): DockerHostArgs {
    return {
        provisioner,
        vmSize: "Standard_D2s_v5",
        computerName: "dev-docker",
        adminUsername: "ops",
        dockerPort: 2376,
        dataDiskSizeGb: 128,
        readinessTimeoutSeconds: 900,
        resourceGroupName: "docker-rg",
        location: "eastasia",
        subnetId: "subnet-id",
        publicIpId: "ip-id",
        fqdn: "dev.eastasia.cloudapp.azure.com",
        server,
        client,
        ...overrides,
    };
}

const declare = (provisioner: Provisioner, overrides: Partial<DockerHostArgs> = {}) =>
    declareUnderMocks(() => new DockerHost("docker", hostArgs(provisioner, overrides)));
const userDataOf = (run: ComponentRun<DockerHost>) =>
    decodeBase64((run.one(vmType, "docker-vm").inputs.osProfile as any).customData);
/** daemon.json as the VM gets it: from the user data (extension path) or the daemon script (cloud-init). */
function daemonJsonOf(run: ComponentRun<DockerHost>): string {
    const extension = run.ofType(extensionType)[0]!;
    const script = unwrapSecret<{ script?: string }>(extension.inputs.protectedSettings).script;
    const fromScript =
        script && scriptFiles(decodeBase64(script)).find((file) => file.path === "/etc/docker/daemon.json");
    return fromScript ? fromScript.content : (filesOf(run)["/etc/docker/daemon.json"] ?? "{}");
}
/** The extension that provisions Docker, as the provisioner's table names it. */
const provisioningExtensionOf = (run: ComponentRun<DockerHost>, provisioner: Provisioner) =>
    run
        .ofType(extensionType)
        .find(
            (extension) => extension.inputs.vmExtensionName === provisionerTable[provisioner].extension.vmExtensionName,
        )!;
/** The extension whose script grows the data disk's file system: the provisioning's own, or one of its own. */
const growthExtensionOf = (run: ComponentRun<DockerHost>, provisioner: Provisioner) =>
    provisionerTable[provisioner].dataDiskGrowth === "provisioning-script"
        ? provisioningExtensionOf(run, provisioner)
        : run
              .ofType(extensionType)
              .find((extension) => extension.inputs.vmExtensionName === dataDiskGrowthExtension.vmExtensionName)!;
function growthScriptOf(run: ComponentRun<DockerHost>, provisioner: Provisioner): string {
    const extension = growthExtensionOf(run, provisioner);
    const settings = extension.inputs.protectedSettings
        ? unwrapSecret<{ script?: string }>(extension.inputs.protectedSettings)
        : (extension.inputs.settings as { script?: string });
    return decodeBase64(settings.script ?? "");
}
const filesOf = (run: ComponentRun<DockerHost>): Record<string, string> =>
    Object.fromEntries(parseCloudConfig(userDataOf(run)).write_files.map((file: any) => [file.path, file.content]));

describe("DockerHost component", () => {
    for (const provisioner of provisioners) {
        describe(`with ${provisioner}`, () => {
            let run: ComponentRun<DockerHost>;
            before(async () => {
                run = await declare(provisioner);
            });

            it("attaches a NIC in the subnet with the public IP", () => {
                const [config] = run.one("azure-native:network:NetworkInterface", "docker-nic").inputs
                    .ipConfigurations as any[];
                assert.deepStrictEqual([config.subnet.id, config.publicIPAddress.id], ["subnet-id", "ip-id"]);
            });

            it("makes a new disk, not an update Azure refuses, when the disk's source changes (a restore)", () => {
                const disk = run.one("azure-native:compute:Disk", "docker-data");
                assert.deepStrictEqual(disk.options.replaceOnChanges, ["creationData"]);
                // The VM follows a new disk: it is replaced rather than have its disk swapped.
                assert.ok(
                    run
                        .one(vmType, "docker-vm")
                        .options.replaceOnChanges.includes("storageProfile.dataDisks[*].managedDisk.id"),
                );
            });

            it("keeps Docker's data on a protected, uncached managed disk that the VM detaches rather than deletes", () => {
                const disk = run.one("azure-native:compute:Disk", "docker-data");
                assert.strictEqual(disk.options.protect, true);
                assert.deepStrictEqual(
                    [disk.inputs.diskSizeGB, disk.inputs.creationData],
                    [128, { createOption: "Empty" }],
                );
                const { dataDisks, osDisk } = run.one(vmType, "docker-vm").inputs.storageProfile as any;
                assert.deepStrictEqual(dataDisks, [
                    {
                        lun: 0,
                        createOption: "Attach",
                        caching: "None",
                        managedDisk: { id: disk.id },
                        deleteOption: "Detach",
                    },
                ]);
                assert.strictEqual(osDisk.deleteOption, "Delete");
            });

            it("logs in with an SSH key only, generating an RSA 4096 pair when none is given", async () => {
                const { osProfile } = run.one(vmType, "docker-vm").inputs as any;
                assert.strictEqual(osProfile.adminPassword, undefined);
                assert.strictEqual(osProfile.linuxConfiguration.disablePasswordAuthentication, true);
                const [key] = osProfile.linuxConfiguration.ssh.publicKeys;
                assert.strictEqual(key.path, "/home/ops/.ssh/authorized_keys");
                assert.deepStrictEqual(run.one("tls:index/privateKey:PrivateKey", "docker-ssh-key").inputs, {
                    algorithm: "RSA",
                    rsaBits: 4096,
                });
                assert.ok(run.component.sshPrivateKey && (await pulumi.isSecret(run.component.sshPrivateKey)));
            });

            it("boots Trusted Launch with diagnostics and platform patching, and is rebuilt old-first when boot settings change", () => {
                const vm = run.one(vmType, "docker-vm");
                const inputs = vm.inputs as any;
                assert.strictEqual(inputs.securityProfile.securityType, "TrustedLaunch");
                assert.deepStrictEqual(inputs.diagnosticsProfile, { bootDiagnostics: { enabled: true } });
                assert.strictEqual(inputs.osProfile.linuxConfiguration.patchSettings.patchMode, "AutomaticByPlatform");
                assert.ok(vm.options.replaceOnChanges.includes("osProfile.customData"));
                assert.strictEqual(vm.options.deleteBeforeReplace, true);
            });

            it("boots with user data that holds no key, prepares the data disk in a bootcmd and mounts it by label", () => {
                const config = parseCloudConfig(userDataOf(run));
                assert.doesNotMatch(userDataOf(run), /PRIVATE KEY|BEGIN|LS0tLS1CRUdJTi/);
                // A user fs_setup list would replace the Azure datasource's entry for ephemeral0.1.
                assert.deepStrictEqual([config.fs_setup, config.disk_setup], [undefined, undefined]);
                assert.deepStrictEqual(
                    config.bootcmd.map((command: string[]) => command[3]),
                    ["prepare-data-disk"],
                );
                assert.deepStrictEqual(config.mounts, [
                    ["LABEL=docker-data", "/var/lib/docker", "ext4", "defaults,nofail,discard", "0", "2"],
                ]);
            });

            it("pins Docker's classic image store, so images and layers stay on the data disk", () => {
                assert.deepStrictEqual(JSON.parse(daemonJsonOf(run)).features, { "containerd-snapshotter": false });
            });

            it("delivers the server certificate in secret protected settings, and nothing secret in public ones", () => {
                const extension = provisioningExtensionOf(run, provisioner);
                assert.ok(isSecretValue(extension.inputs.protectedSettings));
                assert.ok(!isSecretValue(extension.inputs.settings), "public settings hide nothing and show in diffs");
                assert.doesNotMatch(JSON.stringify(extension.inputs.settings), /PRIVATE|LS0tLS1CRUdJTi/);
                assert.ok(JSON.stringify(unwrapSecret(extension.inputs.protectedSettings)).length > 100);
                assert.match(String(extension.inputs.forceUpdateTag), /^[0-9a-f]{16}(-\d+g)?$/);
                for (const other of run.ofType(extensionType).filter((declared) => declared !== extension)) {
                    assert.strictEqual(other.inputs.protectedSettings, undefined, String(other.inputs.vmExtensionName));
                }
            });

            it("runs the file system's growth again, after the provisioning, whenever the disk's size changes", async () => {
                const script = growthScriptOf(run, provisioner);
                assert.match(script, /resize2fs "\$data_disk"/);
                const grown = await declare(provisioner, { dataDiskSizeGb: 256 });
                const [before, after] = [run, grown].map((declared) =>
                    String(growthExtensionOf(declared, provisioner).inputs.forceUpdateTag),
                );
                assert.notStrictEqual(before, after);
                assert.strictEqual(
                    growthScriptOf(grown, provisioner),
                    script,
                    "the script itself reads the size from the disk",
                );
                const growth = growthExtensionOf(run, provisioner);
                if (growth !== provisioningExtensionOf(run, provisioner)) {
                    assert.ok(
                        growth.options.dependencies.includes(provisioningExtensionOf(run, provisioner).urn),
                        "grows only once Docker and the disk's mount are in place",
                    );
                }
            });

            it("installs, beside the daemon, the start hook that starts what Docker's own restart left exited", () => {
                const installed = Object.fromEntries(
                    scriptFiles(growthScriptOf(run, provisioner)).map((file) => [file.path, file.content]),
                );
                assert.strictEqual(installed[startLeftContainersPath], startLeftContainersScript());
                // systemd runs it after each start of docker.service; the `-` keeps its failure from failing Docker.
                assert.match(
                    installed[startLeftContainersDropInPath] ?? "",
                    new RegExp(`^\\[Service\\]\\nExecStartPost=-${startLeftContainersPath}$`, "m"),
                );
                assert.ok(
                    !Object.keys(filesOf(run)).includes(startLeftContainersDropInPath),
                    "not in customData, which Azure cannot change on a running VM",
                );
            });

            it("gates the endpoint on the daemon answering with exactly the issued certificate", async () => {
                const gate = run.one(gateType, "docker-ready");
                assert.deepStrictEqual(
                    [gate.inputs.host, gate.inputs.port, gate.inputs.timeoutSeconds],
                    ["dev.eastasia.cloudapp.azure.com", 2376, 900],
                );
                assert.strictEqual(gate.inputs.serverCertPem, server.certPem);
                assert.ok(isSecretValue(gate.inputs.clientKeyPem));
                assert.ok(gate.options.additionalSecretOutputs.includes("clientKeyPem"));
                assert.ok(
                    gate.options.dependencies.some((urn) =>
                        urn.includes("VirtualMachineExtension::docker-provisioning-"),
                    ),
                );
                assert.deepStrictEqual(await resolve(run.component.endpoint), {
                    host: "dev.eastasia.cloudapp.azure.com",
                    port: 2376,
                });
            });
        });
    }

    it("takes the endpoint from what the gate answered, not from its own args", async () => {
        const run = await declareUnderMocks(() => new DockerHost("docker", hostArgs("cloud-init")), {
            prepare: () => mocks.overrideState(gateType, () => ({ host: "answered-by-the-gate.invalid", port: 1 })),
        });
        assert.deepStrictEqual(await resolve(run.component.endpoint), {
            host: "answered-by-the-gate.invalid",
            port: 1,
        });
    });

    it("uses the operator's SSH key when given, and has no private key to export", async () => {
        const key = opensshRsaPublicKey(2048).split(" ").slice(0, 2).join(" ");
        const run = await declare("cloud-init", { sshPublicKey: key });
        assert.deepStrictEqual(run.ofType("tls:index/privateKey:PrivateKey"), []);
        assert.strictEqual(run.component.sshPrivateKey, undefined);
        assert.strictEqual(
            (run.one(vmType, "docker-vm").inputs.osProfile as any).linuxConfiguration.ssh.publicKeys[0].keyData,
            key,
        );
    });

    it("declares the NVMe disk controller only when asked to", async () => {
        const nvme = await declare("cloud-init", { diskControllerType: "NVMe" });
        assert.strictEqual((nvme.one(vmType, "docker-vm").inputs.storageProfile as any).diskControllerType, "NVMe");
    });

    describe("per provisioner, from the table", () => {
        it("docker-extension: Ubuntu 22.04, the Docker extension 1.2 with the port, hardening and the certificates' revision", async () => {
            const run = await declare("docker-extension");
            assert.deepStrictEqual((run.one(vmType, "docker-vm").inputs.storageProfile as any).imageReference, {
                publisher: "Canonical",
                offer: "0001-com-ubuntu-server-jammy",
                sku: "22_04-lts-gen2",
                version: "latest",
            });
            const extension = run.one(extensionType, "docker-provisioning-extension").inputs as any;
            // 1.1 writes `ExecStart=/usr/bin/docker daemon`, which current Docker cannot run.
            assert.deepStrictEqual([extension.type, extension.typeHandlerVersion], ["DockerExtension", "1.2"]);
            assert.strictEqual(extension.settings.docker.port, "2376");
            for (const option of ["--live-restore", "--no-new-privileges", "--userland-proxy=false", "--icc=false"]) {
                assert.ok(extension.settings.docker.options.includes(option), `missing ${option}`);
            }
            // The handler restarts Docker only when the command line changes: a renewal must change it.
            assert.ok(
                extension.settings.docker.options.includes(
                    `--label=azure-docker-host.certificate-revision=${extension.forceUpdateTag}`,
                ),
            );
            const { certs } = unwrapSecret<any>(extension.protectedSettings);
            assert.deepStrictEqual(
                [decodeBase64(certs.ca), decodeBase64(certs.cert), decodeBase64(certs.key)],
                [server.caCertPem, server.certPem, fakeKeyPem("server")],
            );
            // A setting given both as a flag and in daemon.json stops dockerd: the handler owns the flags.
            const files = filesOf(run);
            assert.deepStrictEqual(Object.keys(JSON.parse(files["/etc/docker/daemon.json"] ?? "{}")), ["features"]);
            assert.doesNotMatch(
                files["/etc/systemd/system/docker.service.d/10-azure-docker-host.conf"] ?? "",
                /ExecStart/,
            );
        });

        it("cloud-init: Ubuntu 24.04, docker.io with a TLS-only daemon.json, and the certificates by a CustomScript", async () => {
            const run = await declare("cloud-init", { dockerPort: 2377 });
            assert.deepStrictEqual((run.one(vmType, "docker-vm").inputs.storageProfile as any).imageReference, {
                publisher: "Canonical",
                offer: "ubuntu-24_04-lts",
                sku: "server",
                version: "latest",
            });
            assert.deepStrictEqual(parseCloudConfig(userDataOf(run)).packages, ["docker.io"]);
            const files = filesOf(run);
            // daemon.json comes with the extension, so a change reaches the VM in place.
            assert.strictEqual(files["/etc/docker/daemon.json"], undefined);
            const daemon = JSON.parse(daemonJsonOf(run));
            assert.deepStrictEqual(daemon.hosts, ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2377"]);
            assert.deepStrictEqual([daemon.tlsverify, daemon["live-restore"]], [true, true]);
            // A bare name: systemd finds /usr/bin/dockerd (Ubuntu) and /usr/sbin/dockerd (Debian) alike.
            assert.match(
                files["/etc/systemd/system/docker.service.d/10-azure-docker-host.conf"] ?? "",
                /^ExecStart=\nExecStart=dockerd --containerd=\S+$/m,
            );
            const extension = run.one(extensionType, "docker-provisioning-certificates").inputs as any;
            assert.deepStrictEqual(
                [extension.type, extension.typeHandlerVersion, extension.settings],
                ["CustomScript", "2.1", {}],
            );
            const script = decodeBase64(unwrapSecret<any>(extension.protectedSettings).script);
            assert.ok(script.includes(Buffer.from(fakeKeyPem("server")).toString("base64").slice(0, 40)));
            assert.match(
                script,
                /install -o root -g root -m 0400 "\$staging\/file3" '\/etc\/docker\/tls\/server-key.pem'/,
            );
        });
    });
});
