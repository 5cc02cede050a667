import "../harness/mocks";
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { unwrapSecret } from "../harness/mocks";
import { runProgram, validConfig } from "../harness/program";
import { requireTools, runTool } from "../harness/tools";
import { decodeBase64, parseCloudConfig } from "../harness/declaredInputs";

const provisioners = ["docker-extension", "cloud-init"] as const;

interface Generated {
    readonly userData: string;
    /** Every piece of shell the VM runs: cloud-init runcmd entries and, under cloud-init, the CustomScript. */
    readonly scripts: ReadonlyMap<string, string>;
}

/** What the program hands the VM, read off the mocked resources exactly as Azure would receive it. */
async function generated(provisioner: (typeof provisioners)[number]): Promise<Generated> {
    const run = await runProgram(validConfig({ provisioner }));
    const vm = run.one("azure-native:compute:VirtualMachine", "docker-vm");
    const userData = decodeBase64((vm.inputs.osProfile as { customData: string }).customData);
    const cloudConfig = parseCloudConfig<{ runcmd: string[][] }>(userData);
    const scripts = new Map<string, string>();
    cloudConfig.runcmd.forEach((command, index) => {
        assert.deepStrictEqual(command.slice(0, 2), ["sh", "-c"], "runcmd entries run through sh -c");
        scripts.set(`runcmd[${index}]`, `#!/bin/sh\n${command[2]}\n`);
    });
    for (const extension of run.ofType("azure-native:compute:VirtualMachineExtension")) {
        const script = unwrapSecret<{ script?: string }>(extension.inputs.protectedSettings).script;
        if (script !== undefined) {
            scripts.set(`${extension.name} script`, decodeBase64(script));
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

        for (const provisioner of provisioners) {
            it(`accepts the ${provisioner} user data`, async () => {
                const { userData } = await generated(provisioner);
                const result = schemaCheck(`${provisioner}.yaml`, userData);
                assert.strictEqual(result.status, 0, result.stdout + result.stderr);
                assert.match(result.stdout, /Valid cloud-config/);
            });
        }

        it("catches a broken document, so a pass means something", async () => {
            const { userData } = await generated("cloud-init");
            const broken = userData.replace('"overwrite": false', '"overwrite": "sometimes"');
            assert.notStrictEqual(broken, userData);
            const result = schemaCheck("broken.yaml", broken);
            assert.notStrictEqual(result.status, 0);
            assert.match(result.stdout + result.stderr, /overwrite/);
        });
    });

    describe("shellcheck", () => {
        before(function () {
            requireTools(this, "shellcheck");
        });

        for (const provisioner of provisioners) {
            it(`finds nothing in the shell the ${provisioner} VM runs`, async () => {
                const { scripts } = await generated(provisioner);
                assert.ok(scripts.size >= (provisioner === "cloud-init" ? 2 : 1));
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
});
