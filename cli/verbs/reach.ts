import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CliError } from "../errors";
import { readOutputs, textOutput } from "../outputs";
import { parseStackName } from "../stackName";
import { outputsFileOption, outputsSource, stackOption, Verb } from "../verb";

const stackUsage = `  --stack, -s      the stack
  --outputs-file   outputs saved with \`pulumi stack output --json --show-secrets\`, instead of asking Pulumi`;

/** A verb that prints one of the stack's outputs. */
function printOutputVerb(name: string, summary: string, key: string): Verb {
    return {
        name,
        summary,
        usage: `azure-docker-host ${name} --stack <name> [--outputs-file <file>]\n\n${stackUsage}`,
        options: { ...stackOption, ...outputsFileOption },
        positionals: 0,
        async run(context, values) {
            const stack = parseStackName(values.stack as string | undefined);
            context.print(textOutput(await readOutputs(outputsSource(context, values), stack), key, stack));
            return 0;
        },
    };
}

export const ipVerb = printOutputVerb("ip", "print the host's public IP address", "publicIp");
export const urlVerb = printOutputVerb("url", "print the Docker URL (tcp://<fqdn>:2376)", "dockerHost");

/** A private folder for the session's key: the user's runtime folder when there is one. */
function privateFolder(environment: NodeJS.ProcessEnv): string {
    const base =
        environment.XDG_RUNTIME_DIR && fs.existsSync(environment.XDG_RUNTIME_DIR)
            ? environment.XDG_RUNTIME_DIR
            : os.tmpdir();
    return fs.mkdtempSync(path.join(base, "azure-docker-host-ssh-"));
}

export const sshVerb: Verb = {
    name: "ssh",
    summary: "open an SSH session on the host (or run a command there) with the stack's key",
    usage: `azure-docker-host ssh --stack <name> [--outputs-file <file>] [-- command...]

${stackUsage}

With a generated key (the stack's sshPrivateKey output), the key is written for the session's length
to a file only you can read, in a folder only you can enter, and removed when ssh exits. With your
own key (sshPublicKey set), ssh uses your agent or ~/.ssh as usual.`,
    options: { ...stackOption, ...outputsFileOption },
    positionals: "any",
    async run(context, values, positionals) {
        const stack = parseStackName(values.stack as string | undefined);
        const outputs = await readOutputs(outputsSource(context, values), stack);
        const target = /^ssh (\S+@\S+)$/.exec(textOutput(outputs, "sshCommand", stack))?.[1];
        if (!target) {
            throw new CliError(`sshCommand ${JSON.stringify(outputs.sshCommand)} is not "ssh <user>@<host>"`);
        }
        const key = typeof outputs.sshPrivateKey === "string" ? outputs.sshPrivateKey : undefined;
        if (key === "[secret]") {
            throw new CliError("sshPrivateKey is hidden: the outputs were read without --show-secrets");
        }
        const folder = key ? privateFolder(context.env) : undefined;
        try {
            const identity: string[] = [];
            if (folder && key) {
                fs.chmodSync(folder, 0o700);
                const file = path.join(folder, "id_rsa");
                fs.writeFileSync(file, key.endsWith("\n") ? key : `${key}\n`, { mode: 0o600 });
                identity.push("-i", file, "-o", "IdentitiesOnly=yes");
            }
            const args = [...identity, "-o", "StrictHostKeyChecking=accept-new", target, ...positionals];
            const session = spawnSync(context.env.AZURE_DOCKER_HOST_SSH || "ssh", args, {
                stdio: "inherit",
                env: context.env,
            });
            if ((session.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
                throw new CliError("ssh is not on PATH: install OpenSSH's client");
            }
            return session.status ?? 255;
        } finally {
            if (folder) {
                fs.rmSync(folder, { recursive: true, force: true });
            }
        }
    },
};
