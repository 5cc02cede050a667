import * as assert from "assert";
import { Secret } from "@pulumi/policy";
import { credentialOutputsSecret } from "../../policy/policies/credentialOutputsSecret";
import { vmExtensionSettingsSecret } from "../../policy/policies/extensionSettingsSecret";
import { arrivedAsSecret } from "../../policy/lib/secretness";
import { ResourceFixture, resourceArgs } from "../harness/policy/args";
import { resourceViolations, stackViolations } from "../harness/policy/run";
import { presentedProps, secret } from "../harness/policy/sdkInternals";

const pem = (label: string, marker: string) =>
    `-----BEGIN ${label}-----\n${Buffer.from(marker).toString("base64")}\n-----END ${label}-----\n`;

describe("how @pulumi/policy presents secrets", () => {
    const wire = { protectedSettings: secret({ certs: { key: "c2VjcmV0" } }), settings: { port: "2376" } };

    it("gives validations the plain value, with nothing left to tell it was secret", () => {
        const props = presentedProps(wire, "validation");
        assert.deepStrictEqual(JSON.parse(JSON.stringify(props.protectedSettings)), { certs: { key: "c2VjcmV0" } });
        assert.ok(!arrivedAsSecret(props, "protectedSettings"));
    });

    it("gives remediations the plain value on read, and the Secret wrapper in the property itself", () => {
        const props = presentedProps(wire, "remediation");
        assert.ok(!((props.protectedSettings as unknown) instanceof Secret), "a read unwraps the secret");
        assert.strictEqual((props.protectedSettings as { certs: { key: string } }).certs.key, "c2VjcmV0");
        assert.ok(arrivedAsSecret(props, "protectedSettings"));
        assert.ok(!arrivedAsSecret(props, "settings"));
    });
});

describe("policy vm-extension-protected-settings-secret", () => {
    const extension = (protectedSettings: unknown): ResourceFixture => ({
        type: "azure-native:compute:VirtualMachineExtension",
        name: "docker-provisioning-certificates",
        props: {
            vmName: "docker-vm",
            publisher: "Microsoft.Azure.Extensions",
            type: "CustomScript",
            typeHandlerVersion: "2.1",
            settings: {},
            protectedSettings,
        },
    });
    const messages = async (fixture: ResourceFixture) =>
        (await resourceViolations([vmExtensionSettingsSecret()], fixture)).map((violation) => violation.message);

    it("runs at level remediate, the only level at which the SDK shows it secrets", () => {
        assert.strictEqual(vmExtensionSettingsSecret().enforcementLevel, "remediate");
    });

    it("passes protectedSettings that are a secret as a whole", async () => {
        assert.deepStrictEqual(await messages(extension(secret({ script: "IyEvYmluL3No" }))), []);
    });

    it("reports protectedSettings in plain text, or secret only in part", async () => {
        const plain =
            "protectedSettings carries protected settings but is not a secret, so Pulumi state would keep them in plain text; wrap the protected settings in pulumi.secret(...)";
        assert.deepStrictEqual(await messages(extension({ script: "IyEvYmluL3No" })), [plain]);
        assert.deepStrictEqual(await messages(extension({ script: secret("IyEvYmluL3No") })), [plain]);
    });

    it("says so when it runs without its remediation and cannot tell", async () => {
        const policy = vmExtensionSettingsSecret();
        const reported: string[] = [];
        const validate = policy.validateResource;
        assert.ok(typeof validate === "function");
        await validate(resourceArgs(extension(secret({ script: "IyEvYmluL3No" })), "validation"), (message) =>
            reported.push(message),
        );
        assert.match(reported.join("\n"), /must run at enforcement level "remediate"/);
    });

    it("ignores extensions without protectedSettings", async () => {
        // A top-level undefined is what the SDK makes of a property the engine does not send.
        assert.deepStrictEqual(await messages(extension(undefined)), []);
    });
});

describe("policy credential-outputs-secret", () => {
    const clientKey = pem("PRIVATE KEY", "client key");
    const password = "MockPassword0123456789abcdef";
    const stackUrn = "urn:pulumi:test::azure-docker-host::pulumi:pulumi:Stack::azure-docker-host-test";

    /** A stack as the engine shows it to stack policies: outputs in wire form, secrets marked. */
    const stack = (outputs: Record<string, unknown>, extra: ResourceFixture[] = []): ResourceFixture[] => [
        { type: "pulumi:pulumi:Stack", name: "azure-docker-host-test", urn: stackUrn, props: outputs },
        {
            type: "tls:index/privateKey:PrivateKey",
            name: "docker-client-key",
            props: {
                algorithm: "ECDSA",
                privateKeyPem: secret(clientKey),
                publicKeyPem: pem("PUBLIC KEY", "client key"),
            },
            opts: { additionalSecretOutputs: ["privateKeyOpenssh", "privateKeyPem", "privateKeyPemPkcs8"] },
        },
        {
            type: "random:index/randomPassword:RandomPassword",
            name: "docker-redis-password",
            props: { length: 28, special: false, result: secret(password) },
            opts: { additionalSecretOutputs: ["bcryptHash", "result"] },
        },
        ...extra,
    ];
    const messages = async (fixtures: ResourceFixture[]) =>
        (await stackViolations([credentialOutputsSecret], fixtures)).map((violation) => violation.message);

    it("passes declared secret outputs and stack outputs built from them", async () => {
        assert.deepStrictEqual(
            await messages(
                stack({
                    clientKeyPem: secret(clientKey),
                    clientCertPem: pem("CERTIFICATE", "client"),
                    redisConnectionString: secret(`redis://:${password}@127.0.0.1:6379/0`),
                    passwordLoginDisabled: true,
                }),
            ),
            [],
        );
    });

    it("reports a stack output whose credential comes from no declared secret", async () => {
        assert.deepStrictEqual(
            await messages(stack({ mongodbConnectionString: "mongodb://root:hunter2hunter2@127.0.0.1:27017/" })),
            [
                'stack output "mongodbConnectionString" holds a credential but is built from no output the stack ' +
                    "declares secret; export it as pulumi.secret(...) of a secret resource output",
            ],
        );
    });

    it("reports resource outputs that hold a credential and are not declared secret", async () => {
        const reported = await messages(
            stack({}, [
                {
                    type: "random:index/randomPassword:RandomPassword",
                    name: "undeclared",
                    props: { length: 32, result: "Undeclared0123456789" },
                },
                {
                    type: "pulumi-nodejs:dynamic/azure-docker-host:Example",
                    name: "leaky",
                    props: { sshPrivateKey: pem("OPENSSH PRIVATE KEY", "leaky") },
                },
            ]),
        );
        assert.deepStrictEqual(reported, [
            'output "result" of random:index/randomPassword:RandomPassword "undeclared" holds a credential but is ' +
                "neither in additionalSecretOutputs nor built from a declared secret; add it to additionalSecretOutputs",
            'output "sshPrivateKey" of pulumi-nodejs:dynamic/azure-docker-host:Example "leaky" holds a credential ' +
                "but is neither in additionalSecretOutputs nor built from a declared secret; add it to additionalSecretOutputs",
        ]);
    });
});
