import { ProgramRun } from "./program";

/** The run's stack outputs as `pulumi stack output --json --show-secrets` would print them. */
export async function recordedOutputs(
    run: ProgramRun,
    overrides: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
    const outputs: Record<string, unknown> = {};
    for (const name of Object.keys(run.exports)) {
        const value = await run.output(name);
        if (value !== undefined) {
            outputs[name] = value;
        }
    }
    return { ...outputs, ...overrides };
}
