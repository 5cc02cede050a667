import * as pulumi from "@pulumi/pulumi";

/** What a client needs to talk to the daemon: our CA to trust it, and its own certificate and key. */
export interface ClientTlsMaterial {
    readonly caCertPem: pulumi.Input<string>;
    readonly clientCertPem: pulumi.Input<string>;
    readonly clientKeyPem: pulumi.Input<string>;
}

/** What the daemon needs on the VM: the CA that signs clients, and its own certificate and key. */
export interface ServerTlsMaterial {
    readonly caCertPem: pulumi.Input<string>;
    readonly serverCertPem: pulumi.Input<string>;
    readonly serverKeyPem: pulumi.Input<string>;
}

/** The client side of the material alone, without whatever else the source object carries. */
export function clientTlsMaterial(material: ClientTlsMaterial): ClientTlsMaterial {
    return {
        caCertPem: material.caCertPem,
        clientCertPem: material.clientCertPem,
        clientKeyPem: material.clientKeyPem,
    };
}
