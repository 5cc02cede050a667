import { X509Certificate } from "crypto";
import { dockerUrl, EngineClient } from "./endpoint";
import { dockerApiRequest } from "./request";

/** How the readiness wait polls: one attempt a second at most, each with its own limit, within a budget. */
export interface PollPolicy {
    readonly timeoutMs: number;
    /** Between the starts of two attempts: a ready daemon is seen within about this long. */
    readonly intervalMs: number;
    /** Each attempt's own limit, so one silent connection cannot eat the whole budget. */
    readonly attemptTimeoutMs: number;
    /** A progress line at most this often, so a long wait is never silent. */
    readonly progressEveryMs: number;
}

export const defaultPoll: Omit<PollPolicy, "timeoutMs"> = {
    intervalMs: 1_000,
    attemptTimeoutMs: 5_000,
    progressEveryMs: 30_000,
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

/** The certificate the daemon serves now, as PEM (one `GET /_ping` over mutual TLS). */
export async function servedCertificatePem(client: EngineClient, timeoutMs = 10_000): Promise<string> {
    const response = await dockerApiRequest(client, { method: "GET", path: "/_ping", timeoutMs });
    return new X509Certificate(response.servedCertificate).toString();
}

/**
 * One `GET /_ping` over mutual TLS. Resolves with the daemon's API version when it answers 200 "OK"
 * and, when `expectedFingerprint256` is given, serves exactly that certificate; rejects with the
 * TLS, network or HTTP error, or the certificate it served instead, otherwise. A daemon that still
 * serves its previous certificate has not taken a renewal yet, however well it chains to our CA.
 */
export async function pingDocker(
    client: EngineClient,
    timeoutMs: number,
    expectedFingerprint256?: string,
): Promise<string | undefined> {
    const response = await dockerApiRequest(client, { method: "GET", path: "/_ping", timeoutMs });
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
 * A plain Error named DockerNotReadyError, with the details as fields: what callers match on. (It
 * was a plain Error because Pulumi's closure serializer, which earlier releases used, turned
 * `class ... extends Error` into `Error.call(this)`; the esbuild bundle keeps classes as written.)
 */
export function dockerNotReadyError(details: DockerNotReadyDetails): Error & DockerNotReadyDetails {
    const message =
        `Docker daemon at ${details.url} did not answer GET /_ping over mutual TLS after ${details.attempts} ` +
        `attempt(s) in ${Math.round(details.elapsedMs / 1000)} s; last error: ${details.lastError}`;
    return Object.assign(new Error(message), details, { name: "DockerNotReadyError" });
}

/** The line a long wait prints now and then: where, how many attempts, how long, and why not yet. */
export function waitingLine(url: string, attempts: number, elapsedMs: number, lastError: string): string {
    return `still waiting for the Docker daemon at ${url}: attempt ${attempts}, ${Math.round(elapsedMs / 1000)} s, last error: ${lastError}`;
}

/**
 * Pings until the daemon answers or the time budget is spent, starting an attempt at most once per
 * `intervalMs`. A fresh VM needs minutes to install Docker, so refusals and timeouts are expected,
 * not fatal; a steady interval (rather than a growing backoff) notices the daemon within about a
 * second of it listening. Every `progressEveryMs` it reports where it stands.
 */
export async function waitForDocker(
    client: EngineClient,
    policy: PollPolicy,
    expectedFingerprint256?: string,
    report: (line: string) => void = () => undefined,
    sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<PingResult> {
    const url = dockerUrl(client.endpoint);
    const started = Date.now();
    const deadline = started + policy.timeoutMs;
    let lastReport = started;
    for (let attempt = 1; ; attempt++) {
        const attemptStarted = Date.now();
        try {
            // The last attempt may overrun the budget by up to a second rather than be cut too short
            // to say anything: its error is the one the failure reports.
            const attemptTimeout = Math.min(policy.attemptTimeoutMs, Math.max(1_000, deadline - attemptStarted));
            const apiVersion = await pingDocker(client, attemptTimeout, expectedFingerprint256);
            return { attempts: attempt, elapsedMs: Date.now() - started, apiVersion };
        } catch (error) {
            const now = Date.now();
            const lastError = describeError(error);
            const wait = Math.min(attemptStarted + policy.intervalMs - now, deadline - now);
            if (deadline - now <= 0) {
                throw dockerNotReadyError({ url, attempts: attempt, elapsedMs: now - started, lastError });
            }
            if (now - lastReport >= policy.progressEveryMs) {
                report(waitingLine(url, attempt, now - started, lastError));
                lastReport = now;
            }
            await sleep(Math.max(0, wait));
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
