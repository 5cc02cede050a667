import { DaemonTlsFiles } from "../../catalogue/provisioners";

import { ServerTlsBundle } from "../pki/bundles";

export interface InstalledFile {
    readonly path: string;
    /** Octal mode: scripts executable, configuration and certificates world-readable, the key root's alone. */
    readonly mode: "0755" | "0644" | "0444" | "0400";
    readonly content: string;
}

/** The files the daemon's TLS needs, with the modes CIS Docker Benchmark 3.x asks for. */
export function serverTlsFiles(paths: DaemonTlsFiles, server: ServerTlsBundle<string>): InstalledFile[] {
    return [
        { path: paths.caCert, mode: "0444", content: server.caCertPem },
        { path: paths.serverCert, mode: "0444", content: server.certPem },
        { path: paths.serverKey, mode: "0400", content: server.keyPem },
    ];
}

/** A comment line that identifies the daemon configuration script, so it removes only itself. */
export const daemonScriptMarker = "azure-docker-host daemon configuration script";

/**
 * Shell lines that install `files` atomically, owned by root with their modes, through the folder
 * named by `$staging` (the caller makes it, private, and removes it). Each file travels base64'd in
 * a quoted heredoc, so no content is ever read as shell.
 */
export function installFilesLines(files: readonly InstalledFile[]): string[] {
    const directories = [...new Set(files.map((file) => file.path.replace(/\/[^/]+$/, "")))];
    const installs = files.flatMap((file, index) => {
        const staged = `"$staging/file${index}"`;
        const encoded = Buffer.from(file.content, "utf8")
            .toString("base64")
            .replace(/(.{76})/g, "$1\n");
        return [
            `base64 -d > ${staged} <<'ENCODED'`,
            encoded.trimEnd(),
            "ENCODED",
            `install -o root -g root -m ${file.mode} ${staged} '${file.path}'`,
        ];
    });
    return [...directories.map((directory) => `install -d -o root -g root -m 0755 '${directory}'`), "", ...installs];
}

/**
 * The script the CustomScript extension runs (as root) under the cloud-init provisioner: it installs
 * the daemon's configuration (daemon.json) and TLS files, so that a change of either reaches the VM
 * in place, with the extension, rather than only through a new VM. It holds the server key, so it
 * only ever travels in protectedSettings, and it deletes its own file when it ends: the handler
 * would otherwise keep that copy of the key on disk. It waits for cloud-init to finish
 * installing Docker and mounting the data disk, installs the files atomically with their modes,
 * restarts Docker (live-restore keeps containers running), failing with the daemon's journal when
 * the daemon does not come back, and then runs `after` (growing the data disk's file system, say:
 * after the restart: Docker 20.10 restarted right after the growth started the containers again
 * left their health checks unrun, "starting" for good, in the lifecycle). It is safe to run again:
 * renewal re-runs it with new files.
 */
export function daemonInstallScript(files: readonly InstalledFile[], after: readonly string[] = []): string {
    return [
        "#!/bin/sh",
        `# ${daemonScriptMarker}: installs the Docker daemon's configuration, certificate and key, then restarts Docker.`,
        "set -eu",
        "",
        "# The CustomScript handler keeps this file, server key included, under",
        "# /var/lib/waagent/custom-script/download/<n>/ until its next run. Remove it on the way out,",
        "# whatever happens; the marker check keeps a differently invoked copy from deleting anything else.",
        "staging=''",
        "cleanup() {",
        '  if [ -n "$staging" ]; then rm -rf "$staging"; fi',
        `  if [ -f "$0" ] && grep -q '${daemonScriptMarker}' "$0" 2>/dev/null; then rm -f -- "$0"; fi`,
        "}",
        "trap cleanup EXIT",
        "",
        "# cloud-init installs Docker and mounts the data disk; wait for it. It exits non-zero when a",
        "# module failed: go on, and let the daemon's own start below report what matters.",
        'cloud-init status --wait >/dev/null || echo "cloud-init reported errors; continuing" >&2',
        "",
        "umask 077",
        "staging=$(mktemp -d)",
        ...installFilesLines(files),
        "",
        "systemctl daemon-reload",
        "systemctl enable docker.service",
        "systemctl restart docker.service",
        "if ! systemctl is-active --quiet docker.service; then",
        '  echo "docker.service did not start:" >&2',
        "  journalctl -u docker.service -n 50 --no-pager >&2 || true",
        "  exit 1",
        "fi",
        "",
        ...(after.length > 0 ? [...after, ""] : []),
    ].join("\n");
}
