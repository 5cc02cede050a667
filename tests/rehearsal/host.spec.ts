import { X509Certificate } from "crypto";
import "../harness/mocks";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { busyboxRootfsTar } from "../harness/busyboxImage";
import { tarArchive } from "../../components/engine/archive";
import { DeclaredContainer, dockerCreateFlags } from "../harness/containerRun";
import { TlsDockerCli } from "../harness/dockerCli";
import { dockerEnvCli, toolEntry } from "../harness/dockerEnvCli";
import { StubTools } from "../harness/stubTools";
import { LocalDockerd } from "../harness/localDockerd";
import { unwrapSecret } from "../harness/mocks";
import { ClientAnswer, PrivateNetwork } from "../harness/privateNetwork";
import { ProgramRun, resolve, runProgram, validConfig } from "../harness/program";
import { ProvisionedHost, provisionHost, provisioners } from "../harness/provisionedHost";
import { recordedOutputs } from "../harness/recordedOutputs";
import { generatePrivateKeyPem, publicKeyPemOf, selfSignedCertPem, signedCertPem } from "../harness/realPki";
import { requireRoot, requireTools } from "../harness/tools";

const fileType = "pulumi-nodejs:dynamic/azure-docker-host:VolumeFile";

interface ProviderMaterial {
    readonly host: string;
    readonly caCertPem: string;
    readonly certPem: string;
    readonly keyPem: string;
}

interface HttpAnswer extends ClientAnswer {
    readonly status?: number;
    readonly body?: string;
}

/** What the program handed docker.Provider, unwrapped: exactly what the provider would dial with. */
function providerMaterial(run: ProgramRun): ProviderMaterial {
    const provider = run.one("pulumi:providers:docker", "docker-docker").inputs;
    return {
        host: String(unwrapSecret(provider.host)),
        caCertPem: String(unwrapSecret(provider.caMaterial)),
        certPem: String(unwrapSecret(provider.certMaterial)),
        keyPem: String(unwrapSecret(provider.keyMaterial)),
    };
}

/** Checks of what the provisioning did on the VM, beyond the daemon it configured. */
function checkProvisioning(host: ProvisionedHost, serverKeyPem: string): void {
    const cloudInit = host.first.details;
    if (cloudInit === undefined) {
        return;
    }
    assert.deepStrictEqual(
        cloudInit.installed.map((file) => [file.path, file.mode, file.uid]),
        [
            ["/etc/docker/daemon.json", "0644", 0],
            ["/etc/docker/tls/ca.pem", "0444", 0],
            ["/etc/docker/tls/server-cert.pem", "0444", 0],
            ["/etc/docker/tls/server-key.pem", "0400", 0],
        ],
    );
    assert.deepStrictEqual(cloudInit.serviceCalls, [
        "cloud-init status --wait",
        "systemctl daemon-reload",
        "systemctl enable docker.service",
        "systemctl restart docker.service",
        "systemctl is-active --quiet docker.service",
    ]);
    assert.strictEqual(cloudInit.execStart, "dockerd --containerd=/run/containerd/containerd.sock");
    // The handler keeps its download folder; the script must not leave the server key in it.
    assert.deepStrictEqual(cloudInit.leftInDownloadFolder.map((file) => file.name).sort(), ["stderr", "stdout"]);
    const keyBody = serverKeyPem.split("\n")[1] ?? "";
    assert.ok(keyBody.length > 20);
    for (const file of cloudInit.leftInDownloadFolder) {
        assert.ok(!file.content.includes(keyBody), `${file.name} holds the server key`);
    }
}

for (const provisioner of provisioners) {
    /**
     * The whole host, rehearsed: the program is evaluated with real keys and certificates, the daemon
     * is configured from what the program passed to the VM, and everything talks to it with exactly
     * the material the program gave the docker provider (host rewritten to 127.0.0.1, which the server
     * certificate names). The daemon runs in a private network namespace and is removed afterwards.
     */
    describe(`the whole host with the ${provisioner} provisioner (rehearsal)`, function () {
        this.timeout(300_000);
        let run: ProgramRun;
        let material: ProviderMaterial;
        let network: PrivateNetwork | undefined;
        let daemon: LocalDockerd | undefined;
        let cli: TlsDockerCli | undefined;
        let port: number;
        let host: ProvisionedHost;

        before(async function () {
            requireRoot(this);
            requireTools(this, "dockerd", "docker", "unshare", "nsenter", "busybox", "tar");
            run = await runProgram(validConfig({ provisioner }), { realTls: true });
            material = providerMaterial(run);
            port = Number(/:(\d+)$/.exec(material.host)?.[1]);
            host = provisionHost(provisioner, run);
            network = await PrivateNetwork.create();
            daemon = await LocalDockerd.start(network, host.first.launch, { executable: host.executable });
            cli = new TlsDockerCli(network, `tcp://127.0.0.1:${port}`, material);
        });

        after(async () => {
            cli?.dispose();
            await daemon?.stop();
            await network?.close();
        });

        const https = (overrides: { cert?: string; key?: string; host?: string } = {}) => ({
            kind: "https",
            host: overrides.host ?? "127.0.0.1",
            port,
            path: "/_ping",
            ca: material.caCertPem,
            cert: "cert" in overrides ? overrides.cert : material.certPem,
            key: "key" in overrides ? overrides.key : material.keyPem,
        });

        /** A dynamic provider's dialing inputs, pointed at this daemon with the provider's material. */
        const dial = () => ({
            host: "127.0.0.1",
            port,
            caCertPem: material.caCertPem,
            clientCertPem: material.certPem,
            clientKeyPem: material.keyPem,
        });

        async function ask(requests: object[]): Promise<HttpAnswer[]> {
            const answer = await network!.ask<{ answers: HttpAnswer[] }>({ kind: "batch", requests });
            return answer.answers;
        }

        it("configures the daemon as the VM would be configured, and leaves no copy of the server key behind", async () => {
            assert.match(material.host, /^tcp:\/\/dev-[0-9a-f]{6}\.eastasia\.cloudapp\.azure\.com:2376$/);
            const serverKey = run.one("tls:index/privateKey:PrivateKey", "docker-server-key").outputs.privateKeyPem;
            checkProvisioning(host, await resolve(pulumi.output(serverKey as string)));
        });

        it("answers /_ping and docker version over mutual TLS with the provider's material", async () => {
            const [ping] = await ask([https()]);
            assert.deepStrictEqual([ping?.ok, ping?.status, ping?.body], [true, 200, "OK"]);
            const version = await cli!.json<{ Server: { ApiVersion: string } }>(["version", "--format", "{{json .}}"]);
            assert.match(version.Server.ApiVersion, /^1\.\d+$/);
        });

        it("lets the readiness gate, as Pulumi serializes it, through", async () => {
            const gate = run.one("pulumi-nodejs:dynamic/azure-docker-host:DockerReadinessGate", "docker-ready").inputs;
            const [answer] = await ask([
                {
                    kind: "dynamic",
                    provider: gate.__provider,
                    method: "create",
                    inputs: {
                        ...dial(),
                        serverCertPem: gate.serverCertPem,
                        timeoutSeconds: 30,
                        revision: "rehearsal",
                    },
                },
            ]);
            assert.ok(answer?.ok, answer?.error);
        });

        it("is reachable through the docker context and the environment docker-env writes", async () => {
            const home = fs.mkdtempSync(path.join(os.tmpdir(), "adh-docker-env-"));
            try {
                const outputsFile = path.join(home, "outputs.json");
                // As the stack would export them, with the host rewritten to where this daemon listens.
                fs.writeFileSync(
                    outputsFile,
                    JSON.stringify(await recordedOutputs(run, { dockerHost: `tcp://127.0.0.1:${port}` })),
                );
                const env = { PATH: process.env.PATH, HOME: home };
                const written = dockerEnvCli(["--stack", "dev", "--shell", "bash", "--outputs-file", outputsFile], env);
                assert.strictEqual(written.status, 0, written.stderr);
                const viaContext = await network!.run(
                    "docker",
                    ["--context", "azure-docker-host-dev", "version", "--format", "{{.Server.Version}}"],
                    undefined,
                    env,
                );
                assert.strictEqual(viaContext.status, 0, viaContext.stderr);
                assert.match(viaContext.stdout.trim(), /^\d+\.\d+/);
                const viaEnvironment = await network!.run(
                    "bash",
                    ["-c", `eval "$1" && docker version --format '{{.Server.Version}}'`, "bash", written.stdout],
                    undefined,
                    env,
                );
                assert.strictEqual(viaEnvironment.status, 0, viaEnvironment.stderr);
                assert.match(viaEnvironment.stdout.trim(), /^\d+\.\d+/);

                // From a directory outside the repository, through npx, as a user's own project calls it.
                const outside = await network!.run(
                    "bash",
                    [
                        "-c",
                        'cd "$1" && eval "$(npx --prefix "$2" azure-docker-host env --stack dev --outputs-file "$3")" && docker ps --format "{{.ID}}" && echo reached "$DOCKER_HOST"',
                        "bash",
                        os.tmpdir(),
                        path.resolve(__dirname, "..", ".."),
                        outputsFile,
                    ],
                    undefined,
                    env,
                );
                assert.strictEqual(outside.status, 0, outside.stderr);
                assert.match(outside.stdout, new RegExp(`^reached tcp://127\\.0\\.0\\.1:${port}$`, "m"));
            } finally {
                fs.rmSync(home, { recursive: true, force: true });
            }
        });

        it("answers status and ls with the daemon's version, the served certificate's expiry and the services", async () => {
            const stubs = StubTools.create({ loggedIn: false });
            const home = fs.mkdtempSync(path.join(os.tmpdir(), "adh-status-"));
            try {
                const recorded = await recordedOutputs(run, { dockerHost: `tcp://127.0.0.1:${port}` });
                stubs.setOutputs("dev", recorded);
                const env = {
                    PATH: `${stubs.bin}:${process.env.PATH}`,
                    HOME: home,
                    AZURE_TOKEN_CREDENTIALS: "AzureCliCredential",
                };
                const status = await network!.run(
                    process.execPath,
                    [toolEntry, "status", "--stack", "dev"],
                    undefined,
                    env,
                );
                assert.strictEqual(status.status, 0, status.stderr + status.stdout);
                assert.match(status.stdout, /^docker: +answers \(Docker \d+\.\d+/m);
                assert.match(status.stdout, /^services: +redis absent, mongodb absent$/m);
                // Azure cannot be asked here (no login): the VM's state is unknown, the daemon still judged.
                assert.match(status.stdout, /^vm: +unknown \(.*az login/m);
                const expiry = /^certificate expires: +(\S+)$/m.exec(status.stdout)?.[1];
                const served = run.one("pulumi-nodejs:dynamic/azure-docker-host:DockerReadinessGate", "docker-ready");
                const issued = new X509Certificate(String(served.inputs.serverCertPem)).validTo;
                assert.strictEqual(new Date(expiry ?? "").getTime(), new Date(issued).getTime());
                const list = await network!.run(process.execPath, [toolEntry, "ls"], undefined, env);
                assert.strictEqual(list.status, 0, list.stderr);
                assert.match(list.stdout, /^STACK +REGION +PROVISIONER +VM +URL +DOCKER +SERVICES$/m);
                assert.match(
                    list.stdout,
                    new RegExp(`^dev +eastasia +\\S+ +unknown .*tcp://127\\.0\\.0\\.1:${port} +answers`, "m"),
                );
            } finally {
                stubs.dispose();
                fs.rmSync(home, { recursive: true, force: true });
            }
        });

        describe("refuses what it must refuse", () => {
            let stranger: { certPem: string; keyPem: string };
            let serverOnly: { certPem: string; keyPem: string };
            let expired: { certPem: string; keyPem: string };

            before(async () => {
                const caKey = String(
                    unwrapSecret(run.one("tls:index/selfSignedCert:SelfSignedCert", "docker-ca").inputs.privateKeyPem),
                );
                const ours = { certPem: material.caCertPem, keyPem: caKey };
                const issue = async (issuer: { certPem: string; keyPem: string }, uses: string[], window = {}) => {
                    const keyPem = await generatePrivateKeyPem({ algorithm: "ECDSA", ecdsaCurve: "P256" });
                    const spec = { subject: { commonName: "rehearsal" }, allowedUses: uses, ...window };
                    return { certPem: await signedCertPem(publicKeyPemOf(keyPem), spec, issuer), keyPem };
                };
                const otherCaKey = await generatePrivateKeyPem({ algorithm: "ECDSA", ecdsaCurve: "P256" });
                const otherCa = {
                    certPem: await selfSignedCertPem(otherCaKey, {
                        subject: { commonName: "another CA" },
                        isCaCertificate: true,
                        allowedUses: ["cert_signing"],
                    }),
                    keyPem: otherCaKey,
                };
                stranger = await issue(otherCa, ["digital_signature", "client_auth"]);
                serverOnly = await issue(ours, ["digital_signature", "server_auth"]);
                const day = 24 * 3_600_000;
                expired = await issue(ours, ["digital_signature", "client_auth"], {
                    notBefore: new Date(Date.now() - 3 * day),
                    notAfter: new Date(Date.now() - day),
                });
            });

            it("a client without a certificate, one from another CA, a server-only certificate, an expired one", async () => {
                const answers = await ask([
                    https({ cert: undefined, key: undefined }),
                    https({ cert: stranger.certPem, key: stranger.keyPem }),
                    https({ cert: serverOnly.certPem, key: serverOnly.keyPem }),
                    https({ cert: expired.certPem, key: expired.keyPem }),
                    https(),
                ]);
                const cases = ["no client certificate", "another CA", "serverAuth only", "expired"];
                cases.forEach((name, index) => {
                    const answer = answers[index];
                    assert.strictEqual(answer?.ok, false, `${name}: the daemon answered ${answer?.status}`);
                    assert.match(answer?.error ?? "", /certificate|alert|hang up|ECONNRESET/i, name);
                });
                assert.strictEqual(answers[4]?.status, 200, "the control request with the right certificate failed");
            });

            it("plain HTTP on the TLS port", async () => {
                const [answer] = await ask([{ kind: "http", host: "127.0.0.1", port, path: "/_ping" }]);
                assert.strictEqual(answer?.status, 400);
                assert.match(answer?.body ?? "", /HTTP request to an HTTPS server/);
            });

            it("a host name the server certificate does not name (the client refuses the daemon)", async () => {
                const [answer] = await ask([https({ host: "127.0.0.2" })]);
                assert.strictEqual(answer?.ok, false);
                assert.match(answer?.error ?? "", /IP: 127\.0\.0\.2 is not in the cert's list/);
            });
        });

        describe("runs the services' containers with the program's hardening through the TLS connection", () => {
            const image = "rehearsal/busybox:static";
            const containers: Record<string, string> = {};
            /** Each service's container as the program declared it, run with the stand-in image. */
            const services = [
                { resource: "docker-redis", name: "rehearsal-redis", dataPath: "/data" },
                { resource: "docker-mongodb", name: "rehearsal-mongodb", dataPath: "/data/db" },
            ];
            const declared = (resource: string) =>
                run.one("docker:index/container:Container", resource).inputs as unknown as DeclaredContainer;
            const secretFile = (resource: string) => run.one(fileType, `${resource}-secret-file`).inputs;
            /** Where the secret file is in the container: its volume's mount, then its name. */
            const secretPath = (resource: string) => {
                const file = secretFile(resource);
                const mount = declared(resource).volumes.find((volume) => volume.volumeName === file.volume);
                return `${mount!.containerPath}/${String(file.fileName)}`;
            };

            before(async () => {
                const rootfs = busyboxRootfsTar();
                try {
                    const imported = await cli!.run(["import", rootfs.tar, image]);
                    assert.strictEqual(imported.status, 0, imported.stderr);
                } finally {
                    rootfs.dispose();
                }
                const network = await cli!.run([
                    "network",
                    "create",
                    "--driver",
                    "bridge",
                    declared("docker-redis").networksAdvanced[0]!.name,
                ]);
                assert.strictEqual(network.status, 0, network.stderr);
                for (const service of services) {
                    const file = secretFile(service.resource);
                    for (const volume of declared(service.resource).volumes) {
                        assert.strictEqual((await cli!.run(["volume", "create", volume.volumeName])).status, 0);
                    }
                    // The program's VolumeFile provider, as Pulumi serializes it, writes the secret first.
                    const [written] = await ask([
                        {
                            kind: "dynamic",
                            provider: file.__provider,
                            method: "create",
                            inputs: {
                                ...dial(),
                                volume: file.volume,
                                image,
                                fileName: file.fileName,
                                content: unwrapSecret(file.content),
                                uid: file.uid,
                                gid: file.gid,
                                mode: file.mode,
                            },
                        },
                    ]);
                    assert.ok(written?.ok, written?.error);
                    const created = await cli!.run([
                        "create",
                        "--name",
                        service.name,
                        ...dockerCreateFlags(declared(service.resource)),
                        // The program's timing, with a check busybox can run: the secret is readable
                        // by the service's user, and the service has written to its volume.
                        `--health-cmd=test -r ${secretPath(service.resource)} && test -f ${service.dataPath}/ready`,
                        image,
                        "sh",
                        "-c",
                        `touch ${service.dataPath}/ready && exec sleep 3600`,
                    ]);
                    assert.strictEqual(created.status, 0, created.stderr);
                    const id = created.stdout.trim();
                    const started = await cli!.run(["start", id]);
                    assert.strictEqual(started.status, 0, started.stderr);
                    containers[service.resource] = id;
                }
            });

            it("shows why the docker provider's own uploads cannot serve these containers: it extracts at /", async () => {
                const work = fs.mkdtempSync(path.join(os.tmpdir(), "adh-upload-"));
                try {
                    const tar = path.join(work, "upload.tar");
                    const target = secretPath("docker-redis");
                    fs.writeFileSync(
                        tar,
                        tarArchive([{ name: target, content: "x", uid: 999, gid: 999, mode: 0o400 }]),
                    );
                    const upload = await cli!.run(["cp", "-", `${containers["docker-redis"]!}:/`], tar);
                    assert.notStrictEqual(upload.status, 0);
                    assert.match(upload.stderr, /container rootfs is marked read-only/);
                } finally {
                    fs.rmSync(work, { recursive: true, force: true });
                }
            });

            it("shows every declared option in docker inspect", async () => {
                for (const service of services) {
                    const inputs = declared(service.resource);
                    const [inspected] = await cli!.json<any[]>(["inspect", containers[service.resource]!]);
                    const host = inspected.HostConfig;
                    assert.strictEqual(host.Memory, inputs.memory * 1024 * 1024);
                    assert.strictEqual(host.MemorySwap, inputs.memorySwap * 1024 * 1024);
                    assert.strictEqual(host.RestartPolicy.Name, "unless-stopped");
                    assert.deepStrictEqual(host.SecurityOpt, ["no-new-privileges:true"]);
                    assert.deepStrictEqual([host.Init, host.Privileged, host.ReadonlyRootfs], [true, false, true]);
                    assert.deepStrictEqual([host.CapDrop, host.CapAdd ?? []], [["ALL"], []]);
                    assert.strictEqual(inspected.Config.User, "999:999");
                    assert.deepStrictEqual(host.Tmpfs ?? {}, inputs.tmpfs ?? {});
                    const port = inputs.ports[0]!;
                    assert.deepStrictEqual(host.PortBindings[`${port.internal}/tcp`], [
                        { HostIp: "127.0.0.1", HostPort: String(port.external) },
                    ]);
                    assert.deepStrictEqual(
                        inspected.Mounts.map((mount: any) => [mount.Type, mount.Name, mount.Destination]).sort(),
                        inputs.volumes.map((volume) => ["volume", volume.volumeName, volume.containerPath]).sort(),
                    );
                }
            });

            it("becomes healthy as its own user, with the secret 0400 for that user, no capability, and a root it cannot write", async () => {
                for (const service of services) {
                    const id = containers[service.resource]!;
                    for (let attempt = 0; ; attempt++) {
                        const [inspected] = await cli!.json<any[]>(["inspect", id]);
                        if (inspected.State.Health?.Status === "healthy") {
                            break;
                        }
                        assert.ok(attempt < 60, `${service.resource} never became healthy`);
                        await new Promise((resolve) => setTimeout(resolve, 1_000));
                    }
                    const stat = await cli!.run(["exec", id, "stat", "-c", "%u:%g %a", secretPath(service.resource)]);
                    assert.strictEqual(stat.stdout.trim(), "999:999 400", `${service.resource}: ${stat.stderr}`);
                    const capabilities = await cli!.run(["exec", id, "grep", "^CapEff", "/proc/self/status"]);
                    assert.match(capabilities.stdout, /^CapEff:\s+0+$/m, service.resource);
                    const write = await cli!.run(["exec", id, "touch", "/probe"]);
                    assert.notStrictEqual(write.status, 0);
                    assert.match(write.stderr, /Read-only file system/);
                }
                const tmp = await cli!.run(["exec", containers["docker-mongodb"]!, "touch", "/tmp/mongodb-27017.sock"]);
                assert.strictEqual(tmp.status, 0, `mongodb cannot write its socket's folder: ${tmp.stderr}`);
            });

            it("gets its pids limit from the program's ContainerPidsLimit provider, and the limit holds", async () => {
                const limit = run.one(
                    "pulumi-nodejs:dynamic/azure-docker-host:ContainerPidsLimit",
                    "docker-redis-pids",
                ).inputs;
                const containerId = containers["docker-redis"]!;
                const [answer] = await ask([
                    {
                        kind: "dynamic",
                        provider: limit.__provider,
                        method: "create",
                        inputs: {
                            ...dial(),
                            containerId,
                            pidsLimit: limit.pidsLimit,
                        },
                    },
                ]);
                assert.ok(answer?.ok, answer?.error);
                const [inspected] = await cli!.json<any[]>(["inspect", containerId]);
                assert.strictEqual(inspected.HostConfig.PidsLimit, limit.pidsLimit);
                const forkBomb = await cli!.run([
                    "exec",
                    containerId,
                    "sh",
                    "-c",
                    `for i in $(seq 1 ${Number(limit.pidsLimit) + 50}); do sleep 30 & done`,
                ]);
                assert.match(forkBomb.stderr + forkBomb.stdout, /can't fork/);
            });
        });
    });
}
