/**
 * The Docker daemon's hardening, in one place for both provisioners (CIS Docker Benchmark 2.x):
 * containers keep running across daemon restarts and upgrades, logs are rotated, processes cannot
 * gain privileges through setuid binaries, published ports use iptables rather than a userland proxy,
 * and containers on the default bridge cannot talk to each other.
 */
export const hardenedDaemonSettings = {
    "live-restore": true,
    "log-driver": "json-file",
    "log-opts": { "max-size": "10m", "max-file": "3" },
    "no-new-privileges": true,
    "userland-proxy": false,
    icc: false,
} as const;

/**
 * Docker's classic image store, whose images and layers live in the data root. Docker Engine 29
 * defaults to the containerd store on a fresh data root (moby daemon/image_store_choice.go), and
 * that store keeps content under /var/lib/containerd, on the OS disk. Older engines ignore the key.
 */
export const imageStoreSettings = { features: { "containerd-snapshotter": false } } as const;

/** Where Docker keeps images, containers and volumes; the data disk is mounted here. */
export const dockerDataRoot = "/var/lib/docker";

export interface DaemonTlsFiles {
    readonly caCert: string;
    readonly serverCert: string;
    readonly serverKey: string;
}

/** The same settings as daemon flags, for the Docker VM extension's `docker.options`. */
export function hardenedDaemonFlags(): string[] {
    const settings = hardenedDaemonSettings;
    return [
        "--live-restore",
        `--log-driver=${settings["log-driver"]}`,
        ...Object.entries(settings["log-opts"]).map(([name, value]) => `--log-opt=${name}=${value}`),
        "--no-new-privileges",
        `--userland-proxy=${settings["userland-proxy"]}`,
        `--icc=${settings.icc}`,
    ];
}

/** daemon.json for the cloud-init provisioner: TCP with mutual TLS plus the local socket. */
export function daemonJson(port: number, tlsFiles: DaemonTlsFiles): Record<string, unknown> {
    return {
        hosts: ["unix:///var/run/docker.sock", `tcp://0.0.0.0:${port}`],
        tls: true,
        tlsverify: true,
        tlscacert: tlsFiles.caCert,
        tlscert: tlsFiles.serverCert,
        tlskey: tlsFiles.serverKey,
        ...hardenedDaemonSettings,
        ...imageStoreSettings,
    };
}
