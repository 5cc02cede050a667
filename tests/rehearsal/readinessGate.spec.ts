import "../harness/mocks";
import * as assert from "assert";
import { X509Certificate } from "crypto";
import { DockerExtensionSettings, extensionLaunch, ServerTls } from "../harness/dockerExtensionHandler";
import { LocalDockerd } from "../harness/localDockerd";
import { PrivateNetwork } from "../harness/privateNetwork";
import { runProgram, validConfig } from "../harness/program";
import { generatePrivateKeyPem, publicKeyPemOf, selfSignedCertPem, signedCertPem } from "../harness/realPki";
import { requireRoot, requireTools } from "../harness/tools";

const gateType = "pulumi-nodejs:dynamic/azure-docker-host:DockerReadinessGate";
const ecdsa = { algorithm: "ECDSA", ecdsaCurve: "P256" } as const;

interface Authority {
    readonly certPem: string;
    readonly keyPem: string;
}

async function authority(name: string): Promise<Authority> {
    const keyPem = await generatePrivateKeyPem(ecdsa);
    const certPem = await selfSignedCertPem(keyPem, {
        subject: { commonName: name },
        isCaCertificate: true,
        maxPathLength: 0,
        allowedUses: ["cert_signing", "crl_signing"],
    });
    return { certPem, keyPem };
}

async function leaf(issuer: Authority, uses: string[], names: { dnsNames?: string[]; ipAddresses?: string[] } = {}) {
    const keyPem = await generatePrivateKeyPem(ecdsa);
    const certPem = await signedCertPem(
        publicKeyPemOf(keyPem),
        { subject: { commonName: "rehearsal" }, allowedUses: uses, ...names },
        issuer,
    );
    return { certPem, keyPem };
}

interface GateAnswer {
    readonly result?: { id: string; outs: { host: string; port: number; apiVersion: string } };
}

/**
 * The readiness gate as Pulumi runs it: the provider serialized into the mocked program's gate
 * resource, loaded by require-from-string inside the daemon's namespace, against a real dockerd
 * configured with the Docker extension's settings from the same program.
 */
describe("readiness gate against a real dockerd (rehearsal)", function () {
    this.timeout(240_000);
    let provider: string;
    let settings: DockerExtensionSettings;
    let ca: Authority;
    let server: ServerTls;
    let client: { certPem: string; keyPem: string };
    let network: PrivateNetwork | undefined;
    let daemon: LocalDockerd | undefined;

    before(async function () {
        requireRoot(this);
        requireTools(this, "dockerd", "unshare", "nsenter");
        const run = await runProgram(validConfig({ provisioner: "docker-extension" }));
        provider = String(run.one(gateType, "docker-ready").inputs.__provider);
        settings = run.one("azure-native:compute:VirtualMachineExtension", "docker-provisioning-extension").inputs
            .settings as DockerExtensionSettings;
        ca = await authority("rehearsal CA");
        const serverPair = await leaf(ca, ["digital_signature", "server_auth"], {
            dnsNames: ["localhost"],
            ipAddresses: ["127.0.0.1"],
        });
        server = { caCertPem: ca.certPem, serverCertPem: serverPair.certPem, serverKeyPem: serverPair.keyPem };
        client = await leaf(ca, ["digital_signature", "client_auth"]);
    });

    beforeEach(async () => {
        network = await PrivateNetwork.create();
    });

    afterEach(async () => {
        await daemon?.stop();
        daemon = undefined;
        await network?.close();
        network = undefined;
    });

    const gateInputs = (timeoutSeconds: number, expected: string = server.serverCertPem) => ({
        host: "127.0.0.1",
        port: Number(settings.docker.port),
        caCertPem: ca.certPem,
        clientCertPem: client.certPem,
        clientKeyPem: client.keyPem,
        serverCertPem: expected,
        timeoutSeconds,
        revision: "rehearsal",
    });

    it("waits while the daemon is not up yet, and answers once it listens with TLS", async () => {
        const net = network!;
        const started = Date.now();
        const answer = net.ask<GateAnswer>({ kind: "dynamic", provider, method: "create", inputs: gateInputs(120) });
        await new Promise((resolve) => setTimeout(resolve, 4_000));
        daemon = await LocalDockerd.start(net, extensionLaunch(settings, server));
        const { ok, error, result } = await answer;
        assert.ok(ok, error);
        assert.deepStrictEqual([result?.outs.host, result?.outs.port], ["127.0.0.1", Number(settings.docker.port)]);
        assert.match(result?.outs.apiVersion ?? "", /^1\.\d+$/);
        assert.ok(Date.now() - started >= 4_000);
    });

    it("fails on timeout with the address it tried, for how long, and the last error", async () => {
        const answer = await network!.ask({ kind: "dynamic", provider, method: "create", inputs: gateInputs(5) });
        assert.strictEqual(answer.ok, false);
        assert.match(
            answer.error ?? "",
            /^Docker daemon at tcp:\/\/127\.0\.0\.1:2376 did not answer GET \/_ping over mutual TLS after [2-9] attempt\(s\) in [4-7] s; last error: .*ECONNREFUSED/,
        );
    });

    it("refuses a daemon whose certificate was not issued by our CA", async () => {
        const stranger = await authority("someone else's CA");
        const impostor = await leaf(stranger, ["digital_signature", "server_auth"], {
            dnsNames: ["localhost"],
            ipAddresses: ["127.0.0.1"],
        });
        // The impostor trusts our client certificate, so only our side's check can refuse it.
        daemon = await LocalDockerd.start(
            network!,
            extensionLaunch(settings, {
                caCertPem: ca.certPem,
                serverCertPem: impostor.certPem,
                serverKeyPem: impostor.keyPem,
            }),
        );
        const answer = await network!.ask({ kind: "dynamic", provider, method: "create", inputs: gateInputs(6) });
        assert.strictEqual(answer.ok, false);
        assert.match(answer.error ?? "", /last error: .*(unable to verify|self.signed|certificate)/i);
    });

    it("keeps waiting while the daemon serves another certificate of our CA, and says which", async () => {
        // What a daemon that has not restarted after a renewal looks like: a valid certificate, not the issued one.
        const renewed = await leaf(ca, ["digital_signature", "server_auth"], {
            dnsNames: ["localhost"],
            ipAddresses: ["127.0.0.1"],
        });
        daemon = await LocalDockerd.start(network!, extensionLaunch(settings, server));
        const answer = await network!.ask({
            kind: "dynamic",
            provider,
            method: "create",
            inputs: gateInputs(5, renewed.certPem),
        });
        assert.strictEqual(answer.ok, false);
        const served = new X509Certificate(server.serverCertPem).fingerprint256;
        const issued = new X509Certificate(renewed.certPem).fingerprint256;
        assert.match(answer.error ?? "", /after [2-9] attempt\(s\)/);
        assert.ok(
            (answer.error ?? "").includes(
                `serves the certificate with SHA-256 ${served}, not the issued one (${issued})`,
            ),
            answer.error,
        );
    });
});
