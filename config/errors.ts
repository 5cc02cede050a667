import * as pulumi from "@pulumi/pulumi";

/**
 * One problem with one config key: the key, the value the stack holds and what would be accepted.
 * Problems are collected so a user fixes every key in one round instead of one per `pulumi up`.
 */
export interface ConfigProblem {
    readonly key: string;
    readonly value: string | undefined;
    readonly accepted: string;
    /** The command or hint that fixes it, when there is one better than "see accepted". */
    readonly hint?: string;
}

/**
 * Thrown by the config loader before any resource is declared. A RunError: Pulumi prints its
 * message alone, without the program's stack trace, which would only bury the list.
 */
export class ConfigError extends pulumi.RunError {
    constructor(
        public readonly project: string,
        public readonly problems: readonly ConfigProblem[],
    ) {
        super(
            `Invalid stack configuration (${countProblems(problems)}); nothing was deployed:\n${listProblems(project, problems)}`,
        );
        this.name = "ConfigError";
    }
}

/** "1 problem", "3 problems". */
export function countProblems(problems: readonly unknown[]): string {
    return `${problems.length} ${problems.length === 1 ? "problem" : "problems"}`;
}

/** One entry per problem: the key as `pulumi config` names it, the value, what is accepted, the fix. */
export function listProblems(project: string, problems: readonly ConfigProblem[]): string {
    return problems
        .map((problem) => {
            const shown = problem.value === undefined ? "(not set)" : JSON.stringify(problem.value);
            const hint = problem.hint ? `\n    ${problem.hint}` : "";
            return `  - ${project}:${problem.key} = ${shown}: ${problem.accepted}${hint}`;
        })
        .join("\n");
}
