import { stoppedPowerStates } from "../../catalogue/powerState";
import { powerState } from "../azure";
import { CliContext } from "../context";
import { DaemonReport, probeDaemon } from "../daemon";
import { CliError } from "../errors";
import { dockerClientOutputs, readOutputs, regionOf, vmReference } from "../outputs";
import { parseStackName, StackName } from "../stackName";
import { outputsFileOption, outputsSource, stackOption, Values, Verb } from "../verb";

/** What `ls` and `status` say about one stack. */
export interface StackReport {
    readonly stack: string;
    readonly region: string;
    readonly provisioner: string;
    readonly state: string;
    readonly url: string;
    readonly docker: string;
    readonly services: string;
    readonly certificateExpiry: string;
}

async function reportOf(context: CliContext, stack: StackName, values: Values): Promise<StackReport> {
    const blank = {
        region: "-",
        provisioner: "-",
        state: "-",
        url: "-",
        docker: "-",
        services: "-",
        certificateExpiry: "-",
    };
    let outputs: Record<string, unknown>;
    try {
        outputs = await readOutputs(outputsSource(context, values), stack);
    } catch (error) {
        return { stack: stack.pulumi, ...blank, state: `not deployed (${(error as Error).message})` };
    }
    let state: string;
    try {
        state = await powerState(context.azure(), vmReference(outputs, stack));
    } catch (error) {
        state = `unknown (${(error as Error).message})`;
    }
    let client;
    try {
        client = dockerClientOutputs(outputs, stack);
    } catch (error) {
        // A half-finished first `pulumi up`: say so on its line rather than fail the whole list.
        return {
            stack: stack.pulumi,
            ...blank,
            region: regionOf(outputs) ?? "-",
            state,
            docker: `no client: ${(error as Error).message}`,
        };
    }
    const daemon: DaemonReport = stoppedPowerStates.includes(state)
        ? { answers: false, error: `the VM is ${state}` }
        : await probeDaemon(client);
    return {
        stack: stack.pulumi,
        region: regionOf(outputs) ?? "-",
        provisioner: typeof outputs.provisioner === "string" ? outputs.provisioner : "-",
        state,
        url: client.dockerHost,
        docker: daemon.answers ? `answers (Docker ${daemon.version})` : `no answer: ${daemon.error}`,
        services: daemon.answers
            ? Object.entries(daemon.services)
                  .map(([name, health]) => `${name} ${health}`)
                  .join(", ")
            : "-",
        certificateExpiry: daemon.answers ? daemon.certificateExpiry.toISOString() : "-",
    };
}

export const statusVerb: Verb = {
    name: "status",
    summary: "one stack's region, VM state, Docker URL, daemon, services and certificate expiry",
    usage: `azure-docker-host status --stack <name> [--outputs-file <file>]

  --stack, -s      the stack
  --outputs-file   outputs saved with \`pulumi stack output --json --show-secrets\`, instead of asking Pulumi

Exits 0 when Docker answers, 1 when it does not (a stopped VM, say).`,
    options: { ...stackOption, ...outputsFileOption },
    positionals: 0,
    async run(context, values) {
        const stack = parseStackName(values.stack as string | undefined);
        const report = await reportOf(context, stack, values);
        if (report.state.startsWith("not deployed")) {
            throw new CliError(`stack ${stack.pulumi} is ${report.state}`);
        }
        const rows: [string, string][] = [
            ["stack", report.stack],
            ["region", report.region],
            ["provisioner", report.provisioner],
            ["vm", report.state],
            ["url", report.url],
            ["docker", report.docker],
            ["services", report.services],
            ["certificate expires", report.certificateExpiry],
        ];
        for (const [key, value] of rows) {
            context.print(`${`${key}:`.padEnd(21)}${value}`);
        }
        return report.docker.startsWith("answers") ? 0 : 1;
    },
};

export const lsVerb: Verb = {
    name: "ls",
    summary: "every stack of the project: region, provisioner, VM state, Docker URL, daemon and services",
    usage: `azure-docker-host ls

Lists the stacks of the current Pulumi backend (pulumi stack ls), each with what status shows.`,
    options: {},
    positionals: 0,
    async run(context) {
        const names = await context.pulumi.stacks();
        const reports = await Promise.all(names.map((entry) => reportOf(context, parseStackName(entry.name), {})));
        const header = ["STACK", "REGION", "PROVISIONER", "VM", "URL", "DOCKER", "SERVICES"];
        const rows = reports.map((report) => [
            report.stack,
            report.region,
            report.provisioner,
            report.state,
            report.url,
            report.docker,
            report.services,
        ]);
        const widths = header.map((title, column) =>
            Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
        );
        for (const row of [header, ...rows]) {
            context.print(
                row
                    .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
                    .join("  ")
                    .trimEnd(),
            );
        }
        return 0;
    },
};
