import { Provisioner } from "../../config";
import { dataDiskLabel, dataDiskScript } from "./dataDisk";
import { daemonJson, DaemonTlsFiles, dockerDataRoot, imageStoreSettings } from "./daemonSettings";

/** Where Azure's Docker VM extension writes the daemon's certificate and key. */
export const extensionTlsFiles: DaemonTlsFiles = {
    caCert: "/etc/docker/ca.pem",
    serverCert: "/etc/docker/cert.pem",
    serverKey: "/etc/docker/key.pem",
};

/** Where the cloud-init provisioner's certificate script writes them. */
export const cloudInitTlsFiles: DaemonTlsFiles = {
    caCert: "/etc/docker/tls/ca.pem",
    serverCert: "/etc/docker/tls/server-cert.pem",
    serverKey: "/etc/docker/tls/server-key.pem",
};

export const daemonJsonPath = "/etc/docker/daemon.json";
/** The daemon's command line under cloud-init: the packaged unit's, without `-H fd://` or a path. */
export const dockerdCommand = "dockerd --containerd=/run/containerd/containerd.sock";
export const dockerDropInPath = "/etc/systemd/system/docker.service.d/10-azure-docker-host.conf";

/** Starts Docker once the data disk is mounted, if it is installed and not already up. */
export const startDockerWhenMounted =
    "if systemctl cat docker.service >/dev/null 2>&1; then systemctl daemon-reload && systemctl start docker.service; fi";

export interface WrittenFile {
    readonly path: string;
    readonly permissions: string;
    readonly content: string;
}

/**
 * The cloud-config both provisioners boot with. It holds no secret: certificates arrive later
 * through an extension's protected settings. A bootcmd formats the data disk only when it is blank
 * (see dataDiskScript), so a VM that replaces another finds the old data, and fstab mounts it by
 * label where Docker keeps everything. It sets no disk_setup or fs_setup of its own, so the Azure
 * datasource's default for the temporary disk stays in force and /mnt keeps working.
 *
 * daemon.json pins Docker's classic image store on both paths: Docker Engine 29 chooses the
 * containerd store on a fresh data root, and that store keeps images and layers under
 * /var/lib/containerd, on the OS disk that goes with the VM. On the Docker extension path the file
 * holds that setting alone: everything else is the handler's command-line flags, and a setting
 * given both ways stops dockerd.
 */
export function cloudConfig(provisioner: Provisioner, dockerPort: number): Record<string, unknown> {
    const settings = provisioner === "cloud-init" ? daemonJson(dockerPort, cloudInitTlsFiles) : imageStoreSettings;
    const files: WrittenFile[] = [
        { path: dockerDropInPath, permissions: "0644", content: dockerDropIn(provisioner) },
        { path: daemonJsonPath, permissions: "0644", content: `${JSON.stringify(settings, null, 2)}\n` },
    ];
    return {
        bootcmd: [["sh", "-c", dataDiskScript(), "prepare-data-disk"]],
        mounts: [[`LABEL=${dataDiskLabel}`, dockerDataRoot, "ext4", "defaults,nofail,discard", "0", "2"]],
        write_files: files.map((file) => ({ ...file, owner: "root:root" })),
        ...(provisioner === "cloud-init" ? { package_update: true, packages: ["docker.io"] } : {}),
        runcmd: [["sh", "-c", startDockerWhenMounted]],
    };
}

/**
 * A systemd drop-in for docker.service. Docker must never start on the OS disk by mistake, so the
 * unit waits for the data disk's mount and is skipped while it is missing. Under cloud-init the
 * daemon is configured by daemon.json, whose `hosts` conflicts with the packaged unit's `-H fd://`,
 * so ExecStart is cleared and restated without it; the unit is also skipped until the certificate
 * script has delivered the server key, because the daemon refuses to start without it.
 *
 * The restated command names `dockerd` without a directory: Ubuntu installs it in /usr/bin, Debian
 * in /usr/sbin, and systemd (239 and later) resolves a bare name through its fixed search path of
 * both. On the Docker extension path the drop-in sets no ExecStart: the handler writes its own into
 * docker.service, and a drop-in's would override it.
 */
export function dockerDropIn(provisioner: Provisioner): string {
    const unit = ["[Unit]", `RequiresMountsFor=${dockerDataRoot}`, `ConditionPathIsMountPoint=${dockerDataRoot}`];
    if (provisioner === "docker-extension") {
        return `${unit.join("\n")}\n`;
    }
    return `${[
        ...unit,
        `ConditionPathExists=${cloudInitTlsFiles.serverKey}`,
        "",
        "[Service]",
        "ExecStart=",
        `ExecStart=${dockerdCommand}`,
    ].join("\n")}\n`;
}

/** cloud-init reads YAML; JSON is YAML, so the document needs no YAML library. */
export function renderUserData(config: Record<string, unknown>): string {
    return `#cloud-config\n${JSON.stringify(config, null, 2)}\n`;
}
