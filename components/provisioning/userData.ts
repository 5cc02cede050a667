import { Provisioner } from "../../config";
import { daemonJson, DaemonTlsFiles, dockerDataRoot } from "./daemonSettings";

/** Azure exposes data disk LUN 0 under this stable udev name on every Linux image it supports. */
export const dataDiskDevice = "/dev/disk/azure/scsi1/lun0";
/** ext4 label of the data disk's filesystem (at most 16 characters). */
export const dataDiskLabel = "docker-data";

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
 * through an extension's protected settings. It partitions and formats the data disk only when the
 * disk is blank, so a VM that replaces another finds the old data, and mounts it where Docker keeps
 * everything.
 */
export function cloudConfig(provisioner: Provisioner, dockerPort: number): Record<string, unknown> {
    const files: WrittenFile[] = [{ path: dockerDropInPath, permissions: "0644", content: dockerDropIn(provisioner) }];
    if (provisioner === "cloud-init") {
        files.push({
            path: daemonJsonPath,
            permissions: "0644",
            content: `${JSON.stringify(daemonJson(dockerPort, cloudInitTlsFiles), null, 2)}\n`,
        });
    }
    return {
        disk_setup: {
            [dataDiskDevice]: { table_type: "gpt", layout: true, overwrite: false },
        },
        fs_setup: [
            { device: dataDiskDevice, partition: "auto", filesystem: "ext4", label: dataDiskLabel, overwrite: false },
        ],
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
        "ExecStart=/usr/bin/dockerd --containerd=/run/containerd/containerd.sock",
    ].join("\n")}\n`;
}

/** cloud-init reads YAML; JSON is YAML, so the document needs no YAML library. */
export function renderUserData(config: Record<string, unknown>): string {
    return `#cloud-config\n${JSON.stringify(config, null, 2)}\n`;
}
