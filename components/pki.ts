import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { CertificateSettings } from "../config";

export interface PkiArgs {
    readonly certificates: CertificateSettings;
    /** The Docker host's public name and address: the server certificate must name both. */
    readonly fqdn: pulumi.Input<string>;
    readonly publicIpAddress: pulumi.Input<string>;
    /** An operator's own key; when absent an RSA 4096 key pair is generated. */
    readonly sshPublicKey: string | undefined;
}

/** ECDSA P-256: what Docker's own TLS guide and Go's crypto/tls handle best, and fast to generate. */
const tlsKey = { algorithm: "ECDSA", ecdsaCurve: "P256" } as const;
const organization = "azure-docker-host";

/**
 * The mutual-TLS material of one Docker host, like docker-machine's: a private CA, a server
 * certificate for the daemon and a client certificate for operators and the docker provider. The CA
 * key stays in Pulumi state; only the CA certificate and the server pair ever reach the VM.
 */
export class Pki extends pulumi.ComponentResource {
    readonly caCertPem: pulumi.Output<string>;
    readonly serverCertPem: pulumi.Output<string>;
    readonly serverKeyPem: pulumi.Output<string>;
    readonly clientCertPem: pulumi.Output<string>;
    readonly clientKeyPem: pulumi.Output<string>;
    readonly sshPublicKey: pulumi.Output<string>;
    /** Only when the key pair was generated here. */
    readonly sshPrivateKey: pulumi.Output<string> | undefined;

    constructor(name: string, args: PkiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azure-docker-host:index:Pki", name, {}, opts);
        const { certificates } = args;
        const validity = {
            validityPeriodHours: certificates.validityHours,
            earlyRenewalHours: certificates.earlyRenewalHours,
        };

        const { generations } = certificates;
        // A new generation is a new key; the certificate, its request and what it signs follow.
        const caKey = new tls.PrivateKey(`${name}-ca-key`, tlsKey, {
            parent: this,
            replacementTrigger: generations.ca,
        });
        const ca = new tls.SelfSignedCert(
            `${name}-ca`,
            {
                privateKeyPem: caKey.privateKeyPem,
                isCaCertificate: true,
                // Only leaf certificates may sit under this CA.
                maxPathLength: 0,
                allowedUses: ["cert_signing", "crl_signing"],
                subject: { commonName: `${organization} CA`, organization },
                validityPeriodHours: certificates.caValidityHours,
                earlyRenewalHours: certificates.earlyRenewalHours,
                setSubjectKeyId: true,
            },
            { parent: this },
        );
        this.caCertPem = ca.certPem;

        const signLeaf = (role: string, generation: number, request: tls.CertRequestArgs, allowedUses: string[]) => {
            const key = new tls.PrivateKey(`${name}-${role}-key`, tlsKey, {
                parent: this,
                replacementTrigger: generation,
            });
            const csr = new tls.CertRequest(
                `${name}-${role}-csr`,
                { ...request, privateKeyPem: key.privateKeyPem },
                { parent: this },
            );
            const cert = new tls.LocallySignedCert(
                `${name}-${role}-cert`,
                {
                    certRequestPem: csr.certRequestPem,
                    caCertPem: ca.certPem,
                    caPrivateKeyPem: caKey.privateKeyPem,
                    allowedUses,
                    ...validity,
                },
                { parent: this },
            );
            return { certPem: cert.certPem, keyPem: pulumi.secret(key.privateKeyPem) };
        };

        const server = signLeaf(
            "server",
            generations.server,
            {
                subject: { commonName: pulumi.output(args.fqdn), organization },
                dnsNames: [args.fqdn, "localhost"],
                ipAddresses: [args.publicIpAddress, "127.0.0.1"],
            },
            ["digital_signature", "server_auth"],
        );
        this.serverCertPem = server.certPem;
        this.serverKeyPem = server.keyPem;

        const client = signLeaf(
            "client",
            generations.client,
            { subject: { commonName: "docker-client", organization } },
            ["digital_signature", "client_auth"],
        );
        this.clientCertPem = client.certPem;
        this.clientKeyPem = client.keyPem;

        if (args.sshPublicKey === undefined) {
            // Azure's keyData takes ssh-rsa only.
            const sshKey = new tls.PrivateKey(`${name}-ssh-key`, { algorithm: "RSA", rsaBits: 4096 }, { parent: this });
            this.sshPublicKey = sshKey.publicKeyOpenssh.apply((key) => key.trim());
            this.sshPrivateKey = pulumi.secret(sshKey.privateKeyOpenssh);
        } else {
            this.sshPublicKey = pulumi.output(args.sshPublicKey);
            this.sshPrivateKey = undefined;
        }

        this.registerOutputs({
            caCertPem: this.caCertPem,
            serverCertPem: this.serverCertPem,
            clientCertPem: this.clientCertPem,
            sshPublicKey: this.sshPublicKey,
        });
    }
}
