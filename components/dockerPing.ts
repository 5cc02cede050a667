import { X509Certificate } from "crypto";
import { dockerApiRequest, DockerTlsEndpoint } from "./dockerApi";

export type { DockerTlsEndpoint } from "./dockerApi";

export interface BackoffPolicy {
    readonly timeoutMs: number;
    readonly initialDelayMs: number;
    readonly maxDelayMs: number;
    /** Each attempt's own limit, so one silent connection cannot eat the whole budget. */
    readonly attemptTimeoutMs: number;
}

export const defaultBackoff: Omit<BackoffPolicy, "timeoutMs"> = {
    initialDelayMs: 2_000,
    maxDelayMs: 30_000,
    attemptTimeoutMs: 10_000,
};

export interface PingResult {
    readonly attempts: number;
    readonly elapsedMs: number;
    /** The API version the daemon announced in its `Api-Version` header. */
    readonly apiVersion: string | undefined;
}

/** The SHA-256 fingerprint of a PEM certificate, in the form TLS sockets report a peer's. */
export function certificateFingerprint(pem: string): string {
    return new X509Certificate(pem).fingerprint256;
}

/**
 * One `GET /_ping` over mutual TLS. Resolves with the daemon's API version when it answers 200 "OK"
 * and, when `expectedFingerprint256` is given, serves exactly that certificate; rejects with the
 * TLS, network or HTTP error, or the certificate it served instead, otherwise. A daemon that still
 * serves its previous certificate has not taken a renewal yet, however well it chains to our CA.
 */
export async function pingDocker(
    endpoint: DockerTlsEndpoint,
    timeoutMs: number,
    expectedFingerprint256?: string,
): Promise<string | undefined> {
    const response = await dockerApiRequest(endpoint, { method: "GET", path: "/_ping", timeoutMs });
    if (expectedFingerprint256 !== undefined && response.servedFingerprint256 !== expectedFingerprint256) {
        throw new Error(
            `the daemon serves the certificate with SHA-256 ${response.servedFingerprint256}, not the issued one ` +
                `(${expectedFingerprint256}): it has not restarted with the renewed certificate yet`,
        );
    }
    if (response.status !== 200 || response.body.trim() !== "OK") {
        throw new Error(`HTTP ${response.status} from /_ping: ${response.body.slice(0, 200)}`);
    }
    const version = response.headers["api-version"];
    return Array.isArray(version) ? version[0] : version;
}

/** Why the daemon was judged not ready: what was tried, for how long, and the last error. */
export interface DockerNotReadyDetails {
    readonly url: string;
    readonly attempts: number;
    readonly elapsedMs: number;
    readonly lastError: string;
}

/**
 * A plain Error rather than a subclass: this code is serialized into the dynamic provider, and the
 * closure serializer turns `class ... extends Error` into `Error.call(this)`, which drops the message.
 */
export function dockerNotReadyError(details: DockerNotReadyDetails): Error & DockerNotReadyDetails {
    const message =
        `Docker daemon at ${details.url} did not answer GET /_ping over mutual TLS after ${details.attempts} ` +
        `attempt(s) in ${Math.round(details.elapsedMs / 1000)} s; last error: ${details.lastError}`;
    return Object.assign(new Error(message), details, { name: "DockerNotReadyError" });
}

/**
 * Pings until the daemon answers or the time budget is spent, waiting between attempts with capped
 * exponential backoff (2 s, 4 s, 8 s ... 30 s by default). A fresh VM needs minutes to install
 * Docker, so early refusals and timeouts are expected, not fatal.
 */
export async function waitForDocker(
    endpoint: DockerTlsEndpoint,
    policy: BackoffPolicy,
    expectedFingerprint256?: string,
    sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<PingResult> {
    const started = Date.now();
    const deadline = started + policy.timeoutMs;
    let delay = policy.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
        const remaining = deadline - Date.now();
        try {
            const attemptTimeout = Math.max(1, Math.min(policy.attemptTimeoutMs, remaining));
            const apiVersion = await pingDocker(endpoint, attemptTimeout, expectedFingerprint256);
            return { attempts: attempt, elapsedMs: Date.now() - started, apiVersion };
        } catch (error) {
            const wait = Math.min(delay, deadline - Date.now());
            if (wait <= 0) {
                throw dockerNotReadyError({
                    url: `tcp://${endpoint.host}:${endpoint.port}`,
                    attempts: attempt,
                    elapsedMs: Date.now() - started,
                    lastError: describeError(error),
                });
            }
            await sleep(wait);
            delay = Math.min(delay * 2, policy.maxDelayMs);
        }
    }
}

function describeError(error: unknown): string {
    if (error instanceof Error) {
        const code = (error as NodeJS.ErrnoException).code;
        return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
    }
    return String(error);
}
