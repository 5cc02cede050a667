import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./errors";
import { cidrContains, formatIpv4Cidr, Ipv4Cidr, parseIpv4Cidr } from "./ipv4";
import { adminUsernameRules, dnsLabelRules, isValidAdminUsername, isValidDnsLabel } from "./names";
import { ConfigReader, RawConfig } from "./reader";
import { imageBaseName, parsePinnedImage, pinnedImageRules } from "./imageReference";
import { closestRegions, resolveRegion } from "./regions";
import { ConfigKey } from "./schema";
import { minimumRsaBits, parseSshRsaPublicKey } from "./sshPublicKey";

export { ConfigError } from "./errors";

/** How Docker gets onto the VM; see components/provisioning. */
export const provisioners = ["docker-extension", "cloud-init"] as const;
export type Provisioner = (typeof provisioners)[number];
/** What a stack may ask for: a provisioner, or `auto`, which the preflight resolves (sticky once the host exists). */
export const provisionerSettings = ["auto", ...provisioners] as const;
export type ProvisionerSetting = (typeof provisionerSettings)[number];

export interface NetworkSettings {
    /** Programmatic Azure region name, e.g. `eastasia`. */
    readonly location: string;
    readonly vnetAddressSpace: string;
    readonly subnetAddressPrefix: string;
    /** Normalised CIDRs, sorted, without duplicates. Never empty and never the whole internet. */
    readonly allowedSourceRanges: readonly string[];
    /** Undefined: derive one from the stack name. */
    readonly dnsLabel: string | undefined;
}

export interface HostSettings {
    readonly vmSize: string;
    readonly adminUsername: string;
    /** Undefined: generate an RSA 4096 key pair. */
    readonly sshPublicKey: string | undefined;
    readonly provisioner: ProvisionerSetting;
    readonly dockerPort: number;
    readonly dataDiskSizeGb: number;
    readonly readinessTimeoutSeconds: number;
}

/**
 * Bumping a generation replaces that key and its certificate: the config switch behind forced
 * renewal, as docker-machine's regenerate-certs was. Early renewal needs no switch.
 */
export interface CertificateGenerations {
    readonly ca: number;
    readonly server: number;
    readonly client: number;
}

export interface CertificateSettings {
    readonly caValidityHours: number;
    readonly validityHours: number;
    readonly earlyRenewalHours: number;
    readonly generations: CertificateGenerations;
}

export const publishModes = ["localhost", "none"] as const;
/** Where a service's port is published on the VM: its loopback only, or nowhere. Never a public interface. */
export type PublishMode = (typeof publishModes)[number];

export interface ServiceSettings {
    readonly enabled: boolean;
    /** A pinned image reference: redis's image, or the base mongodb's image is built from. */
    readonly image: string;
    readonly memoryMb: number;
    readonly publish: PublishMode;
}

export interface ServicesSettings {
    readonly redis: ServiceSettings;
    readonly mongodb: ServiceSettings;
}

export interface StackConfig {
    readonly project: string;
    readonly stack: string;
    /** Whether Azure's catalogue is checked before anything is declared. */
    readonly preflight: boolean;
    readonly network: NetworkSettings;
    readonly host: HostSettings;
    readonly certificates: CertificateSettings;
    readonly services: ServicesSettings;
}

export interface StackIdentity {
    readonly project: string;
    readonly stack: string;
}

/**
 * Reads and validates the whole stack config. Throws a ConfigError that lists every bad key before
 * the program declares a single resource.
 */
export function loadStackConfig(
    raw: RawConfig = pulumiRawConfig(),
    identity: StackIdentity = { project: pulumi.getProject(), stack: pulumi.getStack() },
): StackConfig {
    const reader = new ConfigReader(raw);
    const config: StackConfig = {
        ...identity,
        preflight: reader.boolean("preflight"),
        network: readNetwork(reader, identity.stack),
        host: readHost(reader),
        certificates: readCertificates(reader),
        services: readServices(reader),
    };
    if (reader.problems.length > 0) {
        throw new ConfigError(identity.project, reader.problems);
    }
    return config;
}

/** Raw values from the running Pulumi stack, in this project's namespace. */
export function pulumiRawConfig(): RawConfig {
    const config = new pulumi.Config();
    return (key) => config.get(key);
}

function readNetwork(reader: ConfigReader, stack: string): NetworkSettings {
    const vnet = readCidr(reader, "vnetAddressSpace", 8, 29);
    const subnet = readCidr(reader, "subnetAddressPrefix", 8, 29);
    if (vnet && subnet && !cidrContains(vnet, subnet)) {
        reader.report(
            "subnetAddressPrefix",
            formatIpv4Cidr(subnet),
            `a range inside vnetAddressSpace (${formatIpv4Cidr(vnet)})`,
        );
    }
    return {
        location: readLocation(reader),
        vnetAddressSpace: vnet ? formatIpv4Cidr(vnet) : "",
        subnetAddressPrefix: subnet ? formatIpv4Cidr(subnet) : "",
        allowedSourceRanges: readSourceRanges(reader, stack),
        dnsLabel: readDnsLabel(reader),
    };
}

function readLocation(reader: ConfigReader): string {
    const text = reader.string("location");
    const region = text === undefined ? undefined : resolveRegion(text);
    if (region !== undefined) {
        return region;
    }
    const nearby = text === undefined ? [] : closestRegions(text);
    const accepted =
        nearby.length > 0
            ? `an Azure region name; did you mean ${nearby.join(", ")}?`
            : "an Azure region name such as eastasia, westeurope or eastus (`az account list-locations -o table`)";
    reader.report("location", text, accepted);
    return "";
}

/** Source tags and ranges that mean "anyone on the internet". */
const internetWide = new Set(["*", "any", "internet", "0.0.0.0", "0.0.0.0/0"]);
/** Anything wider than a /8 is a large share of the internet, not a set of operators. */
const widestSourcePrefix = 8;

function readSourceRanges(reader: ConfigReader, stack: string): string[] {
    const entries = reader.list("allowedSourceRanges") ?? [];
    if (entries.length === 0) {
        reader.report(
            "allowedSourceRanges",
            undefined,
            "at least one IPv4 address or CIDR range allowed to reach SSH and Docker",
            `run: pulumi config set --stack ${stack} --path 'allowedSourceRanges[0]' <your-public-ip>/32` +
                " (your public IP: curl -s https://api.ipify.org)",
        );
        return [];
    }
    const ranges = new Set<string>();
    for (const entry of entries) {
        if (internetWide.has(entry.toLowerCase())) {
            reader.report(
                "allowedSourceRanges",
                entry,
                "specific IPv4 addresses or CIDR ranges; the whole internet (*, Any, Internet, 0.0.0.0/0) is refused",
            );
            continue;
        }
        const parsed = parseIpv4Cidr(entry);
        if ("error" in parsed) {
            reader.report("allowedSourceRanges", entry, `an IPv4 address or CIDR range (${parsed.error})`);
        } else if (parsed.cidr.prefixLength < widestSourcePrefix) {
            reader.report(
                "allowedSourceRanges",
                entry,
                `a range of /${widestSourcePrefix} or narrower; wider ranges open the host to much of the internet`,
            );
        } else {
            ranges.add(formatIpv4Cidr(parsed.cidr));
        }
    }
    return [...ranges].sort();
}

function readCidr(reader: ConfigReader, key: ConfigKey, widest: number, narrowest: number): Ipv4Cidr | undefined {
    const text = reader.string(key) ?? "";
    const parsed = parseIpv4Cidr(text.trim());
    if ("error" in parsed || !text.includes("/")) {
        const reason = "error" in parsed ? ` (${parsed.error})` : "";
        reader.report(key, text, `an IPv4 CIDR range such as 10.20.0.0/16${reason}`);
        return undefined;
    }
    if (parsed.cidr.prefixLength < widest || parsed.cidr.prefixLength > narrowest) {
        reader.report(key, text, `a prefix length from /${widest} to /${narrowest}, as Azure allows`);
        return undefined;
    }
    return parsed.cidr;
}

function readDnsLabel(reader: ConfigReader): string | undefined {
    const label = reader.string("dnsLabel") ?? "";
    if (label === "") {
        return undefined;
    }
    if (!isValidDnsLabel(label)) {
        reader.report("dnsLabel", label, dnsLabelRules);
    }
    return label;
}

function readHost(reader: ConfigReader): HostSettings {
    return {
        vmSize: readVmSize(reader),
        adminUsername: readAdminUsername(reader),
        sshPublicKey: readSshPublicKey(reader),
        provisioner: reader.oneOf("provisioner", provisionerSettings),
        dockerPort: readDockerPort(reader),
        dataDiskSizeGb: reader.integer("dataDiskSizeGb", 4, 32767),
        readinessTimeoutSeconds: reader.integer("readinessTimeoutSeconds", 30, 7200),
    };
}

function readVmSize(reader: ConfigReader): string {
    const size = reader.string("vmSize") ?? "";
    if (!/^(Standard|Basic)_[A-Za-z0-9_]+$/.test(size)) {
        reader.report("vmSize", size, "an Azure VM size such as Standard_B2s or Standard_D2s_v5");
    }
    return size;
}

function readAdminUsername(reader: ConfigReader): string {
    const name = reader.string("adminUsername") ?? "";
    if (!isValidAdminUsername(name)) {
        reader.report("adminUsername", name, adminUsernameRules);
    }
    return name;
}

function readSshPublicKey(reader: ConfigReader): string | undefined {
    const text = (reader.string("sshPublicKey") ?? "").trim();
    if (text === "") {
        return undefined;
    }
    const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
    const parsed = parseSshRsaPublicKey(text);
    if ("error" in parsed) {
        reader.report("sshPublicKey", shown, `an OpenSSH ssh-rsa public key line (${parsed.error})`);
        return undefined;
    }
    if (parsed.bits < minimumRsaBits) {
        reader.report(
            "sshPublicKey",
            shown,
            `an ssh-rsa key of at least ${minimumRsaBits} bits (this one has ${parsed.bits}); Azure refuses smaller keys`,
        );
        return undefined;
    }
    return parsed.keyData;
}

/** Ports that must not carry the Docker API: SSH, Docker's plain-HTTP convention, and the services' own. */
const portsNotForDocker = new Map([
    [22, "SSH"],
    [2375, "Docker's unencrypted port"],
    [6379, "redis"],
    [27017, "mongodb"],
]);

function readDockerPort(reader: ConfigReader): number {
    const port = reader.integer("dockerPort", 1024, 65535);
    const taken = portsNotForDocker.get(port);
    if (taken !== undefined) {
        reader.report("dockerPort", String(port), `a port from 1024 to 65535 other than ${port} (${taken})`);
        return 2376;
    }
    return port;
}

function readCertificates(reader: ConfigReader): CertificateSettings {
    const caValidityHours = reader.integer("caValidityHours", 24, 175200);
    const validityHours = reader.integer("certValidityHours", 24, 87600);
    const earlyRenewalHours = reader.integer("certEarlyRenewalHours", 0, 87600);
    if (validityHours > caValidityHours) {
        reader.report(
            "certValidityHours",
            String(validityHours),
            `at most caValidityHours (${caValidityHours}): a certificate cannot outlive its CA`,
        );
    }
    if (earlyRenewalHours >= validityHours) {
        reader.report(
            "certEarlyRenewalHours",
            String(earlyRenewalHours),
            `less than certValidityHours (${validityHours}), or every run would renew the certificates`,
        );
    }
    const generations = {
        ca: reader.integer("caGeneration", 1, 1_000_000),
        server: reader.integer("serverCertGeneration", 1, 1_000_000),
        client: reader.integer("clientCertGeneration", 1, 1_000_000),
    };
    return { caValidityHours, validityHours, earlyRenewalHours, generations };
}

function readServices(reader: ConfigReader): ServicesSettings {
    return {
        redis: {
            enabled: reader.boolean("redisEnabled"),
            image: readImage(reader, "redisImage", "redis"),
            memoryMb: reader.integer("redisMemoryMb", 64, 65536),
            publish: reader.oneOf("redisPublish", publishModes),
        },
        mongodb: {
            enabled: reader.boolean("mongodbEnabled"),
            image: readImage(reader, "mongodbBaseImage", "mongo"),
            memoryMb: reader.integer("mongodbMemoryMb", 512, 262144),
            publish: reader.oneOf("mongodbPublish", publishModes),
        },
    };
}

/** A pinned image of the expected kind: the services' config files and users are written for it. */
function readImage(reader: ConfigReader, key: ConfigKey, expected: string): string {
    const reference = (reader.string(key) ?? "").trim();
    const image = parsePinnedImage(reference);
    if (image === undefined) {
        reader.report(key, reference, pinnedImageRules);
    } else if (imageBaseName(image) !== expected) {
        reader.report(
            key,
            reference,
            `a ${expected} image (the repository must end in /${expected} or be ${expected})`,
        );
    }
    return reference;
}
