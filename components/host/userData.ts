import { dataDiskLabel, dataDiskScript } from "./dataDisk";
import { dockerDataRoot } from "./daemonSettings";

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

/** What a provisioner adds to the boot: files to write, packages to install. */
export interface BootConfig {
    readonly files: readonly WrittenFile[];
    readonly packages: readonly string[];
    /** Whether the VM has the data disk that holds Docker's data (the host does; swarm workers do not). */
    readonly dataDisk?: boolean;
    /** Shell commands to run once at the end of the first boot, after the packages are in. */
    readonly commands?: readonly string[];
}

/**
 * The cloud-config a VM boots with, for any provisioner. It holds no secret: certificates arrive
 * later through an extension's protected settings. A bootcmd formats the data disk only when it is
 * blank (see dataDiskScript), so a VM that replaces another finds the old data, and fstab mounts it
 * by label where Docker keeps everything. It sets no disk_setup or fs_setup of its own, so the
 * Azure datasource's default for the temporary disk stays in force and /mnt keeps working.
 */
export function cloudConfig(boot: BootConfig): Record<string, unknown> {
    const dataDisk = boot.dataDisk ?? true;
    return {
        ...(dataDisk
            ? {
                  bootcmd: [["sh", "-c", dataDiskScript(), "prepare-data-disk"]],
                  mounts: [[`LABEL=${dataDiskLabel}`, dockerDataRoot, "ext4", "defaults,nofail,discard", "0", "2"]],
              }
            : {}),
        write_files: boot.files.map((file) => ({ ...file, owner: "root:root" })),
        ...(boot.packages.length > 0 ? { package_update: true, packages: [...boot.packages] } : {}),
        runcmd: [...(dataDisk ? [startDockerWhenMounted] : []), ...(boot.commands ?? [])].map((command) => [
            "sh",
            "-c",
            command,
        ]),
    };
}

/**
 * A systemd drop-in for docker.service. Docker must never start on the OS disk by mistake, so the
 * unit waits for the data disk's mount and is skipped while it is missing; `conditions` add what
 * else must exist, and `execStart`, when given, replaces the packaged command line.
 */
export function dockerDropIn(conditions: readonly string[] = [], execStart?: string): string {
    const unit = [
        "[Unit]",
        `RequiresMountsFor=${dockerDataRoot}`,
        `ConditionPathIsMountPoint=${dockerDataRoot}`,
        ...conditions.map((path) => `ConditionPathExists=${path}`),
    ];
    const service = execStart === undefined ? [] : ["", "[Service]", "ExecStart=", `ExecStart=${execStart}`];
    return `${[...unit, ...service].join("\n")}\n`;
}

/** A JSON file cloud-init writes, pretty-printed as an operator would read it. */
export function jsonFile(path: string, content: unknown): WrittenFile {
    return { path, permissions: "0644", content: `${JSON.stringify(content, null, 2)}\n` };
}

/** cloud-init reads YAML; JSON is YAML, so the document needs no YAML library. */
export function renderUserData(config: Record<string, unknown>): string {
    return `#cloud-config\n${JSON.stringify(config, null, 2)}\n`;
}
