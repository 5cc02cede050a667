import "../harness/mocks";
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { unwrapSecret } from "../harness/mocks";
import { runProgram, validConfig } from "../harness/program";
import { requireTools, runTool } from "../harness/tools";
import { renderUserData } from "../../components/host/userData";
import { resolveLikeSystemd } from "../harness/cloudInitLaunch";
import { mergedAzureConfig } from "../harness/cloudInitMerge";
import { decodeBase64, parseCloudConfig, scriptFiles } from "../harness/declaredInputs";

const provisioners = ["docker-extension", "cloud-init"] as const;

interface Generated {
    readonly userData: string;
    /** Every piece of shell the VM runs: cloud-init runcmd entries and, under cloud-init, the CustomScript. */
    readonly scripts: ReadonlyMap<string, string>;
}

/** The VMs the program boots: the host, per provisioner, and a swarm worker. */
const targets = [...provisioners, "swarm worker"] as const;
type Target = (typeof targets)[number];

/** What the program hands a VM, read off the mocked resources exactly as Azure would receive it. */
async function generated(target: Target): Promise<Generated> {
    const worker = target === "swarm worker";
    const run = await runProgram(validConfig(worker ? { swarmWorkers: "2" } : { provisioner: target }));
    const profile = worker
        ? unwrapSecret<any>(
              run.one("azure-native:compute:VirtualMachineScaleSet", "docker-workers").inputs.virtualMachineProfile,
          )
        : run.one("azure-native:compute:VirtualMachine", "docker-vm").inputs;
    const userData = decodeBase64(profile.osProfile.customData);
    const cloudConfig = parseCloudConfig<{
        runcmd?: string[][];
        bootcmd?: string[][];
        write_files: { path: string; permissions: string; content: string }[];
    }>(userData);
    const scripts = new Map<string, string>();
    for (const module of ["bootcmd", "runcmd"] as const) {
        (cloudConfig[module] ?? []).forEach((command, index) => {
            assert.deepStrictEqual(command.slice(0, 2), ["sh", "-c"], `${module} entries run through sh -c`);
            scripts.set(`${module}[${index}]`, `#!/bin/sh\n${command[2]}\n`);
        });
    }
    for (const file of cloudConfig.write_files.filter((written) => written.permissions === "0755")) {
        scripts.set(file.path, file.content);
    }
    const extensions = worker
        ? profile.extensionProfile.extensions.map((extension: any) => ({
              name: extension.name,
              settings: extension.settings,
              protectedSettings: extension.protectedSettings,
          }))
        : run.ofType("azure-native:compute:VirtualMachineExtension").map((extension) => ({
              name: extension.name,
              settings: extension.inputs.settings,
              protectedSettings: extension.inputs.protectedSettings,
          }));
    for (const extension of extensions) {
        // CustomScript takes its script from either; only a script that holds a secret needs the protected ones.
        const script =
            unwrapSecret<{ script?: string } | undefined>(extension.protectedSettings)?.script ??
            (extension.settings as { script?: string } | undefined)?.script;
        if (script !== undefined) {
            const text = decodeBase64(script);
            scripts.set(`${extension.name} script`, text);
            // The scripts it installs, as the VM will run them.
            for (const file of scriptFiles(text).filter((installed) => installed.content.startsWith("#!/bin/sh"))) {
                scripts.set(file.path, file.content);
            }
        }
    }
    return { userData, scripts };
}

describe("generated provisioning against cloud-init and shellcheck (rehearsal)", function () {
    this.timeout(120_000);
    let workDir: string;

    before(() => {
        workDir = fs.mkdtempSync(path.join(os.tmpdir(), "adh-provisioning-"));
    });
    after(() => fs.rmSync(workDir, { recursive: true, force: true }));

    function schemaCheck(name: string, document: string) {
        const file = path.join(workDir, name);
        fs.writeFileSync(file, document);
        return runTool("cloud-init", ["schema", "--config-file", file]);
    }

    function shellcheck(script: string) {
        return runTool("shellcheck", ["--shell=sh", "--severity=style", "-"], script);
    }

    describe("cloud-init schema", () => {
        before(function () {
            requireTools(this, "cloud-init");
        });

        for (const target of targets) {
            it(`accepts the ${target} user data`, async () => {
                const { userData } = await generated(target);
                const result = schemaCheck(`${target.replace(" ", "-")}.yaml`, userData);
                assert.strictEqual(result.status, 0, result.stdout + result.stderr);
                assert.match(result.stdout, /Valid cloud-config/);
            });
        }

        for (const provisioner of provisioners) {
            it(`leaves Azure's default for the temporary disk in force with the ${provisioner} user data`, async () => {
                const merged = mergedAzureConfig((await generated(provisioner)).userData);
                assert.deepStrictEqual(merged.fs_setup, [{ filesystem: "ext4", device: "ephemeral0.1" }]);
                assert.deepStrictEqual(merged.disk_setup, {
                    ephemeral0: { table_type: "gpt", layout: [100], overwrite: true },
                });
                assert.deepStrictEqual(merged.mounts?.[0]?.slice(0, 2), ["LABEL=docker-data", "/var/lib/docker"]);
            });
        }

        it("shows how a user fs_setup list loses the temporary disk's entry, so a pass means something", () => {
            const earlier = renderUserData({
                fs_setup: [{ device: "/dev/disk/azure/scsi1/lun0", partition: "auto", filesystem: "ext4" }],
            });
            const merged = mergedAzureConfig(earlier);
            assert.ok(!merged.fs_setup.some((entry: { device: string }) => entry.device === "ephemeral0.1"));
        });

        it("catches a broken document, so a pass means something", async () => {
            const { userData } = await generated("cloud-init");
            const broken = userData.replace('"permissions": "0644"', '"permissions": ["0644"]');
            assert.notStrictEqual(broken, userData);
            const result = schemaCheck("broken.yaml", broken);
            assert.notStrictEqual(result.status, 0);
            assert.match(result.stdout + result.stderr, /permissions/);
        });
    });

    describe("shellcheck", () => {
        before(function () {
            requireTools(this, "shellcheck");
        });

        for (const target of targets) {
            it(`finds nothing in the shell the ${target} VM runs`, async () => {
                const { scripts } = await generated(target);
                assert.ok(scripts.size >= 3, [...scripts.keys()].join(", "));
                for (const [name, script] of scripts) {
                    const result = shellcheck(script);
                    assert.strictEqual(result.status, 0, `${name}:\n${result.stdout}${result.stderr}`);
                }
            });
        }

        it("catches an unquoted expansion, so a pass means something", () => {
            const result = shellcheck("#!/bin/sh\nrm -rf $staging/*\n");
            assert.notStrictEqual(result.status, 0);
            assert.match(result.stdout, /SC2086/);
        });
    });

    describe("the cloud-init drop-in's ExecStart, resolved as systemd resolves it", () => {
        let trees: string;
        before(() => {
            trees = fs.mkdtempSync(path.join(os.tmpdir(), "adh-exec-start-"));
            for (const [layout, directory] of [
                ["ubuntu", "usr/bin"],
                ["debian", "usr/sbin"],
            ]) {
                fs.mkdirSync(path.join(trees, layout!, directory!), { recursive: true });
                fs.writeFileSync(path.join(trees, layout!, directory!, "dockerd"), "#!/bin/sh\n", { mode: 0o755 });
            }
        });
        after(() => fs.rmSync(trees, { recursive: true, force: true }));

        it("finds dockerd in Ubuntu's /usr/bin and Debian's /usr/sbin alike", async () => {
            const config = parseCloudConfig<{ write_files: { path: string; content: string }[] }>(
                (await generated("cloud-init")).userData,
            );
            const dropIn = config.write_files.find((file) => file.path.endsWith("10-azure-docker-host.conf"))!;
            const command = /^ExecStart=(\S+)/m.exec(dropIn.content.replace(/^ExecStart=$/m, ""))?.[1] ?? "";
            assert.strictEqual(resolveLikeSystemd(command, path.join(trees, "ubuntu")), "/usr/bin/dockerd");
            assert.strictEqual(resolveLikeSystemd(command, path.join(trees, "debian")), "/usr/sbin/dockerd");
        });

        it("shows the path earlier releases wrote fails on Debian, so a pass means something", () => {
            assert.strictEqual(resolveLikeSystemd("/usr/bin/dockerd", path.join(trees, "debian")), undefined);
        });
    });
});
