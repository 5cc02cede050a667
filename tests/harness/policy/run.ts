import type { Policies, ResourceValidation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { NotApplicable, ResourceFixture, resourceArgs, stackArgs } from "./args";

type Policy = Policies[number];

export interface Violation {
    readonly policy: string;
    readonly message: string;
    readonly urn?: string;
}

function isStackPolicy(policy: Policy): policy is StackValidationPolicy {
    return "validateStack" in policy && typeof policy.validateStack === "function";
}

function validationsOf(policy: ResourceValidationPolicy): ResourceValidation[] {
    const validate = policy.validateResource;
    return validate === undefined ? [] : Array.isArray(validate) ? validate : [validate];
}

/** Runs a policy's callback, treating args.notApplicable as the SDK does: no violation. */
async function unlessNotApplicable(run: () => unknown): Promise<void> {
    try {
        await run();
    } catch (error) {
        if (!(error instanceof NotApplicable)) {
            throw error;
        }
    }
}

/**
 * Runs resource policies on one resource in the engine's order: first the remediation of every
 * policy at level "remediate" (the only ones the SDK remediates with), then every validation.
 */
export async function resourceViolations(policies: Policies, fixture: ResourceFixture): Promise<Violation[]> {
    const resourcePolicies = policies.filter((policy): policy is ResourceValidationPolicy => !isStackPolicy(policy));
    for (const policy of resourcePolicies) {
        const remediate = policy.remediateResource;
        if (policy.enforcementLevel === "remediate" && remediate !== undefined) {
            await unlessNotApplicable(() => remediate(resourceArgs(fixture, "remediation")));
        }
    }
    const violations: Violation[] = [];
    for (const policy of resourcePolicies) {
        for (const validate of validationsOf(policy)) {
            await unlessNotApplicable(() =>
                validate(resourceArgs(fixture, "validation"), (message) =>
                    violations.push({ policy: policy.name, message }),
                ),
            );
        }
    }
    return violations;
}

/** Runs stack policies over every resource of a stack, with their outputs. */
export async function stackViolations(policies: Policies, fixtures: readonly ResourceFixture[]): Promise<Violation[]> {
    const violations: Violation[] = [];
    for (const policy of policies.filter(isStackPolicy)) {
        await unlessNotApplicable(() =>
            policy.validateStack(stackArgs(fixtures), (message, urn) =>
                violations.push({ policy: policy.name, message, ...(urn === undefined ? {} : { urn }) }),
            ),
        );
    }
    return violations;
}
