import "../harness/mocks";
import * as assert from "assert";
import { decodeBase64 } from "../harness/declaredInputs";
import { isSecretValue, mocks, RecordedResource, unwrapSecret } from "../harness/mocks";
import { fakePem } from "../harness/plausibleState";
import { ProgramRun, runProgram, validConfig } from "../harness/program";

const signedType = "tls:index/locallySignedCert:LocallySignedCert";
const keyType = "tls:index/privateKey:PrivateKey";
const extensionType = "azure-native:compute:VirtualMachineExtension";
const gateType = "pulumi-nodejs:dynamic/azure-docker-host:DockerReadinessGate";

/** Inputs with secrets unwrapped, for comparing two runs. */
const plain = (resource: RecordedResource) =>
    JSON.parse(
        JSON.stringify(resource.inputs, (_key, value: unknown) => (isSecretValue(value) ? unwrapSecret(value) : value)),
    );

/** Names of resources whose inputs differ between the runs (a difference is an update or a replacement). */
function changed(before: ProgramRun, after: ProgramRun): string[] {
    return before.resources
        .filter((resource) => {
            const twin = after.one(resource.type, resource.name);
            return (
                JSON.stringify(plain(resource)) !== JSON.stringify(plain(twin)) ||
                resource.options.replacementTrigger !== twin.options.replacementTrigger
            );
        })
        .map((resource) => resource.name)
        .sort();
}

/** The server certificate an extension delivers, read back out of its protected settings. */
function deliveredServerCert(run: ProgramRun, extensionName: string): string {
    const settings = unwrapSecret<{ certs?: { cert: string }; script?: string }>(
        run.one(extensionType, extensionName).inputs.protectedSettings,
    );
    if (settings.certs) {
        return decodeBase64(settings.certs.cert);
    }
    // The daemon script carries each file base64-encoded in a heredoc, in order: daemon.json, CA, server certificate, key.
    const script = decodeBase64(settings.script ?? "");
    const files = [...script.matchAll(/<<'ENCODED'\n([\s\S]*?)\nENCODED/g)].map((match) =>
        decodeBase64(match[1] ?? ""),
    );
    return files[2] ?? "";
}

/** Inputs of this resource that force Azure to build a new one rather than update it in place. */
const replacingExtensionInputs = ["vmExtensionName", "vmName", "resourceGroupName", "publisher", "type", "location"];

for (const provisioner of ["docker-extension", "cloud-init"] as const) {
    const extensionName =
        provisioner === "docker-extension" ? "docker-provisioning-extension" : "docker-provisioning-certificates";

    describe(`certificate renewal with the ${provisioner} provisioner`, () => {
        let current: ProgramRun;
        before(async () => {
            current = await runProgram(validConfig({ provisioner }));
        });

        it("re-delivers a renewed server certificate by updating the extension in place; the VM and data disk stay", async () => {
            // What the tls provider does on the first `pulumi up` inside the early-renewal window.
            const renewedPem = fakePem("CERTIFICATE", "docker-server-cert, renewed");
            const renewed = await runProgram(validConfig({ provisioner }), {
                prepare: () =>
                    mocks.overrideState(signedType, (args) => ({
                        certPem: args.name === "docker-server-cert" ? renewedPem : fakePem("CERTIFICATE", args.name),
                    })),
            });
            assert.deepStrictEqual(changed(current, renewed), [extensionName, "docker-ready"].sort());

            const [before, after] = [current, renewed].map((run) => run.one(extensionType, extensionName));
            for (const input of replacingExtensionInputs) {
                assert.deepStrictEqual(
                    after!.inputs[input],
                    before!.inputs[input],
                    `${input} changed: the extension would be replaced`,
                );
            }
            assert.deepStrictEqual(after!.options.replaceOnChanges, []);
            assert.notStrictEqual(
                after!.inputs.forceUpdateTag,
                before!.inputs.forceUpdateTag,
                "Azure would not re-run the extension",
            );
            assert.ok(isSecretValue(after!.inputs.protectedSettings));
            assert.strictEqual(deliveredServerCert(renewed, extensionName), renewedPem);
            if (provisioner === "docker-extension") {
                // The handler restarts Docker only when the daemon's command line changes.
                assert.notDeepStrictEqual(
                    (after!.inputs.settings as any).docker.options,
                    (before!.inputs.settings as any).docker.options,
                );
            }
            // The gate waits for the daemon again before anything trusts it.
            assert.notStrictEqual(
                renewed.one(gateType, "docker-ready").inputs.revision,
                current.one(gateType, "docker-ready").inputs.revision,
            );
        });

        it("replaces only the server key and what follows from it when serverCertGeneration is raised", async () => {
            const forced = await runProgram(validConfig({ provisioner, serverCertGeneration: "2" }));
            assert.strictEqual(current.one(keyType, "docker-server-key").options.replacementTrigger, 1);
            assert.strictEqual(forced.one(keyType, "docker-server-key").options.replacementTrigger, 2);
            assert.deepStrictEqual(changed(current, forced), ["docker-server-key"]);
            for (const name of ["docker-vm", "docker-data", "docker-ca-key", "docker-client-key"]) {
                const type = forced.resources.find((resource) => resource.name === name)!.type;
                assert.deepStrictEqual(
                    forced.one(type, name).options.replacementTrigger,
                    current.one(type, name).options.replacementTrigger,
                );
            }
        });

        it("replaces the client key with clientCertGeneration, and the CA key with caGeneration", async () => {
            const client = await runProgram(validConfig({ provisioner, clientCertGeneration: "3" }));
            assert.deepStrictEqual(changed(current, client), ["docker-client-key"]);
            const ca = await runProgram(validConfig({ provisioner, caGeneration: "2" }));
            assert.deepStrictEqual(changed(current, ca), ["docker-ca-key"]);
        });
    });
}
