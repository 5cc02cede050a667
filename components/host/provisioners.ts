import { createHash } from "crypto";
import { ServerTlsBundle } from "../pki/bundles";
import { growDataDiskLines } from "./dataDisk";
import { daemonInstallScript, installFilesLines, serverTlsFiles } from "./daemonScript";
import { startLeftContainersFiles, startLeftContainersPath } from "./leftContainers";
import { Provisioner, provisionerCatalogue, ProvisionerEntry } from "../../catalogue/provisioners";
import { daemonHardeningFlags, DaemonRole, hostDaemonJson, imageStoreSettings } from "./daemonSettings";
import { BootConfig, daemonJsonPath, dockerDropIn, dockerDropInPath, jsonFile } from "./userData";

/** What the daemon on the host is configured for: its TLS port, and whether it is a swarm manager. */
export interface HostDaemon extends DaemonRole {
    readonly port: number;
}

/**
 * What one way of installing Docker sends the VM, beside its catalogue entry: what cloud-init writes
 * and installs, and what the extension is sent. The component code only looks things up here, so a
 * new provisioner is one more entry in each. What can change on a running host (certificates,
 * daemon settings) travels with the extension, which Azure updates in place; the boot config is
 * fixed for the VM's life (Azure cannot change customData).
 */
export interface ProvisionerSpec extends ProvisionerEntry {
    boot(): BootConfig;
    /** The extension's public settings; `revision` changes with every certificate and daemon setting. */
    settings(daemon: HostDaemon, revision: string): Record<string, unknown>;
    /** Its protected settings, which carry the server key: the caller marks them secret. */
    protectedSettings(server: ServerTlsBundle<string>, daemon: HostDaemon): Record<string, unknown>;
}

/**
 * The daemon label that carries the certificates' revision on the Docker extension path. The
 * handler rewrites /etc/docker/*.pem on every enable but restarts Docker only when the ExecStart
 * line it builds from `docker.options` changes (op-enable.go, rewriteOpts), so without this label a
 * renewed certificate would sit on disk while the daemon kept serving the old one.
 */
export const certificateRevisionLabel = "azure-docker-host.certificate-revision";

/** The daemon's command line under cloud-init: the packaged unit's, without `-H fd://` or a path. */
export const dockerdCommand = "dockerd --containerd=/run/containerd/containerd.sock";

const base64 = (text: string) => Buffer.from(text).toString("base64");

/**
 * Changes with the CA, the server certificate or the daemon's settings (public material only): what
 * makes Azure run the extension again (forceUpdateTag) and, on the extension path, Docker restart.
 */
export function provisioningRevision(caCertPem: string, serverCertPem: string, daemon: HostDaemon): string {
    return createHash("sha256")
        .update(caCertPem)
        .update(serverCertPem)
        .update(JSON.stringify({ port: daemon.port, swarm: daemon.swarm }))
        .digest("hex")
        .slice(0, 16);
}

export const provisionerTable = {
    /**
     * The Docker VM extension's handler installs Docker from get.docker.com,
     * writes the certificates to /etc/docker and puts `-H=fd:// --tlsverify ... -H=0.0.0.0:<port>` and
     * `docker.options` into docker.service's ExecStart. cloud-init only pins the image store (any
     * other daemon.json setting would clash with the handler's flags) and holds Docker back until the
     * data disk is mounted; the drop-in leaves ExecStart to the handler.
     */
    "docker-extension": {
        ...provisionerCatalogue["docker-extension"],
        boot: () => ({
            files: [
                { path: dockerDropInPath, permissions: "0644", content: dockerDropIn() },
                jsonFile(daemonJsonPath, imageStoreSettings),
            ],
            packages: [],
        }),
        settings: (daemon, revision) => ({
            docker: {
                port: String(daemon.port),
                options: [...daemonHardeningFlags(daemon), `--label=${certificateRevisionLabel}=${revision}`],
            },
        }),
        protectedSettings: (server) => ({
            certs: { ca: base64(server.caCertPem), cert: base64(server.certPem), key: base64(server.keyPem) },
        }),
    },
    /**
     * cloud-init installs docker.io from Ubuntu's archive and a
     * drop-in whose ExecStart drops the packaged `-H fd://` (the hosts come from daemon.json) and
     * names `dockerd` without a directory (Ubuntu's is in /usr/bin, Debian's in /usr/sbin; systemd
     * searches both). The unit waits for the server key. The CustomScript extension delivers
     * daemon.json (TLS only, hardening, classic image store) with the certificates, restarts Docker,
     * and deletes its script.
     */
    "cloud-init": {
        ...provisionerCatalogue["cloud-init"],
        boot() {
            return {
                files: [
                    {
                        path: dockerDropInPath,
                        permissions: "0644",
                        content: dockerDropIn([this.tlsFiles.serverKey], dockerdCommand),
                    },
                ],
                packages: ["docker.io"],
            };
        },
        settings: () => ({}),
        protectedSettings(server, daemon) {
            const daemonJson = jsonFile(daemonJsonPath, hostDaemonJson(daemon.port, this.tlsFiles, daemon));
            const files = [
                { path: daemonJson.path, mode: "0644" as const, content: daemonJson.content },
                ...serverTlsFiles(this.tlsFiles, server),
                ...startLeftContainersFiles(),
            ];
            return { script: base64(daemonInstallScript(files, growDataDiskLines())) };
        },
    },
} as const satisfies Record<Provisioner, ProvisionerSpec>;

/**
 * The script of the CustomScript extension that runs beside the Docker extension, which installs
 * none of our files (public: it holds nothing secret). It installs what makes Docker start the
 * containers its restart left exited, and runs it once, since the Docker extension may have
 * restarted the daemon before the drop-in was there; then it grows the data disk's file system.
 * The extension is named for that growth, its first task; the name stays, with the URN.
 */
export function upkeepScript(): string {
    return [
        "#!/bin/sh",
        "# azure-docker-host: installs the daemon's start hook and grows the data disk's file system.",
        "set -eu",
        "staging=$(mktemp -d)",
        "trap 'rm -rf \"$staging\"' EXIT",
        ...installFilesLines(startLeftContainersFiles()),
        "systemctl daemon-reload",
        ...growDataDiskLines(),
        `${startLeftContainersPath} || true`,
        "",
    ].join("\n");
}
