import * as assert from "assert";
import { skipPromiseStamps } from "../../promiseStacks";

// The SDK's own module, as the program loads it: it stamps the promise it is given.
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
    debuggablePromise(promise: Promise<unknown>, context: string): Promise<unknown>;
};
const stampOf = () => {
    const promise = Promise.resolve(1) as Promise<number> & { _debugStackTrace?: string };
    void debuggable.debuggablePromise(promise, "a registration");
    return promise._debugStackTrace ?? "";
};

describe("the stack traces Pulumi stamps on its promises", () => {
    let installed: typeof Error.prepareStackTrace;
    const mappedMarker = "mapped by the installed formatter";

    beforeEach(() => {
        installed = Error.prepareStackTrace;
        // Stands for ts-node's source-map-support: a formatter that maps every trace it is given.
        Error.prepareStackTrace = (error: Error) => `${String(error)}\n    ${mappedMarker}`;
    });
    afterEach(() => {
        Error.prepareStackTrace = installed;
    });

    it("are not formatted when no leak report will show them; every other trace still is", () => {
        skipPromiseStamps({});
        assert.match(stampOf(), /^\(not recorded: set PULUMI_DEBUG_PROMISE_LEAKS=1/);
        assert.ok(new Error("a user's error").stack?.includes(mappedMarker), "an error's trace is still mapped");
    });

    it("are formatted and mapped as before with PULUMI_DEBUG_PROMISE_LEAKS set", () => {
        skipPromiseStamps({ PULUMI_DEBUG_PROMISE_LEAKS: "1" });
        const stamp = stampOf();
        assert.ok(stamp.includes(mappedMarker), stamp);
    });
});
