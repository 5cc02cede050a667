import { changePower, powerState } from "../azure";
import { probeDaemon } from "../daemon";
import { dockerClientOutputs, DockerClientOutputs, readOutputs, vmReference } from "../outputs";
import { parseStackName } from "../stackName";
import { outputsFileOption, outputsSource, stackOption, Verb } from "../verb";
import { CliContext } from "../context";
import { CliError } from "../errors";

const usageTail = `  --stack, -s      the stack
  --outputs-file   outputs saved with \`pulumi stack output --json --show-secrets\`, instead of asking Pulumi
  --wait <s>       seconds to wait for the daemon to answer after the VM runs (default 300; 0: do not wait)

Azure calls use your Azure login (az login, or a service principal's environment variables).`;

async function waitForDaemon(context: CliContext, seconds: number, client: DockerClientOutputs) {
    const deadline = Date.now() + seconds * 1000;
    for (let attempt = 1; ; attempt++) {
        const report = await probeDaemon(client);
        if (report.answers) {
            context.info(`Docker ${report.version} answers at ${client.dockerHost}`);
            return;
        }
        if (Date.now() >= deadline) {
            context.info(
                `Docker does not answer at ${client.dockerHost} yet (${report.error}); it may still be starting`,
            );
            return;
        }
        if (attempt % 15 === 0) {
            context.info(`waiting for Docker at ${client.dockerHost}: ${report.error}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
}

function powerVerb(name: "start" | "stop" | "restart", summary: string, after: string): Verb {
    return {
        name,
        summary,
        usage: `azure-docker-host ${name} --stack <name> [--outputs-file <file>]${name === "stop" ? "" : " [--wait <s>]"}\n\n${usageTail}`,
        options: { ...stackOption, ...outputsFileOption, wait: { type: "string" } },
        positionals: 0,
        async run(context, values) {
            const stack = parseStackName(values.stack as string | undefined);
            const seconds = values.wait === undefined ? 300 : Number(values.wait);
            if (!Number.isInteger(seconds) || seconds < 0) {
                throw new CliError(
                    `--wait ${JSON.stringify(values.wait)} is not a whole number of seconds (0 or more)`,
                );
            }
            const outputs = await readOutputs(outputsSource(context, values), stack);
            const vm = vmReference(outputs, stack);
            const azure = context.azure();
            const before = await powerState(azure, vm);
            const action = name === "stop" ? "deallocate" : name;
            if ((name === "start" && before === "running") || (name === "stop" && before === "deallocated")) {
                context.info(`VM ${vm.name} is already ${before}`);
            } else {
                context.info(`${name === "stop" ? "deallocating" : `${name}ing`} VM ${vm.name} (it was ${before})...`);
                await changePower(azure, vm, action);
                context.info(`VM ${vm.name} is now ${await powerState(azure, vm)}`);
            }
            if (name !== "stop") {
                await waitForDaemon(context, seconds, dockerClientOutputs(outputs, stack));
            }
            if (after) {
                context.info(after);
            }
            return 0;
        },
    };
}

export const startVerb = powerVerb("start", "start the host's VM and wait for Docker", "");
export const stopVerb = powerVerb(
    "stop",
    "deallocate the host's VM: its compute is no longer billed",
    "Still billed while deallocated: the OS and data disks, the static public IP, backups, and a swarm's NAT gateway. " +
        "`pulumi preview` works; a `pulumi up` that must reach Docker asks you to start the VM first.",
);
export const restartVerb = powerVerb("restart", "restart the host's VM and wait for Docker", "");
