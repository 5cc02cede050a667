import * as pulumi from "@pulumi/pulumi";
import { dockerApiRequest, DockerTlsEndpoint } from "./dockerApi";
import { ClientTlsMaterial } from "./tlsMaterial";

export interface ContainerPidsLimitArgs extends ClientTlsMaterial {
    /** `tcp://host:port`, from the readiness gate. */
    readonly dockerHost: pulumi.Input<string>;
    readonly containerId: pulumi.Input<string>;
    readonly pidsLimit: pulumi.Input<number>;
}

interface LimitInputs {
    readonly dockerHost: string;
    readonly caCertPem: string;
    readonly clientCertPem: string;
    readonly clientKeyPem: string;
    readonly containerId: string;
    readonly pidsLimit: number;
}

/** What stays in state: no key material. */
interface LimitOutputs {
    readonly dockerHost: string;
    readonly containerId: string;
    readonly pidsLimit: number;
}

/**
 * Sets the container's cgroup pids limit through the Engine API (`POST /containers/{id}/update`, as
 * `docker update --pids-limit` does) and reads it back. Docker keeps the limit across restarts.
 */
async function applyLimit(inputs: LimitInputs): Promise<LimitOutputs> {
    const url = /^tcp:\/\/(?<host>[^:/]+):(?<port>\d+)$/.exec(inputs.dockerHost)?.groups;
    if (!url) {
        throw new Error(`not a tcp://host:port Docker host: ${inputs.dockerHost}`);
    }
    const endpoint: DockerTlsEndpoint = {
        host: url.host ?? "",
        port: Number(url.port),
        caCertPem: inputs.caCertPem,
        clientCertPem: inputs.clientCertPem,
        clientKeyPem: inputs.clientKeyPem,
    };
    const container = `/containers/${encodeURIComponent(inputs.containerId)}`;
    const updated = await dockerApiRequest(endpoint, {
        method: "POST",
        path: `${container}/update`,
        body: { PidsLimit: inputs.pidsLimit },
        timeoutMs: 30_000,
    });
    if (updated.status !== 200) {
        throw new Error(
            `the daemon refused the pids limit of ${inputs.containerId}: HTTP ${updated.status} ${updated.body}`,
        );
    }
    const inspected = await dockerApiRequest(endpoint, { method: "GET", path: `${container}/json`, timeoutMs: 30_000 });
    const applied = inspected.status === 200 ? JSON.parse(inspected.body).HostConfig?.PidsLimit : undefined;
    if (applied !== inputs.pidsLimit) {
        throw new Error(`container ${inputs.containerId} reports PidsLimit ${applied}, not ${inputs.pidsLimit}`);
    }
    return { dockerHost: inputs.dockerHost, containerId: inputs.containerId, pidsLimit: inputs.pidsLimit };
}

export const containerPidsLimitProvider: pulumi.dynamic.ResourceProvider<LimitInputs, LimitOutputs> = {
    async create(inputs) {
        const outs = await applyLimit(inputs);
        return { id: `${outs.containerId}/pids`, outs };
    },
    async diff(_id, olds, news) {
        const changed =
            olds.containerId !== news.containerId ||
            olds.pidsLimit !== news.pidsLimit ||
            olds.dockerHost !== news.dockerHost;
        return { changes: changed };
    },
    async update(_id, _olds, news) {
        return { outs: await applyLimit(news) };
    },
};

/**
 * A cgroup pids limit for one container. The docker provider's Container has no pids_limit, yet a
 * fork bomb in a container must not take the host down (CIS Docker Benchmark 5.28).
 */
export class ContainerPidsLimit extends pulumi.dynamic.Resource {
    declare readonly pidsLimit: pulumi.Output<number>;

    constructor(name: string, args: ContainerPidsLimitArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            containerPidsLimitProvider,
            name,
            args,
            { ...opts, additionalSecretOutputs: ["clientKeyPem"] },
            "azure-docker-host",
            "ContainerPidsLimit",
        );
    }
}
