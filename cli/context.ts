import * as readline from "readline";
import { azureContext, AzureContext } from "./azure";
import { CliError } from "./errors";
import { PulumiProject } from "./pulumi";

/** What every verb works with: where it was called from, its environment, and its two ways out. */
export class CliContext {
    /** Lines for stdout, written only when the verb succeeds. */
    readonly stdout: string[] = [];
    private azureCache: AzureContext | undefined;

    constructor(
        /** The caller's working directory: relative paths are theirs. */
        readonly cwd: string,
        readonly env: NodeJS.ProcessEnv,
        /** The project's folder, where Pulumi.yaml is. */
        readonly projectDir: string,
        readonly pulumi: PulumiProject = new PulumiProject(projectDir),
        private readonly interactive: boolean = Boolean(process.stdin.isTTY && process.stderr.isTTY),
    ) {}

    /** Progress and advice, on stderr. */
    info(line: string): void {
        process.stderr.write(`${line}\n`);
    }

    print(line: string): void {
        this.stdout.push(line);
    }

    azure(): AzureContext {
        this.azureCache ??= azureContext(this.env);
        return this.azureCache;
    }

    /** Refuses, naming the flag, when `question` would be asked later and no one could answer it. */
    mustBeAbleToAsk(question: string, yes: boolean): void {
        if (!yes && !this.interactive) {
            throw new CliError(`${question} needs an answer and there is no terminal to ask on: add --yes`);
        }
    }

    /**
     * Asks a yes/no question on the terminal; `--yes` answers yes. Without a terminal there is no one
     * to ask, so the verb stops and names the flag.
     */
    async confirm(question: string, yes: boolean, defaultYes = false): Promise<boolean> {
        if (yes) {
            return true;
        }
        this.mustBeAbleToAsk(question, yes);
        const prompt = readline.createInterface({ input: process.stdin, output: process.stderr });
        const answer = await new Promise<string>((resolve) =>
            prompt.question(`${question} ${defaultYes ? "[Y/n]" : "[y/N]"} `, resolve),
        );
        prompt.close();
        const text = answer.trim().toLowerCase();
        return text === "" ? defaultYes : text === "y" || text === "yes";
    }
}
