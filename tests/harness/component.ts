import { mocks, RecordedResource, useMocks } from "./mocks";
import { ProgramRun, waitForRegistrations } from "./program";

/** What declaring one component registered, and the component itself. */
export class ComponentRun<T> extends ProgramRun {
    constructor(
        resources: readonly RecordedResource[],
        readonly component: T,
    ) {
        super(resources, {});
    }
}

/**
 * Declares one component (or a few) under the recording mocks with args of the test's choosing, the
 * way awsx tests its components: no config, no preflight, no rest of the program. Fails when a
 * registration or an apply fails, as `pulumi up` would.
 */
export async function declareUnderMocks<T>(
    declare: () => T,
    options: { readonly realTls?: boolean; readonly prepare?: () => void } = {},
): Promise<ComponentRun<T>> {
    await useMocks("dev");
    mocks.reset();
    mocks.realTls = options.realTls ?? false;
    options.prepare?.();
    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    let component: T;
    try {
        component = declare();
    } finally {
        await waitForRegistrations();
        await new Promise((resolve) => setImmediate(resolve));
        process.off("unhandledRejection", onRejection);
    }
    if (failures.length > 0) {
        throw new Error(`declaring failed: ${[...new Set(failures.map(String))].slice(0, 3).join("; ")}`);
    }
    return new ComponentRun([...mocks.resources], component);
}
