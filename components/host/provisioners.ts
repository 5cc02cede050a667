import { createHash } from "crypto";
import { ServerTlsBundle } from "../pki/bundles";
import { growDataDiskLines } from "./dataDisk";
import { daemonInstallScript, serverTlsFiles } from "./daemonScript";
import { daemonHardeningFlags, DaemonRole, DaemonTlsFiles, hostDaemonJson, imageStoreSettings } from "./daemonSettings";
import { BootConfig, daemonJsonPath, dockerDropIn, dockerDropInPath, jsonFile } from "./userData";

/** An Azure Marketplace image, as a VM's storageProfile.imageReference names it. */
export interface MarketplaceImage {
    readonly publisher: string;
    readonly offer: string;
    readonly sku: string;
    readonly version: string;
}

/** A VM extension handler, as a VirtualMachineExtension names it; the preflight checks it is published. */
export interface ExtensionHandler {
    readonly publisher: string;
    readonly type: string;
    readonly typeHandlerVersion: string;
}

/** The extension resource a provisioner declares on the VM. */
export interface ProvisioningExtension extends ExtensionHandler {
    /** The extension's name on the VM. */
    readonly vmExtensionName: string;
    /** Ends the resource's logical name (`<host>-provisioning-<suffix>`); part of existing stacks' URNs. */
    readonly resourceSuffix: string;
}

/** What the daemon on the host is configured for: its TLS port, and whether it is a swarm manager. */
export interface HostDaemon extends DaemonRole {
    readonly port: number;
}

/**
 * Everything one way of installing Docker decides: the image the VM boots, what cloud-init writes
 * and installs, the extension that finishes the job and what it is sent. The component code only
 * looks things up here, so a new provisioner is one more entry. What can change on a running host
 * (certificates, daemon settings) travels with the extension, which Azure updates in place; the boot
 * config is fixed for the VM's life (Azure cannot change customData).
 */
export interface ProvisionerSpec {
    /** In one line, for docs and messages. */
    readonly summary: string;
    readonly image: MarketplaceImage;
    readonly extension: ProvisioningExtension;
    /** Where the daemon's TLS files live on the VM. */
    readonly tlsFiles: DaemonTlsFiles;
    boot(): BootConfig;
    /** The extension's public settings; `revision` changes with every certificate and daemon setting. */
    settings(daemon: HostDaemon, revision: string): Record<string, unknown>;
    /** Its protected settings, which carry the server key: the caller marks them secret. */
    protectedSettings(server: ServerTlsBundle<string>, daemon: HostDaemon): Record<string, unknown>;
    /**
     * How a data disk Azure has grown reaches its file system, in place: the provisioning's own
     * script grows it when it runs again (its tag carries the disk's size), or, where the
     * provisioning runs no script of ours, a CustomScript extension of its own does.
     */
    readonly dataDiskGrowth: "provisioning-script" | "own-extension";
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

/** Azure's CustomScript handler for Linux, 2.1: runs a script once per configuration, as root. */
const customScriptHandler = {
    publisher: "Microsoft.Azure.Extensions",
    type: "CustomScript",
    typeHandlerVersion: "2.1",
} as const;

export const provisionerTable = {
    /**
     * Azure's Docker VM extension, as `azure vm docker create` used it (Azure/azure-docker-extension,
     * deprecated upstream). Pinned to 1.2: the 1.1 handlers write `ExecStart=/usr/bin/docker daemon`,
     * which no Docker Engine since 17.x can run. The handler installs Docker from get.docker.com,
     * writes the certificates to /etc/docker and puts `-H=fd:// --tlsverify ... -H=0.0.0.0:<port>` and
     * `docker.options` into docker.service's ExecStart. cloud-init only pins the image store (any
     * other daemon.json setting would clash with the handler's flags) and holds Docker back until the
     * data disk is mounted; the drop-in leaves ExecStart to the handler.
     */
    "docker-extension": {
        summary: "Azure's Docker VM extension on Ubuntu 22.04",
        image: {
            publisher: "Canonical",
            offer: "0001-com-ubuntu-server-jammy",
            sku: "22_04-lts-gen2",
            version: "latest",
        },
        extension: {
            vmExtensionName: "DockerExtension",
            resourceSuffix: "extension",
            publisher: "Microsoft.Azure.Extensions",
            type: "DockerExtension",
            typeHandlerVersion: "1.2",
        },
        tlsFiles: {
            caCert: "/etc/docker/ca.pem",
            serverCert: "/etc/docker/cert.pem",
            serverKey: "/etc/docker/key.pem",
        },
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
        dataDiskGrowth: "own-extension",
    },
    /**
     * Docker Engine from Ubuntu's archive on Ubuntu 24.04. cloud-init installs docker.io and a
     * drop-in whose ExecStart drops the packaged `-H fd://` (the hosts come from daemon.json) and
     * names `dockerd` without a directory (Ubuntu's is in /usr/bin, Debian's in /usr/sbin; systemd
     * searches both). The unit waits for the server key. The CustomScript extension delivers
     * daemon.json (TLS only, hardening, classic image store) with the certificates, restarts Docker,
     * and deletes its script.
     */
    "cloud-init": {
        summary: "Docker from Ubuntu's archive by cloud-init on Ubuntu 24.04",
        image: { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" },
        extension: {
            vmExtensionName: "install-docker-tls",
            resourceSuffix: "certificates",
            ...customScriptHandler,
        },
        tlsFiles: {
            caCert: "/etc/docker/tls/ca.pem",
            serverCert: "/etc/docker/tls/server-cert.pem",
            serverKey: "/etc/docker/tls/server-key.pem",
        },
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
            ];
            return { script: base64(daemonInstallScript(files, growDataDiskLines())) };
        },
        dataDiskGrowth: "provisioning-script",
    },
} as const satisfies Record<string, ProvisionerSpec>;

export type Provisioner = keyof typeof provisionerTable;
export const provisioners = Object.keys(provisionerTable) as Provisioner[];

/**
 * The script of the extension that grows the data disk's file system where the provisioning runs
 * none of ours (the Docker extension): public, since it holds nothing secret.
 */
export function growDataDiskScript(): string {
    return [
        "#!/bin/sh",
        "# azure-docker-host: grows the data disk's file system to the disk's size.",
        "set -eu",
        ...growDataDiskLines(),
        "",
    ].join("\n");
}

/** The CustomScript extension that runs growDataDiskScript; the VM may carry it beside the Docker extension. */
export const dataDiskGrowthExtension: ProvisioningExtension = {
    vmExtensionName: "grow-data-disk",
    resourceSuffix: "disk",
    ...customScriptHandler,
};
