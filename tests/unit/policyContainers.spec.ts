import * as assert from "assert";
import { containerHardened } from "../../policy/policies/containerHardened";
import { containerPidsLimited } from "../../policy/policies/containerPidsLimited";
import { ResourceFixture } from "../harness/policy/args";
import { resourceViolations, stackViolations } from "../harness/policy/run";

const containerType = "docker:index/container:Container";
const pidsLimitType = "pulumi-nodejs:dynamic/azure-docker-host:ContainerPidsLimit";

/** The redis container as the program declares it, with overrides. */
function redis(overrides: Record<string, unknown> = {}): ResourceFixture {
    return {
        type: containerType,
        name: "docker-redis",
        urn: "urn:pulumi:test::azure-docker-host::docker:index/container:Container::docker-redis",
        props: {
            name: "redis",
            image: "redis:7.4.2-bookworm@sha256:0123",
            volumes: [{ volumeName: "redis-data", containerPath: "/data" }],
            ports: [{ internal: 6379, external: 6379, ip: "127.0.0.1", protocol: "tcp" }],
            healthcheck: { tests: ["CMD-SHELL", "redis-cli ping | grep -q PONG"], interval: "10s", retries: 5 },
            restart: "unless-stopped",
            memory: 256,
            memorySwap: 256,
            securityOpts: ["no-new-privileges:true"],
            privileged: false,
            init: true,
            capabilities: { drops: ["ALL"], adds: [] },
            readOnly: true,
            user: "999:999",
            ...overrides,
        },
    };
}

const messages = async (fixture: ResourceFixture) =>
    (await resourceViolations([containerHardened], fixture)).map((violation) => violation.message);

describe("policy container-hardened", () => {
    it("passes a container built like the program's services", async () => {
        assert.deepStrictEqual(await messages(redis()), []);
        assert.deepStrictEqual(await messages(redis({ ports: [] })), [], "publishing nothing is fine");
    });

    it("reports every gap of a container built without the hardening", async () => {
        assert.deepStrictEqual(
            await messages(
                // A top-level undefined is what the SDK makes of a property the engine does not send.
                redis({
                    healthcheck: undefined,
                    memory: undefined,
                    privileged: true,
                    volumes: [{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock" }],
                    mounts: [{ type: "bind", source: "/run/", target: "/host-run" }],
                    ports: [
                        { internal: 6379, external: 6379, protocol: "tcp" },
                        { internal: 80, ip: "0.0.0.0" },
                    ],
                    networkMode: "host",
                    capabilities: { drops: ["NET_RAW"] },
                    readOnly: false,
                    user: "0",
                }),
            ),
            [
                'container "docker-redis" has no health check; set healthcheck.tests to a CMD or CMD-SHELL command',
                'container "docker-redis" has no memory limit; set memory (MiB) above 0 so it cannot starve the host',
                'container "docker-redis" is privileged, which gives it root over the host; drop privileged',
                'container "docker-redis" keeps Docker\'s default capabilities; set capabilities.drops to ["ALL"] and add back only what it needs',
                'container "docker-redis" has a writable root file system; set readOnly and give it tmpfs where it writes',
                'container "docker-redis" runs as 0; set user to the image\'s unprivileged uid:gid',
                'container "docker-redis" mounts /var/run/docker.sock, which exposes the Docker socket and with it the whole host',
                'container "docker-redis" mounts /run/, which exposes the Docker socket and with it the whole host',
                'container "docker-redis" publishes port 6379 on every interface; publish on 127.0.0.1 only',
                'container "docker-redis" publishes port 80 on 0.0.0.0; publish on 127.0.0.1 only',
                'container "docker-redis" uses the host\'s network, so it listens on every interface; use a bridge network',
            ],
        );
    });

    it("takes a missing user, or root by name or number, as running as root", async () => {
        for (const user of [undefined, "", "root", "0:0"]) {
            assert.match(
                (await messages(redis({ user }))).join("\n"),
                /set user to the image's unprivileged uid:gid/,
                String(user),
            );
        }
    });

    it("takes a disabled or empty health check and a zero memory limit for none", async () => {
        for (const tests of [["NONE"], [], ["CMD"], ["CMD-SHELL", " "]]) {
            assert.match((await messages(redis({ healthcheck: { tests }, memory: 0 }))).join("\n"), /no health check/);
        }
        assert.match((await messages(redis({ memory: 0 }))).join("\n"), /no memory limit/);
    });
});

describe("policy container-pids-limited", () => {
    const container = redis();
    const limit = (props: Record<string, unknown>, propertyDependencies = {}): ResourceFixture => ({
        type: pidsLimitType,
        name: "docker-redis-pids",
        props: { host: "dev.eastasia.cloudapp.azure.com", port: 2376, pidsLimit: 128, ...props },
        propertyDependencies,
    });
    const messages = async (fixtures: ResourceFixture[]) =>
        (await stackViolations([containerPidsLimited], fixtures)).map((violation) => violation.message);

    it("passes a container whose pids limit was built from its id", async () => {
        const byDependency = limit({ containerId: "3f2a" }, { containerId: [container.urn] });
        assert.deepStrictEqual(await messages([container, byDependency]), []);
    });

    it("passes a pids limit given the container's id as a literal", async () => {
        const withId = { ...container, props: { ...container.props, id: "3f2a" } };
        assert.deepStrictEqual(await messages([withId, limit({ containerId: "3f2a" })]), []);
    });

    it("reports a container without a pids limit, or with one that limits nothing", async () => {
        assert.deepStrictEqual(await messages([container, limit({ containerId: "another" })]), [
            'container "docker-redis" has no ContainerPidsLimit',
        ]);
        const unlimited = limit({ containerId: "3f2a", pidsLimit: -1 }, { containerId: [container.urn] });
        assert.deepStrictEqual(await messages([container, unlimited]), [
            'container "docker-redis" has a pids limit that is not above 0',
        ]);
    });
});
