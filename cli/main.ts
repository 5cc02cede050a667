/**
 * azure-docker-host: the docker-machine verbs for this project's stacks. Every verb prints its
 * answer on stdout only when it succeeds; progress, advice and refusals go to stderr, and a refusal
 * exits 2, so `eval "$(azure-docker-host env ...)"` is always safe.
 */
import * as path from "path";
import { parseArgs } from "util";
import { CliContext } from "./context";
import { CliError } from "./errors";
import { Verb } from "./verb";
import { regenerateCertsVerb } from "./verbs/certs";
import { envVerb } from "./verbs/env";
import { createVerb, rmVerb } from "./verbs/lifecycle";
import { restartVerb, startVerb, stopVerb } from "./verbs/power";
import { ipVerb, sshVerb, urlVerb } from "./verbs/reach";
import { lsVerb, statusVerb } from "./verbs/status";

export const verbs: readonly Verb[] = [
    createVerb,
    lsVerb,
    statusVerb,
    envVerb,
    sshVerb,
    ipVerb,
    urlVerb,
    startVerb,
    stopVerb,
    restartVerb,
    regenerateCertsVerb,
    rmVerb,
];

export function toolHelp(): string {
    const width = Math.max(...verbs.map((verb) => verb.name.length));
    return [
        "azure-docker-host: Docker hosts on Azure as Pulumi stacks, with docker-machine's verbs",
        "",
        "usage: azure-docker-host <verb> [flags]      azure-docker-host <verb> --help",
        "",
        ...verbs.map((verb) => `  ${verb.name.padEnd(width)}  ${verb.summary}`),
        "",
        "Stacks are this project's Pulumi stacks (pulumi stack ls); outputs are read through the Pulumi CLI.",
    ].join("\n");
}

/** Runs one command line; resolves with the exit code. Writes stdout only when the verb succeeds. */
export async function run(argv: readonly string[], context: CliContext): Promise<number> {
    const [name, ...rest] = argv;
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
        process.stdout.write(`${toolHelp()}\n`);
        return name === undefined ? 2 : 0;
    }
    const verb = verbs.find((each) => each.name === name);
    try {
        if (!verb) {
            throw new CliError(
                `unknown verb ${JSON.stringify(name)}: one of ${verbs.map((each) => each.name).join(", ")}`,
            );
        }
        if (rest.includes("--help") || rest.includes("-h")) {
            process.stdout.write(`${verb.usage}\n`);
            return 0;
        }
        let parsed;
        try {
            parsed = parseArgs({
                args: [...rest],
                options: verb.options,
                allowPositionals: true,
                strict: true,
            });
        } catch (error) {
            throw new CliError(`${(error as Error).message.split("\n")[0]}\nusage: ${verb.usage.split("\n")[0]}`);
        }
        const positionals = parsed.positionals;
        if (verb.positionals !== "any" && positionals.length > verb.positionals) {
            throw new CliError(
                `${name} takes ${verb.positionals === 0 ? "no" : verb.positionals} argument${verb.positionals === 1 ? "" : "s"}, got ${positionals.map((each) => JSON.stringify(each)).join(" ")}\nusage: ${verb.usage.split("\n")[0]}`,
            );
        }
        const code = await verb.run(context, parsed.values, positionals);
        if (context.stdout.length > 0) {
            process.stdout.write(`${context.stdout.join("\n")}\n`);
        }
        return code;
    } catch (error) {
        if (error instanceof CliError) {
            process.stderr.write(`azure-docker-host${verb ? ` ${verb.name}` : ""}: ${error.message}\n`);
            return 2;
        }
        process.stderr.write(
            `azure-docker-host${verb ? ` ${verb.name}` : ""}: ${(error as Error).stack ?? String(error)}\n`,
        );
        return 2;
    }
}

if (require.main === module) {
    const projectDir = path.resolve(__dirname, "..");
    void run(process.argv.slice(2), new CliContext(process.cwd(), process.env, projectDir)).then((code) => {
        process.exitCode = code;
    });
}
