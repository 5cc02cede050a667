import "../harness/mocks";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { isSecretValue, mocks, unwrapSecret } from "../harness/mocks";
import { fakePem } from "../harness/plausibleState";
import { ProgramRun, runProgram, validConfig } from "../harness/program";

const containerType = "docker:index/container:Container";
const gateType = "pulumi-nodejs:dynamic/azure-docker-host:DockerReadinessGate";
const pidsType = "pulumi-nodejs:dynamic/azure-docker-host:ContainerPidsLimit";
const dockerTypes = /^docker:index\//;

interface Upload {
    file: string;
    content: string;
    owner: string;
    group: string;
    permissions: string;
}

const container = (run: ProgramRun, name: string) => run.one(containerType, name).inputs as Record<string, any>;
/** A generated password, as the mocks produce it for this RandomPassword. */
describe("Services component", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram(validConfig(), {
            prepare: () =>
                mocks.overrideState(gateType, () => ({ dockerHost: "tcp://answered-by-the-gate.invalid:2376" })),
        });
    });

    it("points one docker provider at the gate's host with all three TLS materials as secrets", () => {
        const [provider, ...others] = run.ofType("pulumi:providers:docker");
        assert.ok(provider, "no docker provider");
        assert.deepStrictEqual(others, []);
        assert.strictEqual(provider.name, "docker-docker");
        assert.strictEqual(unwrapSecret(provider.inputs.host), "tcp://answered-by-the-gate.invalid:2376");
        for (const [input, pem] of [
            ["caMaterial", fakePem("CERTIFICATE", "docker-ca")],
            ["certMaterial", fakePem("CERTIFICATE", "docker-client-cert")],
            ["keyMaterial", fakePem("PRIVATE KEY", "docker-client-key")],
        ] as const) {
            assert.ok(isSecretValue(provider.inputs[input]), `${input} is not secret`);
            assert.strictEqual(unwrapSecret(provider.inputs[input]), pem);
        }
    });

    it("declares every docker resource through that provider, never a default one", () => {
        const dockerResources = run.resources.filter((resource) => dockerTypes.test(resource.type));
        assert.ok(dockerResources.length >= 8);
        for (const resource of dockerResources) {
            assert.match(
                resource.provider ?? "",
                /pulumi:providers:docker::docker-docker::docker-docker-id$/,
                `${resource.name} uses ${resource.provider}`,
            );
        }
    });

    it("puts both containers on one private bridge network", () => {
        assert.deepStrictEqual(run.one("docker:index/network:Network", "docker-network").inputs, {
            name: "azure-docker-host",
            driver: "bridge",
        });
        for (const name of ["docker-redis", "docker-mongodb"]) {
            assert.deepStrictEqual(
                container(run, name).networksAdvanced.map((network: { name: string }) => network.name),
                ["azure-docker-host"],
            );
        }
    });

    for (const [name, memory, pids] of [
        ["docker-redis", 256, 128],
        ["docker-mongodb", 1024, 512],
    ] as const) {
        describe(`the ${name.replace("docker-", "")} container`, () => {
            it("has a health check, a restart policy, memory without extra swap, and no privileges", () => {
                const inputs = container(run, name);
                assert.ok(inputs.healthcheck.tests.length > 1);
                assert.match(inputs.healthcheck.tests[0], /^CMD(-SHELL)?$/);
                assert.strictEqual(inputs.restart, "unless-stopped");
                assert.strictEqual(inputs.memory, memory);
                assert.strictEqual(inputs.memorySwap, memory);
                assert.deepStrictEqual(inputs.securityOpts, ["no-new-privileges:true"]);
                assert.strictEqual(inputs.privileged, false);
                assert.strictEqual(inputs.wait, true);
            });

            it(`gets a cgroup pids limit of ${pids} through the Engine API`, () => {
                const limit = run.one(pidsType, `${name}-pids`);
                assert.strictEqual(limit.inputs.pidsLimit, pids);
                assert.strictEqual(limit.inputs.containerId, `${name}-id`);
                assert.ok(isSecretValue(limit.inputs.clientKeyPem));
                assert.ok(limit.options.additionalSecretOutputs.includes("clientKeyPem"));
            });

            it("publishes its port on the VM's loopback only, and never mounts the Docker socket", () => {
                const inputs = container(run, name);
                assert.ok(inputs.ports.length > 0);
                for (const port of inputs.ports) {
                    assert.strictEqual(port.ip, "127.0.0.1");
                }
                assert.doesNotMatch(JSON.stringify(inputs.volumes), /docker\.sock/);
            });

            it("keeps its password out of the command line and the environment", () => {
                const inputs = container(run, name);
                const visible = JSON.stringify([
                    inputs.command,
                    inputs.envs ?? [],
                    inputs.healthcheck,
                    inputs.entrypoints ?? [],
                ]);
                assert.doesNotMatch(visible, /MockPassword/);
                // A secret inside the list makes the whole list secret on the wire.
                assert.ok(isSecretValue(inputs.uploads), "the uploads go in the clear");
                const uploads = unwrapSecret<Upload[]>(inputs.uploads);
                assert.ok(uploads.length > 0);
                for (const upload of uploads) {
                    assert.strictEqual(upload.permissions, "0400");
                    assert.strictEqual(upload.owner, "999");
                }
            });

            it("keeps its data on a named volume that a destroy leaves in place", () => {
                const volumes = run
                    .ofType("docker:index/volume:Volume")
                    .filter((volume) => volume.name.startsWith(`${name}-`));
                assert.ok(volumes.length > 0);
                for (const volume of volumes) {
                    assert.ok(
                        container(run, name).volumes.some(
                            (mount: { volumeName: string }) => mount.volumeName === volume.inputs.name,
                        ),
                    );
                }
            });
        });
    }

    it("runs the pinned redis image with append-only persistence and a password from its config file", () => {
        assert.deepStrictEqual(run.one("docker:index/remoteImage:RemoteImage", "docker-redis-image").inputs, {
            name: "redis:7.4.2-bookworm",
            keepLocally: true,
        });
        const inputs = container(run, "docker-redis");
        assert.deepStrictEqual(inputs.command, ["redis-server", "/usr/local/etc/redis/redis.conf"]);
        assert.deepStrictEqual(inputs.volumes, [{ volumeName: "redis-data", containerPath: "/data" }]);
        const config = unwrapSecret<Upload[]>(inputs.uploads)[0]?.content as string;
        assert.match(config, /^requirepass MockPassword[0-9a-f]{24}$/m);
        assert.match(config, /^appendonly yes$/m);
        assert.match(config, /^maxmemory 192mb$/m);
        assert.match(inputs.healthcheck.tests[1], /REDISCLI_AUTH=.*redis-cli ping/);
    });

    it("builds mongodb on the remote daemon from images/mongodb, without pushing it", () => {
        const image = run.one("docker:index/image:Image", "docker-mongodb-image");
        assert.strictEqual(image.inputs.skipPush, true);
        assert.strictEqual(image.inputs.buildOnPreview, false);
        assert.deepStrictEqual(image.inputs.build, {
            context: "images/mongodb",
            platform: "linux/amd64",
            args: { MONGO_BASE_IMAGE: "mongo:7.0.16-jammy" },
        });
        assert.strictEqual(image.inputs.registry, undefined);
        assert.ok(fs.existsSync(path.join("images", "mongodb", "Dockerfile")));
        assert.match(container(run, "docker-mongodb").image, /^azure-docker-host\/mongodb:7\.0\.16-jammy@sha256:/);
    });

    it("creates mongodb's root user from a password file and runs the Dockerfile's health check", () => {
        const inputs = container(run, "docker-mongodb");
        assert.deepStrictEqual(inputs.envs, [
            "MONGO_INITDB_ROOT_USERNAME=root",
            "MONGO_INITDB_ROOT_PASSWORD_FILE=/run/secrets/mongodb-root-password",
        ]);
        const [passwordFile] = unwrapSecret<Upload[]>(inputs.uploads);
        assert.strictEqual(passwordFile?.file, "/run/secrets/mongodb-root-password");
        assert.match(String(passwordFile?.content), /^MockPassword[0-9a-f]{24}$/);
        assert.deepStrictEqual(inputs.healthcheck.tests, [
            "CMD",
            "mongosh",
            "--quiet",
            "--norc",
            "--eval",
            "quit(db.adminCommand({ ping: 1 }).ok === 1 ? 0 : 1)",
        ]);
        assert.deepStrictEqual(inputs.command, [
            "mongod",
            "--config",
            "/etc/mongod.conf",
            "--wiredTigerCacheSizeGB",
            "0.37",
        ]);
        assert.deepStrictEqual(
            inputs.volumes.map((volume: { containerPath: string }) => volume.containerPath),
            ["/data/db", "/data/configdb"],
        );
    });

    it("exports secret connection strings for a client on the host, and the SSH tunnel to reach them", async () => {
        assert.ok(await run.outputIsSecret("redisConnectionString"));
        assert.ok(await run.outputIsSecret("mongodbConnectionString"));
        assert.match(
            await run.output<string>("redisConnectionString"),
            /^redis:\/\/:MockPassword[0-9a-f]{24}@127\.0\.0\.1:6379\/0$/,
        );
        assert.match(
            await run.output<string>("mongodbConnectionString"),
            /^mongodb:\/\/root:MockPassword[0-9a-f]{24}@127\.0\.0\.1:27017\/\?authSource=admin$/,
        );
        assert.match(
            await run.output<string>("servicesTunnelCommand"),
            /^ssh -N -L 6379:127\.0\.0\.1:6379 -L 27017:127\.0\.0\.1:27017 azureuser@dev-[0-9a-f]{6}\.eastasia\.cloudapp\.azure\.com$/,
        );
        for (const name of ["docker-redis-password", "docker-mongodb-root-password"]) {
            assert.deepStrictEqual(run.one("random:index/randomPassword:RandomPassword", name).inputs, {
                length: 32,
                special: false,
            });
        }
    });

    it("publishes nothing and offers no tunnel when both services say none", async () => {
        const closed = await runProgram(validConfig({ redisPublish: "none", mongodbPublish: "none" }));
        for (const name of ["docker-redis", "docker-mongodb"]) {
            assert.deepStrictEqual(container(closed, name).ports, []);
        }
        assert.strictEqual(await closed.output("servicesTunnelCommand"), undefined);
        assert.match(await closed.output<string>("redisConnectionString"), /@redis:6379\/0$/);
    });

    it("declares no container for a disabled service", async () => {
        const redisOnly = await runProgram(validConfig({ mongodbEnabled: "false", redisMemoryMb: "512" }));
        assert.deepStrictEqual(
            redisOnly.ofType(containerType).map((resource) => resource.name),
            ["docker-redis"],
        );
        assert.deepStrictEqual(redisOnly.ofType("docker:index/image:Image"), []);
        assert.strictEqual(await redisOnly.output("mongodbConnectionString"), undefined);
        assert.strictEqual(container(redisOnly, "docker-redis").memory, 512);
    });
});
