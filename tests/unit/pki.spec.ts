import "../harness/mocks";
import * as assert from "assert";
import { isSecretValue } from "../harness/mocks";
import { mockPublicIp } from "../harness/plausibleState";
import { ProgramRun, runProgram, validConfig } from "../harness/program";
import { opensshRsaPublicKey } from "../harness/sshKeys";

const keyType = "tls:index/privateKey:PrivateKey";
const csrType = "tls:index/certRequest:CertRequest";
const signedType = "tls:index/locallySignedCert:LocallySignedCert";

describe("Pki component", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram(
            validConfig({ dnsLabel: "my-docker", certValidityHours: "2000", certEarlyRenewalHours: "100" }),
        );
    });

    it("creates a self-signed CA that can only sign leaf certificates", () => {
        const ca = run.one("tls:index/selfSignedCert:SelfSignedCert", "docker-ca");
        assert.strictEqual(ca.inputs.isCaCertificate, true);
        assert.strictEqual(ca.inputs.maxPathLength, 0);
        assert.deepStrictEqual(ca.inputs.allowedUses, ["cert_signing", "crl_signing"]);
        assert.strictEqual(ca.inputs.validityPeriodHours, 87600);
        assert.ok(isSecretValue(ca.inputs.privateKeyPem), "the CA key reaches the cert resource in the clear");
    });

    it("uses ECDSA P-256 keys for TLS", () => {
        for (const role of ["ca", "server", "client"]) {
            assert.deepStrictEqual(run.one(keyType, `docker-${role}-key`).inputs, {
                algorithm: "ECDSA",
                ecdsaCurve: "P256",
            });
        }
    });

    it("names the FQDN, the public IP, localhost and 127.0.0.1 in the server certificate", () => {
        const csr = run.one(csrType, "docker-server-csr");
        assert.deepStrictEqual(csr.inputs.dnsNames, ["my-docker.eastasia.cloudapp.azure.com", "localhost"]);
        assert.deepStrictEqual(csr.inputs.ipAddresses, [mockPublicIp, "127.0.0.1"]);
        assert.deepStrictEqual(csr.inputs.subject, {
            commonName: "my-docker.eastasia.cloudapp.azure.com",
            organization: "azure-docker-host",
        });
    });

    it("allows the server certificate serverAuth only and the client certificate clientAuth only", () => {
        assert.deepStrictEqual(run.one(signedType, "docker-server-cert").inputs.allowedUses, [
            "digital_signature",
            "server_auth",
        ]);
        assert.deepStrictEqual(run.one(signedType, "docker-client-cert").inputs.allowedUses, [
            "digital_signature",
            "client_auth",
        ]);
        assert.strictEqual(run.one(csrType, "docker-client-csr").inputs.dnsNames, undefined);
    });

    it("takes validity and early renewal from config", () => {
        for (const role of ["server", "client"]) {
            const cert = run.one(signedType, `docker-${role}-cert`);
            assert.strictEqual(cert.inputs.validityPeriodHours, 2000);
            assert.strictEqual(cert.inputs.earlyRenewalHours, 100);
            assert.ok(isSecretValue(cert.inputs.caPrivateKeyPem));
        }
    });

    it("keeps every private key secret in the stack outputs", async () => {
        assert.ok(await run.outputIsSecret("clientKeyPem"));
        assert.ok(await run.outputIsSecret("sshPrivateKey"));
        assert.strictEqual(await run.outputIsSecret("clientCertPem"), false);
        assert.strictEqual(await run.outputIsSecret("caCertPem"), false);
        assert.match(await run.output<string>("clientKeyPem"), /BEGIN PRIVATE KEY/);
    });

    it("never exports or ships the CA key", async () => {
        const caKeyPem = "mock private key for docker-ca-key";
        for (const name of Object.keys(run.exports)) {
            const value = JSON.stringify(await run.output(name)) ?? "";
            assert.ok(!value.includes(Buffer.from(caKeyPem).toString("base64")), `output ${name} holds the CA key`);
        }
        const consumers = run.resources.filter((resource) =>
            JSON.stringify(resource.inputs).includes(Buffer.from(caKeyPem).toString("base64")),
        );
        assert.deepStrictEqual(
            consumers.map((resource) => resource.name).sort(),
            ["docker-ca", "docker-client-cert", "docker-server-cert"],
            "only the CA and the certificates it signs may see the CA key",
        );
    });

    it("generates an RSA 4096 SSH key when none is configured", () => {
        assert.deepStrictEqual(run.one(keyType, "docker-ssh-key").inputs, { algorithm: "RSA", rsaBits: 4096 });
    });

    it("uses the operator's SSH key when one is configured, and exports no private key", async () => {
        const key = opensshRsaPublicKey(2048);
        const own = await runProgram(validConfig({ sshPublicKey: key }));
        assert.deepStrictEqual(
            own.resources.filter((resource) => resource.name === "docker-ssh-key"),
            [],
        );
        assert.strictEqual(await own.output("sshPrivateKey"), undefined);
        const vm = own.one("azure-native:compute:VirtualMachine", "docker-vm");
        const keys = (vm.inputs.osProfile as any).linuxConfiguration.ssh.publicKeys;
        assert.strictEqual(keys[0].keyData, key.split(" ").slice(0, 2).join(" "));
    });
});
