import "../../harness/mocks";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ServiceArgs, Services, ServicesArgs } from "../../../components/services";
import { parsePinnedImage } from "../../../catalogue/imageReference";
import { ComponentRun, declareUnderMocks } from "../../harness/component";
import { isSecretValue, unwrapSecret } from "../../harness/mocks";
import { fakeClientBundle, fakeKeyPem } from "../../harness/fakeTls";
import { resolve } from "../../harness/program";

const containerType = "docker:index/container:Container";
const pidsType = "pulumi-nodejs:dynamic/azure-docker-host:ContainerPidsLimit";
const volumeType = "docker:index/volume:Volume";
const fileType = "pulumi-nodejs:dynamic/azure-docker-host:VolumeFile";

const client = fakeClientBundle;
const image = (reference: string) => parsePinnedImage(reference)!;
const redis: ServiceArgs = { image: image("redis:7.4.2-bookworm"), memoryMb: 256, publish: "localhost" };
const mongodb: ServiceArgs = { image: image("mongo:7.0.16-jammy"), memoryMb: 1024, publish: "localhost" };

const declare = (overrides: Partial<ServicesArgs> = {}) =>
    declareUnderMocks(
        () =>
            new Services("docker", {
                endpoint: { host: "answered-by-the-gate.invalid", port: 2376 },
                client,
                redis,
                mongodb,
                ...overrides,
            }),
    );
const container = (run: ComponentRun<Services>, name: string) =>
    run.one(containerType, name).inputs as Record<string, any>;

describe("Services component", () => {
    let run: ComponentRun<Services>;
    before(async () => {
        run = await declare();
    });

    it("points one docker provider at the gate's endpoint with all three TLS materials as secrets", () => {
        const [provider, ...others] = run.ofType("pulumi:providers:docker");
        assert.deepStrictEqual(others, []);
        assert.strictEqual(provider!.name, "docker-docker");
        assert.strictEqual(unwrapSecret(provider!.inputs.host), "tcp://answered-by-the-gate.invalid:2376");
        for (const [input, pem] of [
            ["caMaterial", client.caCertPem],
            ["certMaterial", client.certPem],
            ["keyMaterial", fakeKeyPem("client")],
        ] as const) {
            assert.ok(isSecretValue(provider!.inputs[input]), `${input} is not secret`);
            assert.strictEqual(unwrapSecret(provider!.inputs[input]), pem);
        }
    });

    it("declares every docker resource through that provider, never a default one", () => {
        const dockerResources = run.resources.filter((resource) => resource.type.startsWith("docker:index/"));
        assert.ok(dockerResources.length >= 10);
        for (const resource of dockerResources) {
            assert.match(
                resource.provider ?? "",
                /pulumi:providers:docker::docker-docker::docker-docker-id$/,
                resource.name,
            );
        }
    });

    it("puts both containers on one private bridge network, by their names", () => {
        assert.deepStrictEqual(run.one("docker:index/network:Network", "docker-network").inputs, {
            name: "azure-docker-host",
            driver: "bridge",
        });
        for (const [name, alias] of [
            ["docker-redis", "redis"],
            ["docker-mongodb", "mongodb"],
        ]) {
            assert.deepStrictEqual(container(run, name!).networksAdvanced, [
                { name: "azure-docker-host", aliases: [alias] },
            ]);
        }
    });

    // Each service with what the stack asked of it; the specs check properties, not the code's constants.
    for (const [name, memory] of [
        ["docker-redis", redis.memoryMb],
        ["docker-mongodb", mongodb.memoryMb],
    ] as const) {
        describe(`the ${name.replace("docker-", "")} container, in the hardened block`, () => {
            it("drops every capability and adds none back, runs as the image's user, on a read-only root", () => {
                const inputs = container(run, name);
                assert.deepStrictEqual(inputs.capabilities, { drops: ["ALL"], adds: [] });
                // A user of the image by number, never root: uid and gid both above 0.
                assert.match(inputs.user, /^[1-9]\d*:[1-9]\d*$/);
                assert.strictEqual(inputs.readOnly, true);
                assert.deepStrictEqual(inputs.securityOpts, ["no-new-privileges:true"]);
                assert.deepStrictEqual([inputs.privileged, inputs.init], [false, true]);
            });

            it("has a health check it waits for, a restart policy, and memory without extra swap", () => {
                const inputs = container(run, name);
                assert.match(inputs.healthcheck.tests[0], /^CMD(-SHELL)?$/);
                assert.deepStrictEqual(
                    [inputs.restart, inputs.memory, inputs.memorySwap, inputs.wait],
                    ["unless-stopped", memory, memory, true],
                );
            });

            it("states its health check's durations as the Engine API reports them, so a preview finds no change", () => {
                const { interval, timeout, startPeriod } = container(run, name).healthcheck;
                for (const duration of [interval, timeout, startPeriod]) {
                    assert.strictEqual(duration, goDuration(seconds(duration)), `${duration} reads back differently`);
                }
            });

            it("gets a bounded cgroup pids limit through the Engine API, at the gate's endpoint", () => {
                const limit = run.one(pidsType, `${name}-pids`);
                // Enough for the server's threads, far from what a fork bomb needs to hurt the host.
                const pids = limit.inputs.pidsLimit as number;
                assert.ok(Number.isInteger(pids) && pids >= 64 && pids <= 1024, `pids limit ${pids}`);
                assert.deepStrictEqual(
                    [limit.inputs.containerId, limit.inputs.host, limit.inputs.port],
                    [`${name}-id`, "answered-by-the-gate.invalid", 2376],
                );
                assert.ok(isSecretValue(limit.inputs.clientKeyPem));
                assert.ok(limit.options.additionalSecretOutputs.includes("clientKeyPem"));
            });

            it("publishes its port on the VM's loopback only, and never mounts the Docker socket", () => {
                const inputs = container(run, name);
                assert.ok(inputs.ports.length > 0);
                assert.ok(inputs.ports.every((port: { ip: string }) => port.ip === "127.0.0.1"));
                assert.doesNotMatch(JSON.stringify(inputs.volumes), /docker\.sock/);
            });

            it("keeps its password in one file readable by its user alone, on a volume it mounts read-only", () => {
                const inputs = container(run, name);
                const visible = JSON.stringify([inputs.command, inputs.envs ?? [], inputs.healthcheck]);
                assert.doesNotMatch(visible, /MockPassword/);
                // The provider's uploads extract at / and a read-only root refuses them: none here.
                assert.strictEqual(inputs.uploads, undefined);
                const file = run.one(fileType, `${name}-secret-file`).inputs;
                assert.ok(isSecretValue(file.content), "the secret file goes in the clear");
                assert.match(String(unwrapSecret(file.content)), /MockPassword/);
                // Owned by the user the container runs as, readable by it alone.
                assert.strictEqual(`${String(file.uid)}:${String(file.gid)}`, inputs.user);
                assert.strictEqual(file.mode, 0o400);
                assert.ok(isSecretValue(file.clientKeyPem));
                assert.ok(run.one(fileType, `${name}-secret-file`).options.additionalSecretOutputs.includes("content"));
                const mount = inputs.volumes.find(
                    (volume: { volumeName: string }) => volume.volumeName === file.volume,
                );
                assert.strictEqual(mount?.readOnly, true, "the secret's volume is writable from the container");
                // Named as declared, so a preview knows it while the volume updates, and written once the volume exists.
                const volume = run
                    .ofType("docker:index/volume:Volume")
                    .find((declared) => declared.inputs.name === file.volume);
                assert.ok(volume, `no volume named ${String(file.volume)}`);
                const dependencies = run.one(fileType, `${name}-secret-file`).options.dependencies;
                assert.ok(
                    dependencies.some((urn) => urn.endsWith(`$${volume.type}::${volume.name}`)),
                    dependencies.join(", "),
                );
                // A new file means a new container, which reads it when it starts.
                assert.deepStrictEqual(inputs.labels, [
                    {
                        label: "azure-docker-host.secret-revision",
                        value: run.one(fileType, `${name}-secret-file`).outputs.revision,
                    },
                ]);
            });

            it("keeps data volumes through a destroy, and lets regenerated ones go", () => {
                const volumes = run.ofType(volumeType).filter((volume) => volume.name.startsWith(`${name}-`));
                const mounted = container(run, name)
                    .volumes.map((mount: { volumeName: string }) => mount.volumeName)
                    .sort();
                assert.deepStrictEqual(volumes.map((volume) => volume.inputs.name).sort(), mounted);
                for (const volume of volumes) {
                    const regenerated = /-(config|secrets)$/.test(String(volume.inputs.name));
                    assert.strictEqual(volume.name.endsWith("-secrets"), regenerated, volume.name);
                    assert.strictEqual(volume.options.retainOnDelete, !regenerated, String(volume.inputs.name));
                }
            });
        });
    }

    it("runs the pinned redis image with append-only persistence and a memory cap below the container's", () => {
        assert.deepStrictEqual(run.one("docker:index/remoteImage:RemoteImage", "docker-redis-image").inputs, {
            name: "redis:7.4.2-bookworm",
            keepLocally: true,
        });
        const inputs = container(run, "docker-redis");
        assert.deepStrictEqual(inputs.command, ["redis-server", "/usr/local/etc/redis/redis.conf"]);
        const file = run.one(fileType, "docker-redis-secret-file").inputs;
        assert.strictEqual(file.fileName, "redis.conf");
        const config = String(unwrapSecret(file.content));
        assert.match(config, /^requirepass MockPassword[0-9a-f]{24}$/m);
        assert.match(config, /^appendonly yes$/m);
        assert.match(config, /^maxmemory 192mb$/m);
        assert.match(inputs.healthcheck.tests[1], /REDISCLI_AUTH=.*redis-cli ping/);
        assert.strictEqual(inputs.tmpfs, undefined, "redis writes nowhere but its volume");
    });

    it("builds mongodb on the remote daemon from the project's images/mongodb, passing the base the Dockerfile's FROM uses", () => {
        const image = run.one("docker:index/image:Image", "docker-mongodb-image");
        assert.deepStrictEqual(
            [image.inputs.skipPush, image.inputs.buildOnPreview, image.inputs.registry],
            [true, false, undefined],
        );
        const build = image.inputs.build as { context: string; args: Record<string, string> };
        // Pulumi runs the program from the project folder: the context is the project's own.
        const dockerfile = fs.readFileSync(
            path.resolve(__dirname, "..", "..", "..", build.context, "Dockerfile"),
            "utf8",
        );
        const [argName, argValue] = Object.entries(build.args)[0]!;
        assert.strictEqual(argValue, "mongo:7.0.16-jammy");
        assert.match(dockerfile, new RegExp(`^ARG ${argName}=`, "m"));
        assert.match(dockerfile, new RegExp(`^FROM \\$\\{${argName}\\}$`, "m"));
        assert.match(container(run, "docker-mongodb").image, /^azure-docker-host\/mongodb:7\.0\.16-jammy@sha256:/);
    });

    it("creates mongodb's root user from the password file, with /tmp on tmpfs for its socket", () => {
        const inputs = container(run, "docker-mongodb");
        assert.deepStrictEqual(inputs.envs, [
            "MONGO_INITDB_ROOT_USERNAME=root",
            "MONGO_INITDB_ROOT_PASSWORD_FILE=/run/secrets/mongodb-root-password",
        ]);
        const file = run.one(fileType, "docker-mongodb-secret-file").inputs;
        const mount = inputs.volumes.find((volume: { volumeName: string }) => volume.volumeName === file.volume);
        assert.strictEqual(`${mount.containerPath}/${file.fileName}`, "/run/secrets/mongodb-root-password");
        assert.deepStrictEqual(inputs.tmpfs, { "/tmp": "rw,noexec,nosuid,size=64m,mode=1777" });
        assert.deepStrictEqual(inputs.command.slice(-2), ["--wiredTigerCacheSizeGB", "0.37"]);
    });

    it("gives secret connection strings for a client on the VM, and the loopback ports a tunnel forwards", async () => {
        assert.ok(await pulumi.isSecret(run.component.redisConnectionString!));
        assert.ok(await pulumi.isSecret(run.component.mongodbConnectionString!));
        assert.match(
            await resolve(run.component.redisConnectionString!),
            /^redis:\/\/:MockPassword[0-9a-f]{24}@127\.0\.0\.1:6379\/0$/,
        );
        assert.match(
            await resolve(run.component.mongodbConnectionString!),
            /^mongodb:\/\/root:MockPassword[0-9a-f]{24}@127\.0\.0\.1:27017\/\?authSource=admin$/,
        );
        assert.deepStrictEqual(run.component.loopbackPorts, [6379, 27017]);
    });

    it("publishes nothing when the services say none, and is reached by name on the network then", async () => {
        const closed = await declare({
            redis: { ...redis, publish: "none" },
            mongodb: { ...mongodb, publish: "none" },
        });
        for (const name of ["docker-redis", "docker-mongodb"]) {
            assert.deepStrictEqual(container(closed, name).ports, []);
        }
        assert.deepStrictEqual(closed.component.loopbackPorts, []);
        assert.match(await resolve(closed.component.redisConnectionString!), /@redis:6379\/0$/);
    });

    it("declares nothing for a service that is off", async () => {
        const redisOnly = await declare({ mongodb: undefined, redis: { ...redis, memoryMb: 512 } });
        assert.deepStrictEqual(
            redisOnly.ofType(containerType).map((resource) => resource.name),
            ["docker-redis"],
        );
        assert.deepStrictEqual(redisOnly.ofType("docker:index/image:Image"), []);
        assert.strictEqual(redisOnly.component.mongodbConnectionString, undefined);
        assert.strictEqual(container(redisOnly, "docker-redis").memory, 512);
    });
});

/** Seconds in a duration written as Docker accepts it (`90s`, `1m30s`, `1h`). */
function seconds(duration: string): number {
    const parts = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
    assert.ok(parts && duration !== "", `not a duration: ${duration}`);
    return Number(parts[1] ?? 0) * 3600 + Number(parts[2] ?? 0) * 60 + Number(parts[3] ?? 0);
}

/** Go's time.Duration.String() for whole seconds, which is how dockerd reports a health check's timing. */
function goDuration(total: number): string {
    const [hours, minutes, rest] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
    return hours > 0 ? `${hours}h${minutes}m${rest}s` : minutes > 0 ? `${minutes}m${rest}s` : `${rest}s`;
}
