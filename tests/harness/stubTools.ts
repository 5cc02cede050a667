import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { standInToken } from "./armStandIn";

/** One call the stub Pulumi CLI received: its arguments and its working directory. */
export interface PulumiCall {
    readonly args: string[];
    readonly cwd: string;
}

/**
 * A folder of stand-ins for the tools the command-line tool runs, first on PATH:
 * - `pulumi` records every call (args, cwd) and answers what the Automation API asks of the CLI:
 *   `version`; `stack select`/`init`, `stack ls --json` and `stack output --json [--show-secrets]`
 *   from a folder and outputs file per stack; `config get --json`/`set`/`rm` from a config file per
 *   stack; `stack export`/`import` from a state file per stack; `up`, `preview` and `destroy` print
 *   a line and succeed, and `stack history` has nothing;
 * - `az` answers `account get-access-token` with the ARM stand-in's token, as `az login` would let
 *   it, or refuses as Azure CLI does without a login.
 */
export class StubTools {
    readonly bin: string;
    private constructor(readonly root: string) {
        this.bin = path.join(root, "bin");
    }

    static create(options: { readonly loggedIn?: boolean } = {}): StubTools {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "adh-stubs-"));
        const tools = new StubTools(root);
        fs.mkdirSync(tools.bin);
        fs.mkdirSync(path.join(root, "stacks"));
        const node = process.execPath;
        fs.writeFileSync(path.join(tools.bin, "pulumi"), `#!${node}\n${pulumiStub(root)}`, { mode: 0o755 });
        fs.writeFileSync(path.join(tools.bin, "az"), `#!${node}\n${azStub(options.loggedIn ?? true)}`, { mode: 0o755 });
        return tools;
    }

    /** Gives a stack outputs (as `pulumi stack output --json --show-secrets` prints them). */
    setOutputs(stack: string, outputs: Record<string, unknown>): void {
        fs.writeFileSync(this.stackFile(stack, "outputs.json"), JSON.stringify(outputs));
    }

    config(stack: string): Record<string, string> {
        const file = this.stackFile(stack, "config.json");
        return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>) : {};
    }

    /** The stack's state as `pulumi stack export` prints it: what `stack import` last took. */
    state(stack: string): { deployment: { resources: { urn: string; protect?: boolean }[] } } {
        return JSON.parse(fs.readFileSync(this.stackFile(stack, "state.json"), "utf8"));
    }

    setState(stack: string, resources: readonly { urn: string; protect?: boolean }[]): void {
        fs.writeFileSync(
            this.stackFile(stack, "state.json"),
            JSON.stringify({ version: 3, deployment: { manifest: {}, resources } }),
        );
    }

    setConfig(stack: string, config: Record<string, string>): void {
        fs.writeFileSync(this.stackFile(stack, "config.json"), JSON.stringify(config));
    }

    calls(): PulumiCall[] {
        const log = path.join(this.root, "calls.jsonl");
        return fs.existsSync(log)
            ? fs
                  .readFileSync(log, "utf8")
                  .split("\n")
                  .filter(Boolean)
                  .map((line) => JSON.parse(line) as PulumiCall)
            : [];
    }

    dispose(): void {
        fs.rmSync(this.root, { recursive: true, force: true });
    }

    private stackFile(stack: string, name: string): string {
        const folder = path.join(this.root, "stacks", encodeURIComponent(stack));
        fs.mkdirSync(folder, { recursive: true });
        return path.join(folder, name);
    }
}

function pulumiStub(root: string): string {
    return `
const fs = require("fs"), path = require("path");
const root = ${JSON.stringify(root)};
const args = process.argv.slice(2);
fs.appendFileSync(path.join(root, "calls.jsonl"), JSON.stringify({ args, cwd: process.cwd() }) + "\\n");
const at = args.indexOf("--stack");
const stack = at >= 0 ? args[at + 1] : "";
const folder = path.join(root, "stacks", encodeURIComponent(stack));
const read = (name, fallback) => { try { return JSON.parse(fs.readFileSync(path.join(folder, name), "utf8")); } catch { return fallback; } };
const write = (name, value) => { fs.mkdirSync(folder, { recursive: true }); fs.writeFileSync(path.join(folder, name), JSON.stringify(value)); };
const words = args.filter((arg, index) => !arg.startsWith("-") && !["--stack", "--file", "--page-size", "--exec-kind", "--event-log"].includes(args[index - 1]));
const exists = fs.existsSync(folder);
const noStack = () => { process.stderr.write("error: no stack named '" + stack + "' found\\n"); process.exit(255); };
if (words[0] === "version") {
    process.stdout.write("v3.276.0\\n");
} else if (words[0] === "stack" && words[1] === "select") {
    if (!exists) noStack();
} else if (words[0] === "stack" && words[1] === "init") {
    fs.mkdirSync(path.join(root, "stacks", encodeURIComponent(words[2])), { recursive: true });
} else if (words[0] === "stack" && words[1] === "output") {
    const outputs = read("outputs.json", undefined);
    if (outputs === undefined) noStack();
    process.stdout.write(JSON.stringify(outputs, null, 2) + "\\n");
} else if (words[0] === "stack" && words[1] === "ls") {
    const names = fs.readdirSync(path.join(root, "stacks")).map(decodeURIComponent).sort();
    process.stdout.write(JSON.stringify(names.map((name) => ({ name, current: false, url: "file://~" }))) + "\\n");
} else if (words[0] === "stack" && words[1] === "history") {
    process.stdout.write("[]\\n");
} else if (words[0] === "stack" && words[1] === "export") {
    process.stdout.write(JSON.stringify(read("state.json", { version: 3, deployment: { manifest: {}, resources: [] } })) + "\\n");
} else if (words[0] === "stack" && words[1] === "import") {
    write("state.json", JSON.parse(fs.readFileSync(args[args.indexOf("--file") + 1], "utf8")));
} else if (words[0] === "config" && words[1] === "get") {
    const value = read("config.json", {})[words[2]];
    if (value === undefined) { process.stderr.write("error: configuration key '" + words[2] + "' not found for stack '" + stack + "'\\n"); process.exit(255); }
    process.stdout.write(JSON.stringify({ value, secret: false }) + "\\n");
} else if (words[0] === "config" && words[1] === "set") {
    const config = read("config.json", {}); config[words[2]] = words[3]; write("config.json", config);
} else if (words[0] === "config" && words[1] === "rm") {
    const config = read("config.json", {});
    for (const key of Object.keys(config)) if (key === words[2] || key.startsWith(words[2] + "[")) delete config[key];
    write("config.json", config);
} else if (words[0] === "up" || words[0] === "preview" || words[0] === "destroy") {
    if (!exists) noStack();
    process.stdout.write((words[0] === "preview" ? "Previewing update (" : "Updating (") + stack + "): done\\n");
} else {
    process.stderr.write("pulumi stub: " + args.join(" ") + " is not answered\\n"); process.exit(2);
}
`;
}

function azStub(loggedIn: boolean): string {
    return `
const args = process.argv.slice(2);
if (args[0] !== "account" || args[1] !== "get-access-token") { process.stderr.write("az stub: " + args.join(" ") + " is not answered\\n"); process.exit(2); }
if (!${loggedIn}) { process.stderr.write("ERROR: Please run 'az login' to setup account.\\n"); process.exit(1); }
const expires = Math.floor(Date.now() / 1000) + 3600;
process.stdout.write(JSON.stringify({ accessToken: ${JSON.stringify(standInToken)}, expiresOn: new Date(expires * 1000).toISOString(), expires_on: expires, subscription: "stand-in", tenant: "stand-in", tokenType: "Bearer" }));
`;
}
