import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

/** Where a service's resources go: the remote daemon's provider, its private network, its API. */
export interface ServiceTarget {
    readonly provider: docker.Provider;
    readonly networkName: pulumi.Output<string>;
    /** For what the docker provider cannot declare (pids limits): the Engine API over mutual TLS. */
    readonly api: {
        readonly dockerHost: pulumi.Output<string>;
        readonly caCertPem: pulumi.Input<string>;
        readonly clientCertPem: pulumi.Input<string>;
        readonly clientKeyPem: pulumi.Input<string>;
    };
}
