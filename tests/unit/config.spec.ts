import "../harness/mocks";
import * as assert from "assert";
import { ConfigError, loadStackConfig } from "../../config";
import { configSchema } from "../../config/schema";

/** index.ts is loaded afresh for every run, so its ConfigError class is not the one imported here. */
function isConfigError(error: Error): error is ConfigError {
    return error.name === "ConfigError" && Array.isArray((error as ConfigError).problems);
}
import { opensshRsaPublicKey } from "../harness/sshKeys";
import { programError, registeredResources, validConfig } from "../harness/program";

const rsa1024 = opensshRsaPublicKey(1024);
const ed25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB0k me";
/** Long keys are shortened in messages. */
const shownKey = (key: string) => `"${key.slice(0, 37)}..."`;

interface BadCase {
    readonly title: string;
    readonly config: Record<string, string>;
    readonly key: string;
    /** The bad value as the message shows it (JSON-quoted), or "(not set)". */
    readonly shown: string;
    /** A phrase of what is accepted. */
    readonly accepted: string;
}

// One row per case reads as a table; prettier would spread each over eight lines.
// prettier-ignore
const badInputs: BadCase[] = [
    // With the preflight on, Azure's own list judges a region this release does not know (preflight.spec).
    { title: "unknown region, the preflight off", config: { location: "eastasai", preflight: "false" }, key: "location", shown: '"eastasai"', accepted: "did you mean eastasia" },
    { title: "region that is not Azure's, the preflight off", config: { location: "mars-north", preflight: "false" }, key: "location", shown: '"mars-north"', accepted: "an Azure region name" },
    { title: "a name no region could have", config: { location: "east asia!" }, key: "location", shown: '"east asia!"', accepted: "an Azure region name" },
    { title: "missing region", config: { location: "" }, key: "location", shown: '""', accepted: "Azure region" },
    { title: "no source ranges", config: { allowedSourceRanges: "[]" }, key: "allowedSourceRanges", shown: "(not set)", accepted: "pulumi config set --stack dev --path 'allowedSourceRanges[0]'" },
    { title: "the whole internet as a CIDR", config: { allowedSourceRanges: '["0.0.0.0/0"]' }, key: "allowedSourceRanges", shown: '"0.0.0.0/0"', accepted: "the whole internet" },
    { title: "the * wildcard", config: { allowedSourceRanges: '["*"]' }, key: "allowedSourceRanges", shown: '"*"', accepted: "the whole internet" },
    { title: "the Internet service tag", config: { allowedSourceRanges: '["Internet"]' }, key: "allowedSourceRanges", shown: '"Internet"', accepted: "the whole internet" },
    { title: "the Any tag", config: { allowedSourceRanges: "Any" }, key: "allowedSourceRanges", shown: '"Any"', accepted: "the whole internet" },
    { title: "half the internet", config: { allowedSourceRanges: '["0.0.0.0/1"]' }, key: "allowedSourceRanges", shown: '"0.0.0.0/1"', accepted: "/8 or narrower" },
    { title: "a range with host bits", config: { allowedSourceRanges: '["203.0.113.7/24"]' }, key: "allowedSourceRanges", shown: '"203.0.113.7/24"', accepted: "the network is 203.0.113.0/24" },
    { title: "not an address", config: { allowedSourceRanges: '["my-office"]' }, key: "allowedSourceRanges", shown: '"my-office"', accepted: "an IPv4 address or CIDR range" },
    { title: "an octet above 255", config: { allowedSourceRanges: '["203.0.113.256/32"]' }, key: "allowedSourceRanges", shown: '"203.0.113.256/32"', accepted: "an IPv4 address or CIDR range" },
    { title: "a malformed list", config: { allowedSourceRanges: '["203.0.113.7/32"' }, key: "allowedSourceRanges", shown: '"[\\"203.0.113.7/32\\""', accepted: "a list of strings" },
    { title: "a VM size that is not one", config: { vmSize: "large" }, key: "vmSize", shown: '"large"', accepted: "Standard_B2s" },
    { title: "a reserved admin name", config: { adminUsername: "admin" }, key: "adminUsername", shown: '"admin"', accepted: "not a reserved name" },
    { title: "root as admin", config: { adminUsername: "root" }, key: "adminUsername", shown: '"root"', accepted: "not a reserved name" },
    { title: "an admin name with capitals", config: { adminUsername: "Alice" }, key: "adminUsername", shown: '"Alice"', accepted: "lowercase letters" },
    { title: "an admin name too long for Linux", config: { adminUsername: "a".repeat(33) }, key: "adminUsername", shown: `"${"a".repeat(33)}"`, accepted: "1 to 32 characters" },
    { title: "an admin name starting with a digit", config: { adminUsername: "1ops" }, key: "adminUsername", shown: '"1ops"', accepted: "starting with a letter" },
    { title: "a DNS label with capitals", config: { dnsLabel: "MyHost" }, key: "dnsLabel", shown: '"MyHost"', accepted: "3 to 63 characters" },
    { title: "a DNS label too short", config: { dnsLabel: "ab" }, key: "dnsLabel", shown: '"ab"', accepted: "3 to 63 characters" },
    { title: "a DNS label starting with a digit", config: { dnsLabel: "1host" }, key: "dnsLabel", shown: '"1host"', accepted: "starting with a letter" },
    { title: "a DNS label ending with a dash", config: { dnsLabel: "host-" }, key: "dnsLabel", shown: '"host-"', accepted: "not ending with '-'" },
    { title: "a DNS label too long", config: { dnsLabel: `h${"x".repeat(63)}` }, key: "dnsLabel", shown: `"h${"x".repeat(63)}"`, accepted: "3 to 63 characters" },
    { title: "an unknown provisioner", config: { provisioner: "ansible" }, key: "provisioner", shown: '"ansible"', accepted: "one of auto, docker-extension, cloud-init" },
    { title: "a Docker port that is not a number", config: { dockerPort: "tls" }, key: "dockerPort", shown: '"tls"', accepted: "a whole number from 1024 to 65535" },
    { title: "a privileged Docker port", config: { dockerPort: "443" }, key: "dockerPort", shown: '"443"', accepted: "a whole number from 1024 to 65535" },
    { title: "Docker's plain-text port", config: { dockerPort: "2375" }, key: "dockerPort", shown: '"2375"', accepted: "other than 2375" },
    { title: "the redis port for Docker", config: { dockerPort: "6379" }, key: "dockerPort", shown: '"6379"', accepted: "other than 6379 (redis)" },
    { title: "a data disk too small", config: { dataDiskSizeGb: "2" }, key: "dataDiskSizeGb", shown: '"2"', accepted: "a whole number from 4 to 32767" },
    { title: "a fractional disk size", config: { dataDiskSizeGb: "64.5" }, key: "dataDiskSizeGb", shown: '"64.5"', accepted: "a whole number" },
    { title: "a restore source that is a name, not an id", config: { dataDiskSource: "docker-data-restored" }, key: "dataDiskSource", shown: '"docker-data-restored"', accepted: "the resource id of a snapshot or managed disk" },
    { title: "a restore source of another resource type", config: { dataDiskSource: "/subscriptions/00000000-0000-4000-8000-000000000042/resourceGroups/rg/providers/Microsoft.Compute/images/docker" }, key: "dataDiskSource", shown: '"/subscriptions/00000000-0000-4000-8000-000000000042/resourceGroups/rg/providers/Microsoft.Compute/images/docker"', accepted: "snapshots/<name> (or .../disks/<name>)" },
    { title: "backups kept longer than Azure keeps daily snapshots", config: { backupRetentionDays: "400" }, key: "backupRetentionDays", shown: '"400"', accepted: "a whole number from 0 to 360" },
    { title: "an auto-shutdown time past midnight", config: { autoShutdownTime: "25:00" }, key: "autoShutdownTime", shown: '"25:00"', accepted: "a time of day as HH:MM on a 24-hour clock" },
    { title: "an IANA time zone where Azure takes Windows ids", config: { autoShutdownTime: "19:00", autoShutdownTimeZone: "Europe/Berlin" }, key: "autoShutdownTimeZone", shown: '"Europe/Berlin"', accepted: "a Windows time zone id such as UTC" },
    { title: "a negative backup retention", config: { backupRetentionDays: "-1" }, key: "backupRetentionDays", shown: '"-1"', accepted: "a whole number from 0 to 360" },
    { title: "a negative validity", config: { certValidityHours: "-1" }, key: "certValidityHours", shown: '"-1"', accepted: "a whole number from 24" },
    { title: "certificates outliving the CA", config: { caValidityHours: "100", certValidityHours: "200" }, key: "certValidityHours", shown: '"200"', accepted: "cannot outlive its CA" },
    { title: "renewal window as long as validity", config: { certValidityHours: "720", certEarlyRenewalHours: "720" }, key: "certEarlyRenewalHours", shown: '"720"', accepted: "less than certValidityHours (720)" },
    { title: "an ed25519 SSH key", config: { sshPublicKey: ed25519 }, key: "sshPublicKey", shown: shownKey(ed25519), accepted: "not ssh-rsa" },
    { title: "an RSA key under 2048 bits", config: { sshPublicKey: rsa1024 }, key: "sshPublicKey", shown: shownKey(rsa1024), accepted: "at least 2048 bits (this one has 1024)" },
    { title: "an SSH key that is not base64", config: { sshPublicKey: "ssh-rsa not*base64" }, key: "sshPublicKey", shown: '"ssh-rsa not*base64"', accepted: "not base64" },
    { title: "a VNet that is not a CIDR", config: { vnetAddressSpace: "10.20.0.0" }, key: "vnetAddressSpace", shown: '"10.20.0.0"', accepted: "an IPv4 CIDR range" },
    { title: "a subnet outside the VNet", config: { subnetAddressPrefix: "10.99.1.0/24" }, key: "subnetAddressPrefix", shown: '"10.99.1.0/24"', accepted: "inside vnetAddressSpace (10.20.0.0/16)" },
    { title: "a subnet smaller than Azure allows", config: { subnetAddressPrefix: "10.20.1.0/30" }, key: "subnetAddressPrefix", shown: '"10.20.1.0/30"', accepted: "from /8 to /29" },
    { title: "a readiness timeout of zero", config: { readinessTimeoutSeconds: "0" }, key: "readinessTimeoutSeconds", shown: '"0"', accepted: "from 30 to 7200" },
    { title: "an untagged redis image", config: { redisImage: "redis" }, key: "redisImage", shown: '"redis"', accepted: "pinned by tag" },
    { title: "redis:latest", config: { redisImage: "redis:latest" }, key: "redisImage", shown: '"redis:latest"', accepted: "not latest" },
    { title: "an image that is not redis", config: { redisImage: "postgres:16.4" }, key: "redisImage", shown: '"postgres:16.4"', accepted: "a redis image" },
    { title: "a malformed digest", config: { redisImage: "redis:7.4.2@sha256:abc" }, key: "redisImage", shown: '"redis:7.4.2@sha256:abc"', accepted: "@sha256:<64 hex digits>" },
    { title: "a mongodb base that is not mongo", config: { mongodbBaseImage: "mariadb:11.4" }, key: "mongodbBaseImage", shown: '"mariadb:11.4"', accepted: "a mongo image" },
    { title: "redis with too little memory", config: { redisMemoryMb: "32" }, key: "redisMemoryMb", shown: '"32"', accepted: "a whole number from 64 to 65536" },
    { title: "mongodb with too little memory", config: { mongodbMemoryMb: "256" }, key: "mongodbMemoryMb", shown: '"256"', accepted: "a whole number from 512" },
    { title: "redis published on every interface", config: { redisPublish: "0.0.0.0" }, key: "redisPublish", shown: '"0.0.0.0"', accepted: "one of localhost, none" },
    { title: "mongodb published publicly", config: { mongodbPublish: "public" }, key: "mongodbPublish", shown: '"public"', accepted: "one of localhost, none" },
    { title: "a service switch that is not a boolean", config: { mongodbEnabled: "yes" }, key: "mongodbEnabled", shown: '"yes"', accepted: "true or false" },
];

describe("stack config", () => {
    describe("refuses bad input before declaring any resource", () => {
        for (const bad of badInputs) {
            it(`${bad.title}: names ${bad.key}, the value and what is accepted`, async () => {
                const error = await programError(validConfig(bad.config));
                assert.ok(isConfigError(error), `expected a ConfigError, got ${error.stack}`);
                const line = error.message.split("\n").find((text) => text.includes(`azure-docker-host:${bad.key} = `));
                assert.ok(line, `no line names ${bad.key} in:\n${error.message}`);
                const rest = error.message.slice(error.message.indexOf(line));
                assert.ok(line.includes(` = ${bad.shown}`), `the value ${bad.shown} is not shown in: ${line}`);
                assert.ok(rest.includes(bad.accepted), `"${bad.accepted}" is not said in:\n${rest}`);
                assert.deepStrictEqual(registeredResources(), [], "a resource was registered before validation failed");
            });
        }
    });

    it("reports every bad key at once", async () => {
        const error = await programError(validConfig({ vmSize: "big", dockerPort: "22", provisioner: "chef" }));
        assert.ok(isConfigError(error));
        assert.deepStrictEqual(error.problems.map((problem) => problem.key).sort(), [
            "dockerPort",
            "provisioner",
            "vmSize",
        ]);
    });

    describe("accepts what users type", () => {
        const read = (overrides: Record<string, string>) => {
            const config = validConfig(overrides);
            return loadStackConfig((key) => config[key], { project: "azure-docker-host", stack: "dev" });
        };

        it("normalises Azure display names of regions", () => {
            assert.strictEqual(read({ location: "East Asia" }).network.location, "eastasia");
            assert.strictEqual(read({ location: "West-Europe" }).network.location, "westeurope");
        });

        it("reads a bare address as a /32, sorts ranges and drops duplicates", () => {
            const ranges = read({ allowedSourceRanges: '["203.0.113.7", "198.51.100.0/24", "203.0.113.7/32"]' }).network
                .allowedSourceRanges;
            assert.deepStrictEqual(ranges, ["198.51.100.0/24", "203.0.113.7/32"]);
        });

        it("reads a comma-separated string as a list", () => {
            const ranges = read({ allowedSourceRanges: "203.0.113.7/32, 198.51.100.0/24" }).network.allowedSourceRanges;
            assert.deepStrictEqual(ranges, ["198.51.100.0/24", "203.0.113.7/32"]);
        });

        it("takes an ssh-rsa key of 2048 bits or more, without its comment", () => {
            const key = opensshRsaPublicKey(2048, "alice@laptop");
            assert.strictEqual(read({ sshPublicKey: key }).host.sshPublicKey, key.replace(/ alice@laptop$/, ""));
        });

        it("reads a key left out exactly as the same key set to its schema default", () => {
            const leftOut = read({});
            for (const [key, spec] of Object.entries(configSchema)) {
                if (!("default" in spec)) {
                    continue;
                }
                const value = Array.isArray(spec.default) ? JSON.stringify(spec.default) : String(spec.default);
                // The one key with a default that must still be set: its empty default is refused.
                if (key === "allowedSourceRanges") {
                    continue;
                }
                assert.deepStrictEqual(read({ [key]: value }), leftOut, `${key} set to its default reads differently`);
            }
            // Empty defaults mean "derive it".
            assert.deepStrictEqual([leftOut.host.sshPublicKey, leftOut.network.dnsLabel], [undefined, undefined]);
        });
    });

    it("validates every key it reads: a nonsense value for any of them is reported under that key", () => {
        const nonsense = {
            integer: "many",
            boolean: "maybe",
            array: '["everyone"]',
            string: "!! not valid !!",
        } as const;
        for (const [key, spec] of Object.entries(configSchema)) {
            const config = validConfig({ [key]: nonsense[spec.type] });
            try {
                loadStackConfig((name) => config[name], { project: "azure-docker-host", stack: "dev" });
                assert.fail(`${key} = ${nonsense[spec.type]} was accepted`);
            } catch (error) {
                assert.ok(isConfigError(error as Error), String(error));
                assert.deepStrictEqual(
                    (error as ConfigError).problems.map((problem) => problem.key),
                    [key],
                );
            }
        }
    });
});
