import { DaemonTlsFiles } from "../../catalogue/provisioners";
/** What the daemon's settings depend on, beyond what every daemon gets. */
export interface DaemonRole {
    /** A swarm node: dockerd refuses swarm mode with live-restore on. */
    readonly swarm: boolean;
}

/**
 * The Docker daemon's hardening, in one place for the host (both provisioners) and the swarm's
 * workers (CIS Docker Benchmark 2.x): logs are rotated, processes cannot gain privileges through
 * setuid binaries, published ports use iptables rather than a userland proxy, and containers on the
 * default bridge cannot talk to each other. Containers keep running across a daemon restart
 * (live-restore) except in a swarm, which refuses it ("--live-restore daemon configuration is
 * incompatible with swarm mode"); there the restart policy brings them back.
 */
export function daemonHardening(role: DaemonRole) {
    return {
        "live-restore": !role.swarm,
        "log-driver": "json-file",
        "log-opts": { "max-size": "10m", "max-file": "3" },
        "no-new-privileges": true,
        "userland-proxy": false,
        icc: false,
    } as const;
}

/**
 * Docker's classic image store, whose images and layers live in the data root. Docker Engine 29
 * defaults to the containerd store on a fresh data root (moby daemon/image_store_choice.go), and
 * that store keeps content under /var/lib/containerd, on the OS disk. Older engines ignore the key.
 */
export const imageStoreSettings = { features: { "containerd-snapshotter": false } } as const;

/** Where Docker keeps images, containers and volumes; the data disk is mounted here. */
export const dockerDataRoot = "/var/lib/docker";

/** The same settings as daemon flags, for the Docker VM extension's `docker.options`. */
export function daemonHardeningFlags(role: DaemonRole): string[] {
    const settings = daemonHardening(role);
    return [
        ...(settings["live-restore"] ? ["--live-restore"] : []),
        `--log-driver=${settings["log-driver"]}`,
        ...Object.entries(settings["log-opts"]).map(([name, value]) => `--log-opt=${name}=${value}`),
        "--no-new-privileges",
        `--userland-proxy=${settings["userland-proxy"]}`,
        `--icc=${settings.icc}`,
    ];
}

/** daemon.json for the host under cloud-init: TCP with mutual TLS plus the local socket. */
export function hostDaemonJson(port: number, tlsFiles: DaemonTlsFiles, role: DaemonRole): Record<string, unknown> {
    return {
        hosts: ["unix:///var/run/docker.sock", `tcp://0.0.0.0:${port}`],
        tls: true,
        tlsverify: true,
        tlscacert: tlsFiles.caCert,
        tlscert: tlsFiles.serverCert,
        tlskey: tlsFiles.serverKey,
        ...daemonHardening(role),
        ...imageStoreSettings,
    };
}

/** daemon.json for a swarm worker: the local socket only (no TCP port at all), the same hardening. */
export function workerDaemonJson(): Record<string, unknown> {
    return { ...daemonHardening({ swarm: true }), ...imageStoreSettings };
}
