import { DaemonLaunch, RootFile } from "./localDockerd";

/** What the handler takes from public settings (handlersettings.go: publicSettings). */
export interface DockerExtensionSettings {
    readonly docker: { readonly port: string; readonly options: readonly string[] };
}

/** The three PEMs the handler installs, as the program hands them over (base64 in protected settings). */
export interface ServerTls {
    readonly caCertPem: string;
    readonly serverCertPem: string;
    readonly serverKeyPem: string;
}

/** The unit get.docker.com's docker-ce package installs, before the handler's first enable edits it. */
export const packagedUnit = [
    "[Service]",
    "Type=notify",
    "ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock",
    "ExecReload=/bin/kill -s HUP $MAINPID",
    "",
].join("\n");

export const certificatePaths = {
    ca: "/etc/docker/ca.pem",
    cert: "/etc/docker/cert.pem",
    key: "/etc/docker/key.pem",
} as const;

export interface EnableResult {
    /** True when the handler restarts Docker; false when it only issues `systemctl start` (a no-op on a running daemon). */
    readonly restarted: boolean;
}

/**
 * A model of the Docker VM extension's enable step (Azure/azure-docker-extension 1.2.2), derived from
 * its source, driven by exactly the settings the program sends:
 * - handlersettings.go: `docker.port` must be a JSON string and `docker.options` an array of strings,
 *   or the settings do not unmarshal and enable fails;
 * - op-enable.go installDockerCerts: when `certs.ca`, `certs.cert` and `certs.key` are all given, each
 *   is trimmed, base64-decoded (the raw text if that fails) and written to /etc/docker/{ca,cert,key}.pem,
 *   0600 when created, on every enable;
 * - op-enable.go getArgs: `-H=fd://`, the TLS flags when the certificates are given, `-H=0.0.0.0:<port>`,
 *   then the options verbatim, joined with spaces;
 * - pkg/dockeropts/systemd.go: every `ExecStart=` line of docker.service becomes
 *   `ExecStart=/usr/bin/dockerd <args>`;
 * - pkg/driver/util.go rewriteOpts and enable: Docker restarts only when that rewrite changed the
 *   file; otherwise only `systemctl start docker` runs.
 */
export class DockerExtensionHandler {
    private readonly certificates = new Map<string, RootFile>();

    /**
     * A handler on a VM as an earlier enable left it: the unit as it is now (the packaged one on a
     * fresh VM) and the certificate files already written, whose modes a rewrite keeps.
     */
    constructor(
        private unit: string = packagedUnit,
        installed: readonly RootFile[] = [],
    ) {
        for (const file of installed) {
            this.certificates.set(file.path, file);
        }
    }

    /** docker.service as the last enable left it. */
    get unitText(): string {
        return this.unit;
    }

    /** The certificate files as the last enable wrote them. */
    get installedCertificates(): readonly RootFile[] {
        return [...this.certificates.values()];
    }

    enable(publicSettings: unknown, protectedSettings: unknown): EnableResult {
        const settings = readPublicSettings(publicSettings);
        const certs = (protectedSettings as { certs?: Record<string, unknown> } | undefined)?.certs ?? {};
        const given = (["ca", "cert", "key"] as const).map((name) => certs[name]);
        const hasCerts = given.every((value) => typeof value === "string" && value.trim() !== "");
        if (hasCerts) {
            (["ca", "cert", "key"] as const).forEach((name, index) => {
                const target = certificatePaths[name];
                this.certificates.set(target, {
                    path: target,
                    mode: this.certificates.get(target)?.mode ?? "0600",
                    content: decodeBase64OrRaw(String(given[index])),
                });
            });
        }
        const args = [
            "-H=fd://",
            ...(hasCerts
                ? [
                      "--tlsverify",
                      `--tlscacert=${certificatePaths.ca}`,
                      `--tlscert=${certificatePaths.cert}`,
                      `--tlskey=${certificatePaths.key}`,
                  ]
                : []),
            ...(settings.docker.port ? [`-H=0.0.0.0:${settings.docker.port}`] : []),
            ...settings.docker.options,
        ].join(" ");
        const rewritten = this.unit.replace(/ExecStart=.*/g, `ExecStart=/usr/bin/dockerd ${args}`);
        const restarted = rewritten !== this.unit;
        this.unit = rewritten;
        return { restarted };
    }

    /** The daemon's command line as docker.service now states it. */
    get execStart(): string {
        return /^ExecStart=(.*)$/m.exec(this.unit)?.[1] ?? "";
    }

    /**
     * The daemon systemd would start from the edited unit, as a rehearsal launch: the ExecStart
     * arguments exactly, with `-H=fd://` (docker.socket's /run/docker.sock) standing for the private
     * admin socket and /etc paths inside the daemon's private root. `files` are what else the VM
     * holds under /etc/docker (daemon.json from the user data), which dockerd reads by default.
     */
    launch(files: readonly RootFile[] = []): DaemonLaunch {
        const [, ...args] = this.execStart.split(" ");
        const certificates = [...this.certificates.values()];
        return ({ rooted, adminSocket }) => ({
            files: [...certificates, ...files],
            flags: [
                ...args.map((arg) => {
                    if (arg === "-H=fd://") {
                        return `-H=unix://${adminSocket}`;
                    }
                    const file = /^(--tls(?:cacert|cert|key))=(.*)$/.exec(arg);
                    return file ? `${file[1]}=${rooted(file[2] ?? "")}` : arg;
                }),
                ...(files.some((file) => file.path === "/etc/docker/daemon.json")
                    ? [`--config-file=${rooted("/etc/docker/daemon.json")}`]
                    : []),
            ],
        });
    }
}

function readPublicSettings(value: unknown): DockerExtensionSettings {
    const docker = (value as { docker?: { port?: unknown; options?: unknown } } | undefined)?.docker ?? {};
    if (docker.port !== undefined && typeof docker.port !== "string") {
        throw new Error(
            `json: cannot unmarshal ${typeof docker.port} into Go struct field .docker.port of type string`,
        );
    }
    const options = docker.options ?? [];
    if (!Array.isArray(options) || !options.every((option) => typeof option === "string")) {
        throw new Error("json: cannot unmarshal into Go struct field .docker.options of type []string");
    }
    return { docker: { port: docker.port ?? "", options } };
}

function decodeBase64OrRaw(value: string): string {
    const trimmed = value.trim();
    return /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, "base64").toString("utf8") : trimmed;
}

/** The settings and protected settings the program gave the extension, as one server's TLS files. */
export function extensionProtectedSettings(tls: ServerTls): { certs: { ca: string; cert: string; key: string } } {
    const encode = (pem: string) => Buffer.from(pem).toString("base64");
    return { certs: { ca: encode(tls.caCertPem), cert: encode(tls.serverCertPem), key: encode(tls.serverKeyPem) } };
}

/** The daemon one enable with these settings configures on a fresh VM. */
export function extensionLaunch(
    publicSettings: unknown,
    tls: ServerTls,
    files: readonly RootFile[] = [],
): DaemonLaunch {
    const handler = new DockerExtensionHandler();
    handler.enable(publicSettings, extensionProtectedSettings(tls));
    return handler.launch(files);
}
