/**
 * Every stack config key the program reads, with its type, description and default. This table is
 * the single source: the loader takes defaults from it, and a test holds Pulumi.yaml's `config:`
 * block and the README's config reference to it, so the three cannot drift.
 *
 * Keys without a default must be set in every stack file; Pulumi itself refuses to run without them.
 * Optional keys whose absence means "derive it" default to the empty string, because Pulumi.yaml
 * cannot declare an optional key without a default.
 */
export interface ConfigKeySpec {
    readonly type: "string" | "integer" | "boolean" | "array";
    readonly description: string;
    readonly default?: string | number | boolean | readonly string[];
}

export const configSchema = {
    location: {
        type: "string",
        description: "Azure region for every resource, e.g. eastasia. Display names such as 'East Asia' are accepted.",
    },
    allowedSourceRanges: {
        type: "array",
        description:
            "IPv4 addresses or CIDR ranges allowed to reach SSH (22) and the Docker port. Required; the internet as a whole is refused.",
        default: [],
    },
    vmSize: {
        type: "string",
        description: "Azure VM size of the Docker host.",
        default: "Standard_B2s",
    },
    adminUsername: {
        type: "string",
        description: "Linux admin user on the VM (SSH key login only).",
        default: "azureuser",
    },
    sshPublicKey: {
        type: "string",
        description:
            "OpenSSH ssh-rsa public key (2048 bits or more) for the admin user. Empty: an RSA 4096 key is generated and exported as a secret.",
        default: "",
    },
    dnsLabel: {
        type: "string",
        description:
            "DNS label of the public IP: the host becomes <label>.<location>.cloudapp.azure.com. Empty: derived from the stack name plus a random suffix.",
        default: "",
    },
    vnetAddressSpace: {
        type: "string",
        description: "Address space of the virtual network (IPv4 CIDR).",
        default: "10.20.0.0/16",
    },
    subnetAddressPrefix: {
        type: "string",
        description: "Address prefix of the VM subnet; must lie inside vnetAddressSpace.",
        default: "10.20.1.0/24",
    },
    provisioner: {
        type: "string",
        description:
            "How Docker is installed: auto (Azure's Docker VM extension where Azure still publishes it in the region, cloud-init otherwise; kept once the host exists), docker-extension (Ubuntu 22.04) or cloud-init (Docker from Ubuntu's archive, Ubuntu 24.04).",
        default: "auto",
    },
    preflight: {
        type: "boolean",
        description:
            "Check Azure's catalogue (region, VM size, image, extensions) with the azure-native provider's identity before anything is created. Turn off only where Resource Manager's read API is unreachable from the machine running Pulumi.",
        default: true,
    },
    dockerPort: {
        type: "integer",
        description: "TCP port on which the Docker daemon listens, mutual TLS only.",
        default: 2376,
    },
    dataDiskSizeGb: {
        type: "integer",
        description: "Size in GiB of the managed data disk that holds Docker's data and outlives the VM.",
        default: 64,
    },
    dataDiskSource: {
        type: "string",
        description:
            "Resource id of a snapshot or managed disk (a restored backup) the data disk is made from; empty (the default) makes an empty disk. See 'Backups and restore' before changing it on an existing stack.",
        default: "",
    },
    backupRetentionDays: {
        type: "integer",
        description: "Days each daily Azure Backup snapshot of the data disk is kept, 1 to 360; 0 turns backups off.",
        default: 7,
    },
    autoShutdownTime: {
        type: "string",
        description:
            "Daily time (HH:MM, 24-hour) at which Azure deallocates the VM, as the portal's auto-shutdown does; empty (the default) never.",
        default: "",
    },
    autoShutdownTimeZone: {
        type: "string",
        description: "Windows time zone id of autoShutdownTime, e.g. UTC or W. Europe Standard Time.",
        default: "UTC",
    },
    caValidityHours: {
        type: "integer",
        description: "Validity of the certificate authority, in hours.",
        default: 87600,
    },
    certValidityHours: {
        type: "integer",
        description: "Validity of the server and client certificates, in hours.",
        default: 8760,
    },
    certEarlyRenewalHours: {
        type: "integer",
        description: "A certificate is renewed on the first `pulumi up` within this many hours of its expiry.",
        default: 720,
    },
    caGeneration: {
        type: "integer",
        description:
            "Raise by one to replace the CA key and certificate on the next `pulumi up`; the server and client certificates are re-issued under it.",
        default: 1,
    },
    serverCertGeneration: {
        type: "integer",
        description:
            "Raise by one to replace the daemon's key and certificate on the next `pulumi up` (docker-machine regenerate-certs); the VM stays.",
        default: 1,
    },
    clientCertGeneration: {
        type: "integer",
        description:
            "Raise by one to replace the client key and certificate on the next `pulumi up`; then `azure-docker-host env` again (or use `azure-docker-host regenerate-certs --client`).",
        default: 1,
    },
    readinessTimeoutSeconds: {
        type: "integer",
        description: "How long `pulumi up` waits for the Docker daemon to answer over mutual TLS before failing.",
        default: 900,
    },
    swarmWorkers: {
        type: "integer",
        description:
            "Worker VMs in a Docker Swarm-mode cluster whose manager is the host, in one VM Scale Set; 0 (the default) is the single host and nothing more.",
        default: 0,
    },
    swarmWorkerVmSize: {
        type: "string",
        description: "Azure VM size of each swarm worker.",
        default: "Standard_B2s",
    },
    redisEnabled: {
        type: "boolean",
        description: "Whether the redis container runs.",
        default: true,
    },
    redisImage: {
        type: "string",
        description:
            "redis image, pinned by tag (never latest), optionally with @sha256:<digest>. Debian-based tags only: the container runs as uid 999.",
        default: "redis:7.4.2-bookworm",
    },
    redisMemoryMb: {
        type: "integer",
        description: "Memory limit of the redis container in MiB (redis itself is capped at 75% of it).",
        default: 256,
    },
    redisPublish: {
        type: "string",
        description:
            "Where redis's port 6379 is published: localhost (127.0.0.1 of the VM, reachable through an SSH tunnel) or none.",
        default: "localhost",
    },
    mongodbEnabled: {
        type: "boolean",
        description: "Whether the mongodb container runs.",
        default: true,
    },
    mongodbBaseImage: {
        type: "string",
        description:
            "Official mongo image the mongodb image is built from, pinned by tag (never latest), optionally with @sha256:<digest>.",
        default: "mongo:7.0.16-jammy",
    },
    mongodbMemoryMb: {
        type: "integer",
        description: "Memory limit of the mongodb container in MiB (WiredTiger's cache is sized to fit).",
        default: 1024,
    },
    mongodbPublish: {
        type: "string",
        description:
            "Where mongodb's port 27017 is published: localhost (127.0.0.1 of the VM, reachable through an SSH tunnel) or none.",
        default: "localhost",
    },
} as const satisfies Record<string, ConfigKeySpec>;

export type ConfigKey = keyof typeof configSchema;
