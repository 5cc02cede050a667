import * as path from "path";

/** The SDK file whose `debuggablePromise` stamps a stack trace on every promise it wraps. */
const stampingFile = `${path.sep}runtime${path.sep}debuggable.js`;

/** What a promise's stamp holds instead: Pulumi shows stamps only with PULUMI_DEBUG_PROMISE_LEAKS set. */
const unkeptStamp = "(not recorded: set PULUMI_DEBUG_PROMISE_LEAKS=1 to record where each promise was made)";

/**
 * Skips the stack traces Pulumi stamps on its promises, and maps every other one as before.
 *
 * The SDK's `debuggablePromise` reads `new Error().stack` for each promise it wraps (several per
 * resource: each property of each registration), for a promise-leak report only. Under ts-node,
 * source-map-support maps every trace as it is read, through every frame's source map: in
 * `npm run bench` (b) those traces were 0.8 s of the program's 3.7 s and 110 MiB of its peak
 * memory, held as strings that Pulumi prints only when PULUMI_DEBUG_PROMISE_LEAKS is set (its leak report
 * otherwise says to set it). So without it they are not formatted at all; with it they are, and
 * mapped. Every other trace, an error's or the SDK's own resource positions, is mapped as before.
 */
export function skipPromiseStamps(environment: NodeJS.ProcessEnv = process.env): void {
    const mapped = Error.prepareStackTrace;
    if (mapped === undefined || environment.PULUMI_DEBUG_PROMISE_LEAKS) {
        return;
    }
    Error.prepareStackTrace = (error, frames) => {
        const stamp = frames[0];
        if (stamp?.getFunctionName() === "debuggablePromise" && stamp.getFileName()?.endsWith(stampingFile)) {
            return unkeptStamp;
        }
        return mapped(error, frames);
    };
}
