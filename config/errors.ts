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

/** Thrown by the config loader before any resource is declared. */
export class ConfigError extends Error {
    constructor(
        public readonly project: string,
        public readonly problems: readonly ConfigProblem[],
    ) {
        super(formatProblems(project, problems));
        this.name = "ConfigError";
    }
}

function formatProblems(project: string, problems: readonly ConfigProblem[]): string {
    const lines = problems.map((problem) => {
        const shown = problem.value === undefined ? "(not set)" : JSON.stringify(problem.value);
        const hint = problem.hint ? `\n    ${problem.hint}` : "";
        return `  - ${project}:${problem.key} = ${shown}: ${problem.accepted}${hint}`;
    });
    const noun = problems.length === 1 ? "problem" : "problems";
    return `Invalid stack configuration (${problems.length} ${noun}); nothing was deployed:\n${lines.join("\n")}`;
}
