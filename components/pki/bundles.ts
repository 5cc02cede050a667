import * as pulumi from "@pulumi/pulumi";

/**
 * One side's TLS material: the CA that side trusts, and its own certificate and key. The `side` tag
 * keeps the daemon's bundle and a client's apart where TypeScript would otherwise take one for the
 * other. `T` is a Pulumi input in component args and plain text inside providers and scripts.
 */
interface TlsBundle<Side extends string, T> {
    readonly side: Side;
    readonly caCertPem: T;
    readonly certPem: T;
    readonly keyPem: T;
}

/** What the daemon needs on the VM: the CA that signs clients, and its own certificate and key. */
export type ServerTlsBundle<T = pulumi.Input<string>> = TlsBundle<"server", T>;

/** What a client needs to talk to the daemon: our CA to trust it, and its own certificate and key. */
export type ClientTlsBundle<T = pulumi.Input<string>> = TlsBundle<"client", T>;

/** A daemon's endpoint and a client bundle, as the dynamic resources' flat inputs (DialInputs). */
export function dialInputs(
    endpoint: pulumi.Input<{ readonly host: string; readonly port: number }>,
    client: ClientTlsBundle,
): Record<"host" | "port" | "caCertPem" | "clientCertPem" | "clientKeyPem", pulumi.Input<string | number>> {
    const at = pulumi.output(endpoint);
    return {
        host: at.host,
        port: at.port,
        caCertPem: client.caCertPem,
        clientCertPem: client.certPem,
        clientKeyPem: client.keyPem,
    };
}
