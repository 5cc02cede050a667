import { extensionTlsFiles } from "../../components/provisioning/userData";
import { DaemonLaunch } from "./localDockerd";

export interface ServerTls {
    readonly caCertPem: string;
    readonly serverCertPem: string;
    readonly serverKeyPem: string;
}

export interface DockerExtensionSettings {
    readonly docker: { readonly port: string; readonly options: readonly string[] };
}

/**
 * The daemon Azure's Docker extension configures from its settings: it writes the three
 * certificates to /etc/docker and starts dockerd with --tlsverify, the three file flags,
 * `-H=0.0.0.0:<port>` and the public `docker.options` (see the extension's getArgs).
 */
export function dockerExtensionLaunch(settings: DockerExtensionSettings, tls: ServerTls): DaemonLaunch {
    return ({ rooted, adminSocket }) => ({
        files: [
            { path: extensionTlsFiles.caCert, mode: "0600", content: tls.caCertPem },
            { path: extensionTlsFiles.serverCert, mode: "0600", content: tls.serverCertPem },
            { path: extensionTlsFiles.serverKey, mode: "0600", content: tls.serverKeyPem },
        ],
        flags: [
            // The extension keeps the packaged unit's -H fd://; the rehearsal's stand-in is a private socket.
            `-H=unix://${adminSocket}`,
            "--tlsverify",
            `--tlscacert=${rooted(extensionTlsFiles.caCert)}`,
            `--tlscert=${rooted(extensionTlsFiles.serverCert)}`,
            `--tlskey=${rooted(extensionTlsFiles.serverKey)}`,
            `-H=0.0.0.0:${settings.docker.port}`,
            ...settings.docker.options,
        ],
    });
}
