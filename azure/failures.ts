import type { RestError } from "@azure/core-rest-pipeline";
import { AttemptTimedOut, retryAfterSeconds, ThrottledTooLong } from "./bounds";

const networkCheck =
    "check this machine's network, proxy and DNS, or turn the preflight off (pulumi config set preflight false)";

function isRestError(error: unknown): error is RestError {
    return (error as { name?: unknown } | undefined)?.name === "RestError";
}

/** Resource Manager answered 404: the thing asked for is not there (or not in this region). */
export function isNotFound(error: unknown): boolean {
    return isRestError(error) && error.statusCode === 404;
}

/** `HTTP 401 ExpiredAuthenticationToken (message)`: what Azure answered, in one phrase. */
function answered(status: number, code: string | undefined, message: string | undefined): string {
    return `answered HTTP ${status}${code ? ` ${code}` : ""}${message ? ` (${message})` : ""}`;
}

/**
 * The SDK's failure of one call, said as the operator needs it: the call (method, URL without its
 * query, and what it was for), what Azure or the network answered, and what to check.
 */
export function callFailure(description: string, error: unknown): Error {
    const said = (method: string, url: string, what: string, check: string) =>
        new Error(`${method} ${url.split("?")[0]} (${description}) ${what}: ${check}`);
    if (error instanceof AttemptTimedOut) {
        return said(error.method, error.url, `failed (ETIMEDOUT: ${error.message})`, networkCheck);
    }
    if (error instanceof ThrottledTooLong) {
        return said(
            error.method,
            error.url,
            answered(error.statusCode, error.code, error.message),
            `Azure is throttling this subscription's reads; it asks to wait ${error.retryAfterSeconds} s: run again later`,
        );
    }
    if (!isRestError(error)) {
        return new Error(`(${description}) failed (${(error as Error).message})`);
    }
    const method = error.request?.method ?? "GET";
    const url = error.request?.url ?? "";
    const status = error.statusCode;
    if (status === undefined) {
        const reason =
            error.code && !error.message.includes(error.code) ? `${error.code}: ${error.message}` : error.message;
        return said(method, url, `failed (${reason})`, networkCheck);
    }
    // The SDK parsed Azure's envelope: its code, and its message as the error's.
    const what = answered(status, error.code, error.message);
    if (status === 429) {
        const wait = retryAfterSeconds(error.response?.headers.get("retry-after") ?? undefined);
        // The SDK retries a 429 only after a Retry-After (a long one ends as ThrottledTooLong above).
        return said(
            method,
            url,
            wait === undefined ? what : `${what} again after one retry`,
            `Azure is throttling this subscription's reads${wait === undefined ? "" : `; it asks to wait ${wait} s`}: run again later`,
        );
    }
    if (status === 401) {
        return said(
            method,
            url,
            what,
            "the azure-native provider's credentials were refused: run `az login` (or check ARM_CLIENT_ID and friends) and `az account show`",
        );
    }
    if (status === 403) {
        return said(
            method,
            url,
            what,
            "the identity may not read this subscription: check `az account show` and its role (Reader is enough)",
        );
    }
    return said(
        method,
        url,
        what,
        "Azure refused the call; run again, or turn the preflight off (pulumi config set preflight false)",
    );
}

/** One call to Resource Manager, whose failure is said as `callFailure` says it. */
export async function asked<T>(description: string, call: () => Promise<T>): Promise<T> {
    try {
        return await call();
    } catch (error) {
        throw callFailure(description, error);
    }
}

/** As `asked`, with a 404 (not there, or not in this region) answering undefined. */
export async function askedOrAbsent<T>(description: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
        return await call();
    } catch (error) {
        if (isNotFound(error)) {
            return undefined;
        }
        throw callFailure(description, error);
    }
}

/** Every item of a paged listing. */
export async function allPages<T>(pages: AsyncIterable<T>): Promise<T[]> {
    const items: T[] = [];
    for await (const item of pages) {
        items.push(item);
    }
    return items;
}
