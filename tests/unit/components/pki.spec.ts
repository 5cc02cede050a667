import * as pulumi from "@pulumi/pulumi";
import "../../harness/mocks";
import * as assert from "assert";
import { X509Certificate } from "crypto";
import { Pki, PkiArgs } from "../../../components/pki";
import { ComponentRun, declareUnderMocks } from "../../harness/component";
import { isSecretValue, unwrapSecret } from "../../harness/mocks";
import { resolve } from "../../harness/program";

const keyType = "tls:index/privateKey:PrivateKey";
const csrType = "tls:index/certRequest:CertRequest";
const signedType = "tls:index/locallySignedCert:LocallySignedCert";

const args: PkiArgs = {
    caValidityHours: 87600,
    validityHours: 2000,
    earlyRenewalHours: 100,
    generations: { ca: 1, server: 1, client: 1 },
    fqdn: "my-docker.eastasia.cloudapp.azure.com",
    publicIpAddress: "20.205.10.20",
};

describe("Pki component", () => {
    let run: ComponentRun<Pki>;
    before(async () => {
        run = await declareUnderMocks(() => new Pki("docker", args));
    });

    it("creates a self-signed CA that can only sign leaf certificates", () => {
        const ca = run.one("tls:index/selfSignedCert:SelfSignedCert", "docker-ca");
        assert.strictEqual(ca.inputs.isCaCertificate, true);
        assert.strictEqual(ca.inputs.maxPathLength, 0);
        assert.deepStrictEqual(ca.inputs.allowedUses, ["cert_signing", "crl_signing"]);
        assert.strictEqual(ca.inputs.validityPeriodHours, 87600);
        assert.ok(isSecretValue(ca.inputs.privateKeyPem), "the CA key reaches the cert resource in the clear");
    });

    it("uses ECDSA P-256 keys, and holds no SSH key: that is the host's", () => {
        for (const role of ["ca", "server", "client"]) {
            assert.deepStrictEqual(run.one(keyType, `docker-${role}-key`).inputs, {
                algorithm: "ECDSA",
                ecdsaCurve: "P256",
            });
        }
        assert.strictEqual(run.ofType(keyType).length, 3);
    });

    it("names the FQDN, the public IP, localhost and 127.0.0.1 in the server certificate", () => {
        const csr = run.one(csrType, "docker-server-csr");
        assert.deepStrictEqual(csr.inputs.dnsNames, ["my-docker.eastasia.cloudapp.azure.com", "localhost"]);
        assert.deepStrictEqual(csr.inputs.ipAddresses, ["20.205.10.20", "127.0.0.1"]);
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

    it("takes validity and early renewal from its args", () => {
        for (const role of ["server", "client"]) {
            const cert = run.one(signedType, `docker-${role}-cert`);
            assert.deepStrictEqual([cert.inputs.validityPeriodHours, cert.inputs.earlyRenewalHours], [2000, 100]);
            assert.ok(isSecretValue(cert.inputs.caPrivateKeyPem));
        }
    });

    it("hands out one bundle per side, keys secret, the CA key in neither", async () => {
        const { server, client } = run.component;
        assert.deepStrictEqual([server.side, client.side], ["server", "client"]);
        assert.ok(await pulumi.isSecret(server.keyPem), "the server key is not secret");
        assert.ok(await pulumi.isSecret(client.keyPem), "the client key is not secret");
        assert.strictEqual(await pulumi.isSecret(client.certPem), false);
        const caKey = String(
            unwrapSecret(run.one("tls:index/selfSignedCert:SelfSignedCert", "docker-ca").inputs.privateKeyPem),
        );
        for (const value of [server.caCertPem, server.certPem, server.keyPem, client.certPem, client.keyPem]) {
            assert.notStrictEqual(await resolve(value), caKey);
        }
        const consumers = run.resources.filter((resource) =>
            JSON.stringify(resource.inputs).includes(JSON.stringify(caKey).slice(1, -1)),
        );
        assert.deepStrictEqual(
            consumers.map((resource) => resource.name).sort(),
            ["docker-ca", "docker-client-cert", "docker-server-cert"],
            "only the CA and the certificates it signs may see the CA key",
        );
    });

    it("issues real certificates that chain as declared (real keys from the declared inputs)", async () => {
        const real = await declareUnderMocks(() => new Pki("docker", args), { realTls: true });
        const ca = new X509Certificate(await resolve(real.component.caCertPem));
        const server = new X509Certificate(await resolve(real.component.server.certPem));
        const client = new X509Certificate(await resolve(real.component.client.certPem));
        assert.ok(server.verify(ca.publicKey) && client.verify(ca.publicKey));
        assert.ok(server.checkHost("my-docker.eastasia.cloudapp.azure.com"));
        assert.ok(server.checkIP("20.205.10.20") && server.checkIP("127.0.0.1"));
        assert.strictEqual(client.checkHost("my-docker.eastasia.cloudapp.azure.com"), undefined);
    });
});
