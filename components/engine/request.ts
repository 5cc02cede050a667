import * as https from "https";
import * as net from "net";
import * as tls from "tls";

import { EngineClient } from "./endpoint";

export interface DockerApiResponse {
    readonly status: number;
    readonly headers: Readonly<Record<string, string | string[] | undefined>>;
    readonly body: string;
    /** The body as it came, for a tar archive. */
    readonly raw: Buffer;
    /** The certificate the daemon served, DER. */
    readonly servedCertificate: Buffer;
    /** SHA-256 fingerprint of the certificate the daemon served, `AB:CD:...` as Node formats it. */
    readonly servedFingerprint256: string;
    /** When the certificate the daemon served expires, as Node formats it (`Nov 29 21:00:00 2027 GMT`). */
    readonly servedValidTo: string;
}

/**
 * One Docker Engine API call over mutual TLS. The server's certificate must chain to our CA and
 * name the host we dialled; TLS, network and timeout failures reject, HTTP errors resolve with
 * their status so callers can say what the daemon answered.
 */
export function dockerApiRequest(
    client: EngineClient,
    request: {
        readonly method: "GET" | "POST" | "PUT" | "DELETE";
        readonly path: string;
        /** JSON, or a tar archive as bytes. */
        readonly body?: unknown;
        readonly timeoutMs: number;
    },
): Promise<DockerApiResponse> {
    const { endpoint, tls: material } = client;
    const payload =
        request.body === undefined
            ? undefined
            : Buffer.isBuffer(request.body)
              ? request.body
              : Buffer.from(JSON.stringify(request.body));
    const contentType = Buffer.isBuffer(request.body) ? "application/x-tar" : "application/json";
    return new Promise((resolve, reject) => {
        const call = https.request(
            {
                host: endpoint.host,
                port: endpoint.port,
                path: request.path,
                method: request.method,
                headers: payload === undefined ? {} : { "Content-Type": contentType, "Content-Length": payload.length },
                ca: material.caCertPem,
                cert: material.certPem,
                key: material.keyPem,
                // SNI must be a host name; for an IP address, Node checks the certificate's IP SANs.
                ...(net.isIP(endpoint.host) ? {} : { servername: endpoint.host }),
                rejectUnauthorized: true,
                agent: false,
                timeout: request.timeoutMs,
            },
            (response) => {
                const peer = (response.socket as tls.TLSSocket).getPeerCertificate();
                const chunks: Buffer[] = [];
                response.on("data", (chunk: Buffer) => chunks.push(chunk));
                response.on("end", () => {
                    const raw = Buffer.concat(chunks);
                    resolve({
                        status: response.statusCode ?? 0,
                        headers: response.headers,
                        body: raw.toString("utf8"),
                        raw,
                        servedCertificate: peer.raw,
                        servedFingerprint256: peer.fingerprint256,
                        servedValidTo: peer.valid_to,
                    });
                });
            },
        );
        call.on("timeout", () => call.destroy(new Error(`no answer within ${request.timeoutMs} ms`)));
        call.on("error", reject);
        call.end(payload);
    });
}
