import type { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { CliError } from "./errors";
import { StackName } from "./stackName";

/** How `up` and `destroy` show their progress: Pulumi's own output, streamed as it comes. */
export type ProgressSink = (text: string) => void;

/**
 * The project's stacks through Pulumi's Automation API: a LocalWorkspace on the project's folder,
 * driving the Pulumi CLI found on PATH, so the tool never reimplements an engine call. The API is
 * loaded on first use: the verbs that need no stack (help, `env --unset`) never pay for it.
 */
export class PulumiProject {
    private workspace: Promise<LocalWorkspace> | undefined;
    /** Each stack selected once per run: create's preview and up reuse what createOrSelect chose. */
    private readonly selected = new Map<string, Promise<Stack>>();

    constructor(
        /** Where the project lives: Pulumi.yaml, its stacks' config files. */
        private readonly projectDir: string,
        /** Where progress goes: the operator's terminal (stderr), so stdout stays the tool's own. */
        private readonly progress: ProgressSink = (text) => process.stderr.write(text),
    ) {}

    /** The stack's outputs, secrets in plain text: what the client files and the VM's id come from. */
    async outputs(stack: StackName): Promise<Record<string, unknown>> {
        const outputs = await this.call(`reading the outputs of stack ${stack.pulumi}`, async (workspace) =>
            workspace.stackOutputs(stack.pulumi),
        );
        return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value]));
    }

    /** Every stack of the project in the current backend. */
    async stacks(): Promise<{ readonly name: string; readonly current: boolean }[]> {
        const stacks = await this.call("listing the stacks", (workspace) => workspace.listStacks());
        return stacks.map((summary) => ({ name: summary.name, current: summary.current }));
    }

    /** A config value, or undefined when the stack has none for the key. */
    async configGet(stack: StackName, key: string): Promise<string | undefined> {
        const workspace = await this.open();
        try {
            return (await workspace.getConfig(stack.pulumi, key)).value;
        } catch (error) {
            if (/not found|no stack named/i.test(commandFailure(error))) {
                return undefined;
            }
            throw explained(`reading ${key} of stack ${stack.pulumi}`, error);
        }
    }

    async configSet(
        stack: StackName,
        key: string,
        value: string,
        options: { readonly path?: boolean } = {},
    ): Promise<void> {
        await this.call(`setting ${key} of stack ${stack.pulumi}`, (workspace) =>
            workspace.setConfig(stack.pulumi, key, { value }, options.path),
        );
    }

    async configRemove(stack: StackName, key: string): Promise<void> {
        await this.call(`removing ${key} of stack ${stack.pulumi}`, (workspace) =>
            workspace.removeConfig(stack.pulumi, key),
        );
    }

    /** Selects the stack, creating it when the backend has none of that name. */
    async createOrSelect(stack: StackName): Promise<void> {
        await this.stack(stack, "createOrSelect");
    }

    /** `pulumi preview`, its output streamed: what an `up` would change. */
    async preview(stack: StackName): Promise<void> {
        const selected = await this.stack(stack, "select");
        await this.call(`pulumi preview --stack ${stack.pulumi}`, () => selected.preview({ onOutput: this.progress }));
    }

    /** `pulumi up`, its output streamed; the caller has had the operator's yes. */
    async up(stack: StackName): Promise<void> {
        const selected = await this.stack(stack, "select");
        await this.call(`pulumi up --stack ${stack.pulumi}`, () => selected.up({ onOutput: this.progress }));
    }

    /**
     * Clears `protect` on every resource of the stack, as `pulumi state unprotect --all` does: the
     * state exported, edited, and imported again, which keeps a backup in the stack's history.
     */
    async unprotectAll(stack: StackName): Promise<void> {
        await this.call(`unprotecting the resources of stack ${stack.pulumi}`, async (workspace) => {
            const state = await workspace.exportStack(stack.pulumi);
            const resources = (state.deployment as { resources?: { protect?: boolean }[] }).resources ?? [];
            if (!resources.some((resource) => resource.protect)) {
                return;
            }
            for (const resource of resources) {
                delete resource.protect;
            }
            await workspace.importStack(stack.pulumi, state);
        });
    }

    /** `pulumi destroy`, its output streamed; the caller has had the operator's yes. */
    async destroy(stack: StackName): Promise<void> {
        const selected = await this.stack(stack, "select");
        await this.call(`pulumi destroy --stack ${stack.pulumi}`, () => selected.destroy({ onOutput: this.progress }));
    }

    private stack(stack: StackName, how: "select" | "createOrSelect"): Promise<Stack> {
        let selected = this.selected.get(stack.pulumi);
        if (selected === undefined) {
            selected = import("@pulumi/pulumi/automation").then(({ Stack }) =>
                this.call(`selecting stack ${stack.pulumi}`, (workspace) => Stack[how](stack.pulumi, workspace)),
            );
            this.selected.set(stack.pulumi, selected);
        }
        return selected;
    }

    private open(): Promise<LocalWorkspace> {
        this.workspace ??= (async () => {
            const { LocalWorkspace, PulumiCommand } = await import("@pulumi/pulumi/automation");
            const pulumiCommand = await PulumiCommand.get().catch((error: unknown) => {
                const result = (error as { commandResult?: { code?: number; err?: { code?: string } } }).commandResult;
                const missing = result?.code === -2 || result?.err?.code === "ENOENT";
                throw new CliError(
                    missing
                        ? "the Pulumi CLI (pulumi) is not on PATH: install it (https://www.pulumi.com/docs/install/)"
                        : `the Pulumi CLI could not be run (${commandFailure(error).split("\n")[0]}): check \`pulumi version\``,
                );
            });
            return LocalWorkspace.create({ workDir: this.projectDir, pulumiCommand });
        })();
        return this.workspace;
    }

    private async call<T>(what: string, action: (workspace: LocalWorkspace) => Promise<T>): Promise<T> {
        const workspace = await this.open();
        try {
            return await action(workspace);
        } catch (error) {
            throw explained(what, error);
        }
    }
}

/**
 * What a failed Pulumi command said: the Automation API's CommandError carries the command's
 * result, whose stderr (or stdout) holds Pulumi's own words; any other error, its message.
 */
function commandFailure(error: unknown): string {
    const result = (error as { commandResult?: { stdout?: unknown; stderr?: unknown } }).commandResult;
    const said = [result?.stderr, result?.stdout].find((text) => typeof text === "string" && text.trim() !== "");
    return String(said ?? (error instanceof Error ? error.message : error)).trim();
}

function explained(what: string, error: unknown): Error {
    if (error instanceof CliError) {
        return error;
    }
    const said = commandFailure(error)
        .split("\n")
        // The API's own line repeats the command; Pulumi's words follow it.
        .filter((line) => line.trim() !== "" && !line.startsWith("Command failed with exit code"))
        .slice(-3)
        .join("\n");
    return new CliError(`${what} failed: ${said}`);
}
