import type { PipelinePolicy } from "@azure/core-rest-pipeline";

/** How long a call to Resource Manager may take, and how long a throttled one is waited for. */
export interface CallBounds {
    /** Each attempt's limit, response body included. */
    readonly timeoutMs: number;
    /** A 429's Retry-After is honoured once, up to this; a longer one is reported instead of waited for. */
    readonly maxRetryAfterSeconds: number;
}

/** The preflight's: it runs before every preview, so a broken network or login must fail in seconds. */
export const preflightBounds: CallBounds = { timeoutMs: 10_000, maxRetryAfterSeconds: 15 };

/** An attempt that got no complete answer within its limit. */
export class AttemptTimedOut extends Error {
    constructor(
        readonly timeoutMs: number,
        readonly method: string,
        readonly url: string,
    ) {
        super(`no complete answer within ${timeoutMs / 1000} s`);
        this.name = "AttemptTimedOut";
    }
}

/** A 429 whose Retry-After asks for a longer wait than the bounds allow. */
export class ThrottledTooLong extends Error {
    constructor(
        readonly statusCode: number,
        readonly code: string,
        readonly retryAfterSeconds: number,
        readonly method: string,
        readonly url: string,
        azureMessage: string,
    ) {
        super(azureMessage);
        this.name = "ThrottledTooLong";
    }
}

/** Seconds from a Retry-After header: delta-seconds or an HTTP date. */
export function retryAfterSeconds(header: string | undefined, now = Date.now()): number | undefined {
    if (header === undefined || header.trim() === "") {
        return undefined;
    }
    if (/^\d+$/.test(header.trim())) {
        return Number(header.trim());
    }
    const date = Date.parse(header);
    return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** Azure's error envelope, `{ error: { code, message } }`, or the same fields unwrapped (Compute's throttling). */
export function azureError(body: unknown): { code: string; message: string } {
    const envelope = (body as { error?: unknown } | undefined)?.error ?? body;
    const { code, message } = (envelope ?? {}) as { code?: unknown; message?: unknown };
    return { code: typeof code === "string" ? code : "", message: typeof message === "string" ? message : "" };
}

/**
 * Ends each attempt, body included, after `timeoutMs`. Its error carries no system error code, so
 * the SDK's retry policy, which retries those, lets it through: a call that hangs fails once.
 */
function attemptTimeoutPolicy(timeoutMs: number): PipelinePolicy {
    return {
        name: "attemptTimeout",
        async sendRequest(request, next) {
            const controller = new AbortController();
            const outer = request.abortSignal;
            const forward = () => controller.abort();
            outer?.addEventListener("abort", forward);
            request.abortSignal = controller.signal;
            let timer: NodeJS.Timeout | undefined;
            const expired = new Promise<never>((_resolve, reject) => {
                timer = setTimeout(() => {
                    reject(new AttemptTimedOut(timeoutMs, request.method, request.url));
                    controller.abort();
                }, timeoutMs);
            });
            try {
                return await Promise.race([next(request), expired]);
            } finally {
                clearTimeout(timer);
                outer?.removeEventListener("abort", forward);
                request.abortSignal = outer;
            }
        },
    };
}

/**
 * Turns a 429 that asks for a longer wait than `maxSeconds` into an error before the SDK's
 * throttling retry would sleep through it: the run stops and says how long Azure asked for.
 */
function boundedRetryAfterPolicy(maxSeconds: number): PipelinePolicy {
    return {
        name: "boundedRetryAfter",
        async sendRequest(request, next) {
            const response = await next(request);
            const wait = retryAfterSeconds(response.headers.get("retry-after"));
            if (response.status === 429 && wait !== undefined && wait > maxSeconds) {
                const said = azureError(parsedOrUndefined(response.bodyAsText));
                throw new ThrottledTooLong(response.status, said.code, wait, request.method, request.url, said.message);
            }
            return response;
        },
    };
}

function parsedOrUndefined(text: string | null | undefined): unknown {
    try {
        return text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
        return undefined;
    }
}

/**
 * The SDK clients' options for these bounds: one retry (a 429 after its Retry-After, as the SDK's
 * throttling policy does; a dropped connection or a 5xx after a second), each attempt timed.
 */
export function boundedClientOptions(bounds: CallBounds) {
    return {
        retryOptions: { maxRetries: 1, retryDelayInMs: 1_000, maxRetryDelayInMs: bounds.maxRetryAfterSeconds * 1000 },
        additionalPolicies: [
            { policy: boundedRetryAfterPolicy(bounds.maxRetryAfterSeconds), position: "perRetry" as const },
            { policy: attemptTimeoutPolicy(bounds.timeoutMs), position: "perRetry" as const },
        ],
    };
}
