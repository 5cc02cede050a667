/** Where a Docker daemon listens. */
export interface DockerEndpoint {
    readonly host: string;
    readonly port: number;
}

/** The client's side of mutual TLS, as PEM text: our CA to trust the daemon, our certificate and key. */
export interface ClientTls {
    readonly caCertPem: string;
    readonly certPem: string;
    readonly keyPem: string;
}

/** A daemon and the material that proves who we are to it. */
export interface EngineClient {
    readonly endpoint: DockerEndpoint;
    readonly tls: ClientTls;
}

/** `tcp://host:port`, the form DOCKER_HOST and the docker provider take. */
export function dockerUrl(endpoint: DockerEndpoint): string {
    return `tcp://${endpoint.host}:${endpoint.port}`;
}

/**
 * How a dynamic provider's inputs carry a client: flat, under the names existing stacks hold (the
 * key is marked secret by the resource).
 */
export interface DialInputs {
    readonly host: string;
    readonly port: number;
    readonly caCertPem: string;
    readonly clientCertPem: string;
    readonly clientKeyPem: string;
}

export function engineClientOf(inputs: DialInputs): EngineClient {
    return {
        endpoint: { host: inputs.host, port: inputs.port },
        tls: { caCertPem: inputs.caCertPem, certPem: inputs.clientCertPem, keyPem: inputs.clientKeyPem },
    };
}
