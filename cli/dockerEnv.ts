/**
 * docker-env: the docker-machine `env` experience for a stack of this project.
 *
 *   npm run --silent docker-env -- --stack dev [--shell bash|zsh|fish|powershell] [--unset]
 *                                  [--outputs-file outputs.json] [--no-context]
 *
 * Reads the stack's outputs through the Pulumi CLI (or from a file saved with
 * `pulumi stack output --json --show-secrets`), writes ca.pem, cert.pem and key.pem under
 * ~/.docker/azure-docker-host/<stack>/, creates or updates the docker context
 * azure-docker-host-<stack>, and prints the DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH
 * lines for the shell. Everything but those lines goes to stderr, so the output can be eval'd.
 */
import { parseArgs } from "util";
import { certificateDir, writeClientFiles } from "./clientFiles";
import { hasDockerCli, upsertDockerContext } from "./dockerContext";
import { detectShell, setLines, Shell, shells, unsetLines, usageComment } from "./shellEnv";
import { DockerEnvError, dockerOutputs, outputsFromFile, outputsFromPulumi } from "./stackOutputs";

export const project = "azure-docker-host";

interface Options {
    readonly stack: string;
    readonly shell: Shell;
    readonly unset: boolean;
    readonly outputsFile: string | undefined;
    readonly context: boolean;
}

function parseOptions(argv: string[]): Options {
    const { values } = parseArgs({
        args: argv,
        options: {
            stack: { type: "string", short: "s" },
            shell: { type: "string" },
            unset: { type: "boolean", short: "u", default: false },
            "outputs-file": { type: "string" },
            "no-context": { type: "boolean", default: false },
        },
        strict: true,
    });
    if (!values.stack) {
        throw new DockerEnvError("--stack <name> is required, e.g. --stack dev");
    }
    const shell = values.shell ?? detectShell(process.env, process.platform);
    if (!shells.includes(shell as Shell)) {
        throw new DockerEnvError(`--shell ${shell} is not one of ${shells.join(", ")}`);
    }
    return {
        stack: values.stack,
        shell: shell as Shell,
        unset: values.unset ?? false,
        outputsFile: values["outputs-file"],
        context: !values["no-context"],
    };
}

export function main(argv: string[]): string {
    const options = parseOptions(argv);
    const command = `npm run --silent docker-env -- --stack ${options.stack} --shell ${options.shell}`;
    if (options.unset) {
        return [...unsetLines(options.shell), usageComment(options.shell, `${command} --unset`)].join("\n");
    }
    const raw = options.outputsFile ? outputsFromFile(options.outputsFile) : outputsFromPulumi(options.stack);
    const outputs = dockerOutputs(raw, options.stack);
    const certDir = certificateDir(project, options.stack);
    writeClientFiles(certDir, outputs);
    console.error(`wrote ca.pem, cert.pem and key.pem to ${certDir}`);
    if (options.context) {
        if (hasDockerCli()) {
            const context = upsertDockerContext(`${project}-${options.stack}`, outputs.dockerHost, certDir);
            console.error(`${context.action} docker context ${context.name}: docker --context ${context.name} ps`);
        } else {
            console.error("docker CLI not found: no docker context written");
        }
    }
    const environment = { DOCKER_HOST: outputs.dockerHost, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: certDir };
    return [...setLines(options.shell, environment), usageComment(options.shell, command)].join("\n");
}

if (require.main === module) {
    try {
        process.stdout.write(`${main(process.argv.slice(2))}\n`);
    } catch (error) {
        const message =
            error instanceof DockerEnvError || (error as Error).name === "TypeError"
                ? (error as Error).message
                : String(error);
        process.stderr.write(`docker-env: ${message}\n`);
        process.exit(2);
    }
}
