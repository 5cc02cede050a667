import * as pulumi from "@pulumi/pulumi";
import { DockerEndpoint } from "../engine";
import { ClientTlsBundle, dialInputs } from "../pki/bundles";

/** Where a dynamic resource's daemon is and how to reach it: every such resource's args have these. */
export interface DaemonArgs {
    readonly endpoint: pulumi.Input<DockerEndpoint>;
    readonly client: ClientTlsBundle;
}

/**
 * The one shape of this program's dynamic resources: a resource of type
 * `azure-docker-host:<type>` whose inputs are the dial inputs (kept in state, so a refresh can
 * read the daemon) and its own, with the client's key, and whatever else it names, secret in
 * its outputs.
 */
export abstract class DaemonResource extends pulumi.dynamic.Resource {
    protected constructor(
        provider: pulumi.dynamic.ResourceProvider,
        type: string,
        name: string,
        daemon: DaemonArgs,
        props: pulumi.Inputs,
        opts: pulumi.CustomResourceOptions | undefined,
        secretOutputs: readonly string[] = [],
    ) {
        super(
            provider,
            name,
            { ...dialInputs(daemon.endpoint, daemon.client), ...props },
            { ...opts, additionalSecretOutputs: ["clientKeyPem", ...secretOutputs] },
            "azure-docker-host",
            type,
        );
    }
}
