import "../harness/mocks";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { decodeBase64 } from "../harness/declaredInputs";
import { mocks, unwrapSecret } from "../harness/mocks";
import { mockPublicIp } from "../harness/plausibleState";
import { ProgramRun, resolve, runProgram, validConfig } from "../harness/program";
import { opensshRsaPublicKey } from "../harness/sshKeys";

const gateType = "pulumi-nodejs:dynamic/azure-docker-host:DockerReadinessGate";
const nsgType = "azure-native:network:NetworkSecurityGroup";

/** Every secret value the run holds: keys, passwords (the state the tls and random providers returned). */
async function secretsOf(run: ProgramRun): Promise<string[]> {
    const values: string[] = [];
    for (const resource of run.resources) {
        for (const value of Object.values(resource.outputs)) {
            if (pulumi.Output.isInstance(value) && (await pulumi.isSecret(value))) {
                values.push(String(await resolve(value)));
            }
        }
    }
    return values;
}

/** base64 of `secret`, as it would appear inside a longer base64 text, at each of the three alignments. */
function base64Forms(secret: string): string[] {
    return [0, 1, 2].map((offset) => {
        const encoded = Buffer.from(`${"x".repeat(offset)}${secret}`).toString("base64");
        return encoded.slice(Math.ceil((offset * 4) / 3) + 4, -4);
    });
}

describe("the whole program", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram(validConfig({ location: "East Asia", adminUsername: "ops" }), {
            prepare: () => mocks.overrideState(gateType, () => ({ host: "answered-by-the-gate.invalid", port: 2376 })),
        });
    });

    it("exports how to reach the host, with the Docker URL from what the gate answered", async () => {
        assert.strictEqual(await run.output("dockerHost"), "tcp://answered-by-the-gate.invalid:2376");
        assert.strictEqual(await run.output("publicIp"), mockPublicIp);
        assert.match(await run.output<string>("fqdn"), /^dev-[0-9a-f]{6}\.eastasia\.cloudapp\.azure\.com$/);
        assert.match(
            await run.output<string>("sshCommand"),
            /^ssh ops@dev-[0-9a-f]{6}\.eastasia\.cloudapp\.azure\.com$/,
        );
        assert.match(await run.output<string>("resourceGroupName"), /^docker-rg/);
        assert.strictEqual(
            await run.output<string>("dataDiskId"),
            run.one("azure-native:compute:Disk", "docker-data").id,
        );
        assert.match(
            await run.output<string>("servicesTunnelCommand"),
            /^ssh -N -L 6379:127\.0\.0\.1:6379 -L 27017:127\.0\.0\.1:27017 ops@dev-[0-9a-f]{6}\.eastasia\.cloudapp\.azure\.com$/,
        );
    });

    it("keeps every private key, password and connection string secret in its outputs, and certificates public", async () => {
        for (const name of ["clientKeyPem", "sshPrivateKey", "redisConnectionString", "mongodbConnectionString"]) {
            assert.ok(await run.outputIsSecret(name), `${name} is not secret`);
        }
        for (const name of ["caCertPem", "clientCertPem", "dockerHost"]) {
            assert.strictEqual(await run.outputIsSecret(name), false, `${name} is secret`);
        }
    });

    it("carries one config value to every place that needs it (the Docker port: NSG, extension, gate)", async () => {
        const custom = await runProgram(validConfig({ dockerPort: "12376", provisioner: "docker-extension" }));
        const rules = unwrapSecret<{ name: string; destinationPortRange: string }[]>(
            custom.one(nsgType, "docker-nsg").inputs.securityRules,
        );
        assert.strictEqual(rules.find((rule) => rule.name === "allow-docker-tls")?.destinationPortRange, "12376");
        assert.strictEqual(custom.one(gateType, "docker-ready").inputs.port, 12376);
        const extension = custom.one("azure-native:compute:VirtualMachineExtension", "docker-provisioning-extension");
        assert.strictEqual((extension.inputs.settings as any).docker.port, "12376");
        assert.strictEqual(
            await custom.output("dockerHost"),
            `tcp://${custom.one(gateType, "docker-ready").inputs.host}:12376`,
        );
    });

    it("puts the operator's SSH key on the VM and exports no private key then", async () => {
        const key = opensshRsaPublicKey(2048);
        const own = await runProgram(validConfig({ sshPublicKey: key }));
        const vm = own.one("azure-native:compute:VirtualMachine", "docker-vm");
        assert.strictEqual(
            (vm.inputs.osProfile as any).linuxConfiguration.ssh.publicKeys[0].keyData,
            key.split(" ").slice(0, 2).join(" "),
        );
        assert.strictEqual(await own.output("sshPrivateKey"), undefined);
    });

    for (const provisioner of ["docker-extension", "cloud-init"]) {
        it(`boots a ${provisioner} VM whose user data holds none of the program's secrets, plain or base64`, async () => {
            const real = await runProgram(validConfig({ provisioner }), { realTls: true });
            const userData = decodeBase64(
                (real.one("azure-native:compute:VirtualMachine", "docker-vm").inputs.osProfile as any).customData,
            );
            const encoded = (real.one("azure-native:compute:VirtualMachine", "docker-vm").inputs.osProfile as any)
                .customData as string;
            const secrets = await secretsOf(real);
            assert.ok(secrets.length >= 6, `only ${secrets.length} secrets found: the check would prove little`);
            for (const secret of secrets) {
                const body = secret.split("\n").find((line) => line.length > 40) ?? secret;
                assert.ok(!userData.includes(body), "a secret is in the user data");
                for (const form of base64Forms(body)) {
                    assert.ok(
                        !encoded.includes(form) && !userData.includes(form),
                        "a secret is in the user data, base64",
                    );
                }
            }
        });
    }

    it("finds a secret planted in the user data, so a pass means something", () => {
        const secret =
            "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgplanted1234567890abcdefghij\n";
        const body = secret.split("\n")[1]!;
        const planted = Buffer.from(`#cloud-config\n${Buffer.from(`prefix${secret}`).toString("base64")}`).toString(
            "base64",
        );
        const userData = decodeBase64(planted);
        assert.ok(base64Forms(body).some((form) => userData.includes(form)));
    });
});
