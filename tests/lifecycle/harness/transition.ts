import * as assert from "assert";
import { Lifecycle } from "./suite";
import { operations } from "./stack";

/** What a config edit is expected to do, by operation: `type::name` of each resource, sorted. */
export type ExpectedPlan = Partial<
    Record<"create" | "update" | "replace" | "create-replacement" | "delete-replaced" | "delete", string[]>
>;

export interface TransitionResult {
    /** How long `pulumi up` took. */
    readonly upSeconds: number;
    /** Longest time within the up during which redis or mongodb was not healthy, in seconds. */
    readonly downtimeSeconds: number;
}

/**
 * One day-2 change, as a user makes it: a marker written to redis and mongodb, the config edited,
 * the plan read from `pulumi preview --json` and compared with what the change should do, `pulumi
 * up`, then no changes left, the services healthy, and every marker still there. The services are
 * watched through the up, so the downtime it caused is measured.
 */
export async function transition(
    life: Lifecycle,
    label: string,
    config: Record<string, unknown>,
    expected: ExpectedPlan,
): Promise<TransitionResult> {
    await life.markers.write(`before-${label}`);
    life.stack.writeConfig(config);
    const { steps } = await life.stack.plan();
    const planned = operations(steps);
    const normalised = Object.fromEntries(
        Object.entries(expected)
            .filter(([, list]) => (list ?? []).length > 0)
            .map(([op, list]) => [op, [...(list ?? [])].sort()]),
    );
    assert.deepStrictEqual(planned, normalised, `the plan for ${label}`);
    const watch = life.operator.watchHealth(() => life.cloud.hostMachine()?.adminSocket);
    const up = await life.stack.up();
    const downtimeSeconds = await watch.stop();
    await life.stack.must(["preview", "--expect-no-changes"]);
    // The client's certificates may be new: read them again, as the README says to.
    await life.operator.loadDockerEnv();
    await life.operator.waitHealthy();
    assert.deepStrictEqual(await life.markers.missing(), [], `data lost by ${label}`);
    return { upSeconds: up.seconds, downtimeSeconds };
}

/** Planned replacements of `names` (as replace, create-replacement and delete-replaced steps). */
export function replaced(...names: string[]): ExpectedPlan {
    return { replace: names, "create-replacement": names, "delete-replaced": names };
}

/** Merges plan fragments. */
export function plan(...parts: ExpectedPlan[]): ExpectedPlan {
    const merged: Record<string, string[]> = {};
    for (const part of parts) {
        for (const [op, list] of Object.entries(part)) {
            merged[op] = [...(merged[op] ?? []), ...(list ?? [])];
        }
    }
    return merged;
}
