import * as pulumi from "@pulumi/pulumi";
import { DockerEndpoint } from "../engine";
import { ClientTlsBundle, dialInputs } from "../pki/bundles";
import { providerBundle } from "./providerBundle";

/** Where a dynamic resource's daemon is and how to reach it: every such resource's args have these. */
export interface DaemonArgs {
    readonly endpoint: pulumi.Input<DockerEndpoint>;
    readonly client: ClientTlsBundle;
}

/**
 * The one shape of this program's dynamic resources: a resource of type
 * `pulumi-nodejs:dynamic/azure-docker-host:<type>`, served by Pulumi's dynamic-provider host from
 * the bundled provider module in its `__provider` input, whose inputs are the dial inputs (kept in
 * state, so a refresh can read the daemon) and its own, with the client's key, and whatever else it
 * names, secret in its outputs. The type and inputs are those `pulumi.dynamic.Resource` writes,
 * so stacks that an earlier release made with it keep their URNs and state.
 */
export abstract class DaemonResource extends pulumi.CustomResource {
    protected constructor(
        /** The provider module's file: it imports Node's built-ins and our modules only, and exports `handler`. */
        providerModule: string,
        type: string,
        name: string,
        daemon: DaemonArgs,
        props: pulumi.Inputs,
        opts: pulumi.CustomResourceOptions | undefined,
        secretOutputs: readonly string[] = [],
    ) {
        super(
            `pulumi-nodejs:dynamic/azure-docker-host:${type}`,
            name,
            { ...dialInputs(daemon.endpoint, daemon.client), ...props, __provider: providerBundle(providerModule) },
            { ...opts, additionalSecretOutputs: ["clientKeyPem", ...secretOutputs] },
        );
    }
}
