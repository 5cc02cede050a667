import * as pulumi from "@pulumi/pulumi";
import { DaemonArgs, DaemonResource } from "../dynamic/resource";
import type { DialInputs } from "../engine";
import type { GateInputs } from "./readinessGateProvider";

export interface ReadinessGateArgs extends DaemonArgs {
    /** The certificate the daemon must serve: the gate waits while it serves any other. */
    readonly serverCertPem: pulumi.Input<string>;
    readonly timeoutSeconds: pulumi.Input<number>;
    /**
     * Changes whenever the daemon may have changed under us (new VM, renewed certificates), so the
     * gate waits for the daemon again instead of trusting an old answer.
     */
    readonly revision: pulumi.Input<string>;
    /**
     * Set when the preflight found the VM deallocated: the gate then fails at once with this
     * message, rather than waiting out its timeout for a daemon that cannot answer. A gate with
     * nothing to change is not asked at all, so a stopped VM never blocks a preview.
     */
    readonly stoppedHint?: pulumi.Input<string>;
}

/**
 * Blocks everything that talks to the Docker daemon until it answers `/_ping` over mutual TLS.
 * The docker provider pings its host as soon as the host is known and does not retry, so its host
 * must come from this gate's output (data flow) rather than from a dependsOn it may not honour.
 */
export class DockerReadinessGate extends DaemonResource {
    /** Known only once the daemon has answered: what everything after the gate dials. */
    declare readonly host: pulumi.Output<string>;
    declare readonly port: pulumi.Output<number>;
    declare readonly apiVersion: pulumi.Output<string>;

    constructor(name: string, args: ReadinessGateArgs, opts?: pulumi.CustomResourceOptions) {
        // Every input the provider reads, beside the dial inputs the base adds.
        const own: Record<
            Exclude<keyof GateInputs, "stoppedHint" | keyof DialInputs>,
            pulumi.Input<string | number>
        > & {
            readonly stoppedHint?: pulumi.Input<string>;
        } = {
            serverCertPem: args.serverCertPem,
            timeoutSeconds: args.timeoutSeconds,
            revision: args.revision,
            ...(args.stoppedHint === undefined ? {} : { stoppedHint: args.stoppedHint }),
        };
        super(
            require.resolve("./readinessGateProvider"),
            "DockerReadinessGate",
            name,
            args,
            { ...own, apiVersion: undefined },
            opts,
        );
    }
}
