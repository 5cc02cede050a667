/** What a measurement child prints as its last stdout line, for bench/run.ts to parse. */
export interface ChildReport {
    readonly bench: "evaluation";
    /** Milliseconds since this process started (performance.timeOrigin is process start in Node). */
    readonly wallMs: number;
    /** Peak resident set size of this process, in kilobytes. */
    readonly maxRssKb: number;
    /** Resources registered with the mocks. */
    readonly resources: number;
}

/**
 * Prints the report and exits. Wall time is taken here, inside the child, rather than around the spawn
 * in the parent: it then covers Node's start-up, ts-node, module loading and the evaluation, but not
 * the parent's spawn and pipe overhead or Pulumi's runtime teardown, neither of which is the program's
 * cost. Exiting explicitly keeps a lingering handle in the SDK from stalling the bench.
 */
export function reportAndExit(resources: number): void {
    const report: ChildReport = {
        bench: "evaluation",
        wallMs: performance.now(),
        maxRssKb: process.resourceUsage().maxRSS,
        resources,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0));
}

/** Runs a child's measurement, turning any failure into a non-zero exit the parent sees. */
export function runMeasurement(measure: () => Promise<number>): void {
    measure().then(reportAndExit, (error: unknown) => {
        console.error(error);
        process.exit(1);
    });
}
