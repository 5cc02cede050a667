import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { ClientTlsBundle, ServerTlsBundle } from "./bundles";

export interface PkiArgs {
    readonly caValidityHours: pulumi.Input<number>;
    /** Validity of the server and client certificates. */
    readonly validityHours: pulumi.Input<number>;
    /** A certificate is re-issued on the first `pulumi up` this close to its expiry. */
    readonly earlyRenewalHours: pulumi.Input<number>;
    /** Raising one replaces that key, and what it signs follows (docker-machine's regenerate-certs). */
    readonly generations: { readonly ca: number; readonly server: number; readonly client: number };
    /** The Docker host's public name and address: the server certificate must name both. */
    readonly fqdn: pulumi.Input<string>;
    readonly publicIpAddress: pulumi.Input<string>;
}

/** ECDSA P-256: what Docker's own TLS guide and Go's crypto/tls handle best, and fast to generate. */
const tlsKey = { algorithm: "ECDSA", ecdsaCurve: "P256" } as const;
const organization = "azure-docker-host";

/**
 * The mutual-TLS material of one Docker host, like docker-machine's: a private CA, a server
 * certificate for the daemon and a client certificate for operators and the docker provider. The CA
 * key stays in Pulumi state; only the CA certificate and the server pair ever reach the VM. (The
 * host's SSH key is the host's: see host/sshKey.ts.)
 */
export class Pki extends pulumi.ComponentResource {
    readonly caCertPem: pulumi.Output<string>;
    /** For the daemon; its key is a secret. */
    readonly server: ServerTlsBundle<pulumi.Output<string>>;
    /** For operators, the docker provider and the dynamic providers; its key is a secret. */
    readonly client: ClientTlsBundle<pulumi.Output<string>>;

    constructor(name: string, args: PkiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azure-docker-host:index:Pki", name, {}, opts);
        const validity = { validityPeriodHours: args.validityHours, earlyRenewalHours: args.earlyRenewalHours };

        const { generations } = args;
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
                validityPeriodHours: args.caValidityHours,
                earlyRenewalHours: args.earlyRenewalHours,
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
        this.server = { side: "server", caCertPem: ca.certPem, certPem: server.certPem, keyPem: server.keyPem };

        const client = signLeaf(
            "client",
            generations.client,
            { subject: { commonName: "docker-client", organization } },
            ["digital_signature", "client_auth"],
        );
        this.client = { side: "client", caCertPem: ca.certPem, certPem: client.certPem, keyPem: client.keyPem };

        this.registerOutputs({
            caCertPem: this.caCertPem,
            serverCertPem: this.server.certPem,
            clientCertPem: this.client.certPem,
        });
    }
}
