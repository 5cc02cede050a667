import * as compute from "@pulumi/azure-native/compute";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { Provisioner } from "../config";
import { customScriptHandler, dockerExtensionHandler } from "./provisioning/catalogue";
import { certificateInstallScript, serverTlsFiles } from "./provisioning/certificateScript";
import { hardenedDaemonFlags } from "./provisioning/daemonSettings";
import { cloudInitTlsFiles } from "./provisioning/userData";
import { ServerTlsMaterial } from "./tlsMaterial";

export interface DockerProvisioningArgs {
    readonly provisioner: Provisioner;
    readonly dockerPort: number;
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: string;
    readonly vmName: pulumi.Input<string>;
    readonly tls: ServerTlsMaterial;
}

/** The Docker VM extension as `azure vm docker create` used it; see provisioning/catalogue. */
export const dockerExtension = { vmExtensionName: "DockerExtension", ...dockerExtensionHandler } as const;

/**
 * The daemon label that carries the certificates' revision on the Docker extension path. The
 * handler rewrites /etc/docker/*.pem on every enable but restarts Docker only when the ExecStart
 * line it builds from `docker.options` changes (op-enable.go, rewriteOpts), so without this label a
 * renewed certificate would sit on disk while the daemon kept serving the old one.
 */
export const certificateRevisionLabel = "azure-docker-host.certificate-revision";

/** The CustomScript extension that delivers the certificates under cloud-init. */
export const customScriptExtension = { vmExtensionName: "install-docker-tls", ...customScriptHandler } as const;

/**
 * Installs Docker's server certificate and key on the VM through an extension's protectedSettings,
 * which Azure encrypts and never returns; azure-native does not mark them secret, so we do. With
 * `docker-extension` Azure's Docker extension also installs and configures Docker; with `cloud-init`,
 * cloud-init has installed it and a CustomScript delivers the certificates. Either way, renewing a
 * certificate updates the extension in place: the VM and its data disk stay.
 */
export class DockerProvisioning extends pulumi.ComponentResource {
    /** Changes when the extension is re-created or re-applied: the readiness gate waits again then. */
    readonly revision: pulumi.Output<string>;

    constructor(name: string, args: DockerProvisioningArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azure-docker-host:index:DockerProvisioning", name, {}, opts);
        const { tls } = args;
        // Public certificates only: the tag shows in diffs and makes Azure re-run the extension
        // whenever a certificate changes, even though it cannot compare protected settings.
        const certificateTag = pulumi
            .all([tls.caCertPem, tls.serverCertPem])
            .apply(([ca, server]) => createHash("sha256").update(ca).update(server).digest("hex").slice(0, 16));

        const common = {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            vmName: args.vmName,
            autoUpgradeMinorVersion: true,
            forceUpdateTag: certificateTag,
        };
        const extension =
            args.provisioner === "docker-extension"
                ? new compute.VirtualMachineExtension(
                      `${name}-extension`,
                      {
                          ...common,
                          ...dockerExtension,
                          settings: {
                              docker: {
                                  port: String(args.dockerPort),
                                  options: certificateTag.apply((revision) => [
                                      ...hardenedDaemonFlags(),
                                      `--label=${certificateRevisionLabel}=${revision}`,
                                  ]),
                              },
                          },
                          protectedSettings: pulumi.secret({
                              certs: {
                                  ca: base64(tls.caCertPem),
                                  cert: base64(tls.serverCertPem),
                                  key: base64(tls.serverKeyPem),
                              },
                          }),
                      },
                      { parent: this },
                  )
                : new compute.VirtualMachineExtension(
                      `${name}-certificates`,
                      {
                          ...common,
                          ...customScriptExtension,
                          settings: {},
                          protectedSettings: pulumi.secret({
                              script: pulumi
                                  .all([tls.caCertPem, tls.serverCertPem, tls.serverKeyPem])
                                  .apply(([caCertPem, serverCertPem, serverKeyPem]) =>
                                      Buffer.from(
                                          certificateInstallScript(
                                              serverTlsFiles(cloudInitTlsFiles, {
                                                  caCertPem,
                                                  serverCertPem,
                                                  serverKeyPem,
                                              }),
                                          ),
                                      ).toString("base64"),
                                  ),
                          }),
                      },
                      { parent: this },
                  );
        this.revision = pulumi.interpolate`${extension.id}#${certificateTag}`;
        this.registerOutputs({ revision: this.revision });
    }
}

function base64(pem: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.output(pem).apply((text) => Buffer.from(text).toString("base64"));
}
