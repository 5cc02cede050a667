import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ClientTlsMaterial } from "./tlsMaterial";

/** Where a service's resources go: the remote daemon's provider, its private network, its API. */
export interface ServiceTarget {
    readonly provider: docker.Provider;
    readonly networkName: pulumi.Output<string>;
    /** For what the docker provider cannot declare (pids limits): the Engine API over mutual TLS. */
    readonly api: ClientTlsMaterial & { readonly dockerHost: pulumi.Output<string> };
}
