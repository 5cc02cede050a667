import type { ParseArgsConfig } from "util";
import { CliContext } from "./context";
import { OutputsSource } from "./outputs";
import * as path from "path";

export type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** One verb: its help, its flags, and what it does. */
export interface Verb {
    readonly name: string;
    /** One line for the tool's help. */
    readonly summary: string;
    /** The synopsis and what each flag does, for `<verb> --help`. */
    readonly usage: string;
    readonly options: OptionSpecs;
    /** How many positional arguments it takes at most (`ssh` takes any number after `--`). */
    readonly positionals: number | "any";
    /** Resolves with the exit code. */
    run(context: CliContext, values: Values, positionals: string[]): Promise<number>;
}

export const stackOption: OptionSpecs = { stack: { type: "string", short: "s" } };
export const outputsFileOption: OptionSpecs = { "outputs-file": { type: "string" } };
export const yesOption: OptionSpecs = { yes: { type: "boolean", short: "y", default: false } };

/** Where outputs come from: a file (relative to the caller's directory) or the Pulumi CLI. */
export function outputsSource(context: CliContext, values: Values): OutputsSource {
    const file = values["outputs-file"];
    return {
        pulumi: context.pulumi,
        outputsFile: typeof file === "string" ? path.resolve(context.cwd, file) : undefined,
    };
}
