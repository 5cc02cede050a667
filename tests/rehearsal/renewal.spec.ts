import "../harness/mocks";
import * as assert from "assert";
import { DockerExtensionHandler } from "../harness/dockerExtensionHandler";
import { LocalDockerd } from "../harness/localDockerd";
import { mocks, unwrapSecret } from "../harness/mocks";
import { PrivateNetwork } from "../harness/privateNetwork";
import { ProgramRun, runProgram, validConfig } from "../harness/program";
import { extensionName, ProvisionedHost, provisionHost, provisioners } from "../harness/provisionedHost";
import { requireRoot, requireTools } from "../harness/tools";

const gateType = "pulumi-nodejs:dynamic/azure-docker-host:DockerReadinessGate";
const tlsTypes = [
    "tls:index/privateKey:PrivateKey",
    "tls:index/selfSignedCert:SelfSignedCert",
    "tls:index/certRequest:CertRequest",
    "tls:index/locallySignedCert:LocallySignedCert",
];
/** What a server renewal re-issues; everything else keeps the state the first `pulumi up` left. */
const renewedResources = new Set(["docker-server-key", "docker-server-csr", "docker-server-cert"]);

/** The program after `pulumi config set serverCertGeneration 2`: the same CA and client, a new server key and certificate. */
async function renewServer(provisioner: string, current: ProgramRun): Promise<ProgramRun> {
    return runProgram(validConfig({ provisioner, serverCertGeneration: "2" }), {
        realTls: true,
        prepare: () => {
            for (const type of tlsTypes) {
                mocks.overrideState(type, (args) =>
                    renewedResources.has(args.name) ? undefined : current.one(type, args.name).outputs,
                );
            }
        },
    });
}

/** What the gate of `run` dials with, pointed at the rehearsal daemon. */
function gateCreate(run: ProgramRun, timeoutSeconds: number) {
    const gate = run.one(gateType, "docker-ready").inputs;
    const provider = run.one("pulumi:providers:docker", "docker-docker").inputs;
    return {
        kind: "dynamic",
        provider: gate.__provider,
        method: "create",
        inputs: {
            host: "127.0.0.1",
            port: gate.port,
            caCertPem: gate.caCertPem,
            clientCertPem: gate.clientCertPem,
            clientKeyPem: unwrapSecret(provider.keyMaterial),
            serverCertPem: gate.serverCertPem,
            timeoutSeconds,
            revision: gate.revision,
        },
    };
}

for (const provisioner of provisioners) {
    /**
     * A server certificate renewal on a running host: the program's next extension update is played
     * on the VM's daemon, and the program's serialized readiness gate, dialling with the renewed
     * run's inputs, must wait while the old certificate is served and pass once the daemon restarts.
     */
    describe(`server certificate renewal with the ${provisioner} provisioner (rehearsal)`, function () {
        this.timeout(240_000);
        let current: ProgramRun;
        let renewed: ProgramRun;
        let host: ProvisionedHost;
        let network: PrivateNetwork | undefined;
        let daemon: LocalDockerd | undefined;

        before(async function () {
            requireRoot(this);
            requireTools(this, "dockerd", "unshare", "nsenter");
            current = await runProgram(validConfig({ provisioner }), { realTls: true });
            renewed = await renewServer(provisioner, current);
            host = provisionHost(provisioner, current);
            network = await PrivateNetwork.create();
            daemon = await LocalDockerd.start(network, host.first.launch, { executable: host.executable });
        });

        after(async () => {
            await daemon?.stop();
            await network?.close();
        });

        it("renews the server certificate alone: same CA, same client, new server key", () => {
            const certs = [current, renewed].map((run) => {
                const gate = run.one(gateType, "docker-ready").inputs;
                return { ca: gate.caCertPem, client: gate.clientCertPem, server: gate.serverCertPem };
            });
            assert.strictEqual(certs[1]?.ca, certs[0]?.ca);
            assert.strictEqual(certs[1]?.client, certs[0]?.client);
            assert.notStrictEqual(certs[1]?.server, certs[0]?.server);
        });

        if (provisioner === "docker-extension") {
            it("would leave the old certificate served without the revision label: the handler would not restart", async () => {
                // The settings earlier releases sent: the same options before and after a renewal.
                const model = new DockerExtensionHandler();
                const inputsOf = (run: ProgramRun) =>
                    run.one("azure-native:compute:VirtualMachineExtension", extensionName(provisioner)).inputs;
                const withoutLabel = (settings: any) => ({
                    docker: {
                        ...settings.docker,
                        options: settings.docker.options.filter((option: string) => !option.startsWith("--label=")),
                    },
                });
                model.enable(
                    withoutLabel(inputsOf(current).settings),
                    unwrapSecret(inputsOf(current).protectedSettings),
                );
                const second = model.enable(
                    withoutLabel(inputsOf(renewed).settings),
                    unwrapSecret(inputsOf(renewed).protectedSettings),
                );
                assert.strictEqual(second.restarted, false);
                // The running daemon still serves the first certificate, and the gate says so.
                const answer = await network!.ask(gateCreate(renewed, 5));
                assert.strictEqual(answer.ok, false);
                assert.match(answer.error ?? "", /serves the certificate with SHA-256 \S+, not the issued one/);
            });
        }

        it("keeps the gate waiting while the old certificate is served, and lets it through after the restart", async () => {
            let settled = false;
            const started = Date.now();
            const waiting = network!.ask<{ result?: { outs: { serverCertPem: string } } }>(gateCreate(renewed, 120));
            void waiting.finally(() => (settled = true));
            await new Promise((resolve) => setTimeout(resolve, 4_000));
            assert.strictEqual(settled, false, "the gate passed while the daemon served the old certificate");

            const applied = host.apply(renewed);
            assert.strictEqual(applied.restarted, true, "the provisioning did not restart Docker");
            await daemon!.restart(applied.launch);

            const answer = await waiting;
            assert.ok(answer.ok, answer.error);
            assert.strictEqual(
                answer.result?.outs.serverCertPem,
                renewed.one(gateType, "docker-ready").inputs.serverCertPem,
            );
            assert.ok(Date.now() - started >= 4_000);
        });
    });
}
