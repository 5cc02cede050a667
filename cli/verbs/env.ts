import * as fs from "fs";
import * as path from "path";
import { certificateDir, writeClientFiles } from "../clientFiles";
import { CliContext } from "../context";
import { hasDockerCli, upsertDockerContext } from "../dockerContext";
import { CliError } from "../errors";
import { dockerClientOutputs, DockerClientOutputs, readOutputs } from "../outputs";
import { detectShell, quote, setLines, Shell, shells, unsetLines, usageComment } from "../shellEnv";
import { parseStackName, project, StackName } from "../stackName";
import { outputsFileOption, outputsSource, stackOption, Verb } from "../verb";

/** The docker context a stack gets: `azure-docker-host-<stack>`, `/` mapped to `+`. */
export function contextName(stack: StackName): string {
    return `${project}-${stack.local}`;
}

/**
 * Writes the client files and the docker context for a stack, all or nothing: the files are
 * staged beside their folder, the context is made from them (docker copies TLS files into its own
 * store), and only then do they replace the folder's files. A context that cannot be made leaves
 * everything as it was.
 */
export function installClient(
    context: CliContext,
    stack: StackName,
    outputs: DockerClientOutputs,
    withContext: boolean,
): string {
    const directory = certificateDir(project, stack.local, context.env);
    if (fs.existsSync(directory) && !fs.statSync(directory).isDirectory()) {
        throw new CliError(`${directory} exists and is not a folder: move it away first`);
    }
    const staging = `${directory}.staging-${process.pid}`;
    try {
        writeClientFiles(staging, outputs);
        if (withContext) {
            if (hasDockerCli()) {
                const made = upsertDockerContext(contextName(stack), outputs.dockerHost, staging);
                context.info(`${made.action} docker context ${made.name}: docker --context ${made.name} ps`);
            } else {
                context.info("docker CLI not found: no docker context written");
            }
        }
        writeClientFiles(directory, outputs);
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
    context.info(`wrote ca.pem, cert.pem and key.pem to ${directory}`);
    return directory;
}

function shellOf(context: CliContext, value: unknown): Shell {
    const shell = typeof value === "string" ? value : detectShell(context.env, process.platform);
    if (!shells.includes(shell as Shell)) {
        throw new CliError(`--shell ${JSON.stringify(shell)} is not one of ${shells.join(", ")}`);
    }
    return shell as Shell;
}

export const envVerb: Verb = {
    name: "env",
    summary:
        "print the DOCKER_* variables for a stack's host (eval them), and write its client files and docker context",
    usage: `azure-docker-host env --stack <name> [--shell bash|zsh|fish|powershell] [--outputs-file <file>] [--no-context]
azure-docker-host env --unset [--shell ...]

  --stack, -s      the stack (dev, org/dev, org/${project}/dev)
  --shell          the shell to print for; from $SHELL when not given
  --outputs-file   outputs saved with \`pulumi stack output --json --show-secrets\`, instead of asking Pulumi
  --no-context     write no docker context
  --unset          print the lines that remove the variables; needs no stack

Writes ca.pem, cert.pem and key.pem (0600) to $DOCKER_CONFIG/${project}/<stack>/ (~/.docker by default)
and the docker context ${project}-<stack>. Only the variables go to stdout, so:
  eval "$(npx azure-docker-host env --stack dev)"`,
    options: {
        ...stackOption,
        ...outputsFileOption,
        shell: { type: "string" },
        unset: { type: "boolean", short: "u", default: false },
        "no-context": { type: "boolean", default: false },
    },
    positionals: 0,
    async run(context, values) {
        const shell = shellOf(context, values.shell);
        if (values.unset) {
            for (const line of [...unsetLines(shell), usageComment(shell, "npx azure-docker-host env --unset")]) {
                context.print(line);
            }
            return 0;
        }
        const stack = parseStackName(values.stack as string | undefined);
        const source = outputsSource(context, values);
        const outputs = dockerClientOutputs(await readOutputs(source, stack), stack);
        const directory = installClient(context, stack, outputs, !values["no-context"]);
        const again = [
            "npx azure-docker-host env --stack",
            quote(shell, stack.pulumi),
            "--shell",
            shell,
            ...(source.outputsFile ? ["--outputs-file", quote(shell, source.outputsFile)] : []),
        ].join(" ");
        const environment = { DOCKER_HOST: outputs.dockerHost, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: directory };
        for (const line of [...setLines(shell, environment), usageComment(shell, again)]) {
            context.print(line);
        }
        return 0;
    },
};

/** Reads a stack's docker outputs and installs its client: what create and regenerate-certs end with. */
export async function refreshClient(context: CliContext, stack: StackName): Promise<string> {
    const outputs = dockerClientOutputs(
        await readOutputs({ pulumi: context.pulumi, outputsFile: undefined }, stack),
        stack,
    );
    const directory = installClient(context, stack, outputs, true);
    context.info(
        `next: eval "$(npx azure-docker-host env --stack ${stack.pulumi})" && docker ps` +
            ` (or docker --context ${contextName(stack)} ps)`,
    );
    return path.resolve(directory);
}
