import * as https from "https";
import { ConfigError } from "../../config/errors";
import { parseIpv4Address } from "../../catalogue/ipv4";
import { snapshotDisk } from "../azure";
import { certificateDir, removeClientFiles } from "../clientFiles";
import { hasDockerCli, removeDockerContext } from "../dockerContext";
import { CliError } from "../errors";
import { readOutputs, regionOf, textOutput } from "../outputs";
import { parseStackName, project, StackName } from "../stackName";
import { Verb, yesOption } from "../verb";
import { contextName, refreshClient } from "./env";

/** The stack a lifecycle verb acts on: `create dev` or `create --stack dev`. */
function stackArgument(values: Record<string, unknown>, positionals: string[]): StackName {
    if (positionals.length > 0 && typeof values.stack === "string") {
        throw new CliError(`give the stack once: ${positionals[0]} or --stack ${values.stack}`);
    }
    return parseStackName(positionals[0] ?? (values.stack as string | undefined), "<stack>");
}

/** The caller's public IPv4 address, as an HTTPS echo service sees it. */
export function publicIpv4(url: string, timeoutMs = 10_000): Promise<string> {
    return new Promise((resolve, reject) => {
        const request = https.get(url, { timeout: timeoutMs }, (response) => {
            let body = "";
            response.setEncoding("utf8");
            response.on("data", (chunk: string) => (body += chunk));
            response.on("end", () => {
                const address = body.trim();
                if (response.statusCode !== 200 || parseIpv4Address(address) === undefined) {
                    reject(
                        new CliError(
                            `${url} answered ${response.statusCode} ${JSON.stringify(address.slice(0, 60))}, not an IPv4 address: use --allow <your-ip>/32`,
                        ),
                    );
                } else {
                    resolve(address);
                }
            });
        });
        request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
        request.on("error", (error) =>
            reject(
                error instanceof CliError
                    ? error
                    : new CliError(
                          `could not ask ${url} for your public IP (${error.message}): use --allow <your-ip>/32`,
                      ),
            ),
        );
    });
}

/** Checks the flags as the program will check the config, so `pulumi up` does not refuse them later. */
async function checkedSettings(stack: StackName, location: string | undefined, ranges: string[]): Promise<void> {
    // The program's own loader (it brings @pulumi/pulumi, so only create loads it).
    const { loadStackConfig } = await import("../../config/loader");
    try {
        loadStackConfig(
            (key) =>
                key === "location"
                    ? (location ?? "eastasia")
                    : key === "allowedSourceRanges"
                      ? JSON.stringify(ranges.length > 0 ? ranges : ["192.0.2.1/32"])
                      : undefined,
            { project, stack: stack.local },
        );
    } catch (error) {
        if (error instanceof ConfigError) {
            const flag = (key: string) =>
                key === "location" ? "--location" : key === "allowedSourceRanges" ? "--allow" : key;
            throw new CliError(
                error.problems
                    .map(
                        (problem) => `${flag(problem.key)} ${JSON.stringify(problem.value ?? "")}: ${problem.accepted}`,
                    )
                    .join("\n"),
            );
        }
        throw error;
    }
}

export const createVerb: Verb = {
    name: "create",
    summary:
        "create (or update) a stack's host: select the stack, set region and allowed ranges, pulumi up, write the client",
    usage: `azure-docker-host create <stack> [--location <region>] [--allow <cidr>]... [--allow-my-ip] [--yes]

  --location <region>  the Azure region (eastasia, "West Europe"...); kept from the stack file when not given
  --allow <cidr>       an address or range allowed to reach SSH and Docker; repeat for more
  --allow-my-ip        allow this machine's public IPv4 address, found through an HTTPS echo service
                       (AZURE_DOCKER_HOST_IP_ECHO_URL, https://api.ipify.org by default), after asking
  --yes, -y            answer yes to every question, and to pulumi up's

The stack is created in the current backend when it does not exist (the project's default is
the local file backend, file://~; PULUMI_BACKEND_URL overrides it). Then:
  eval "$(npx azure-docker-host env --stack <stack>)" && docker ps`,
    options: {
        stack: { type: "string", short: "s" },
        location: { type: "string", short: "l" },
        allow: { type: "string", multiple: true },
        "allow-my-ip": { type: "boolean", default: false },
        ...yesOption,
    },
    positionals: 1,
    async run(context, values, positionals) {
        const stack = stackArgument(values, positionals);
        const location = values.location as string | undefined;
        const ranges = [...((values.allow as string[] | undefined) ?? [])];
        await checkedSettings(stack, location, ranges);
        if (values["allow-my-ip"]) {
            const url = context.env.AZURE_DOCKER_HOST_IP_ECHO_URL || "https://api.ipify.org";
            const address = await publicIpv4(url);
            context.info(`${url} sees this machine as ${address}`);
            if (
                !(await context.confirm(
                    `Allow ${address}/32 to reach SSH and Docker on the host?`,
                    Boolean(values.yes),
                ))
            ) {
                throw new CliError("not allowed: give the ranges with --allow <cidr>");
            }
            ranges.push(`${address}/32`);
        }
        const deploy = `Deploy these changes to stack ${stack.pulumi}?`;
        // Without --yes the preview is shown and then asked about: refuse at once where nobody can answer.
        context.mustBeAbleToAsk(deploy, Boolean(values.yes));
        const pulumi = context.pulumi;
        await pulumi.createOrSelect(stack);
        if (location) {
            await pulumi.configSet(stack, "location", location);
        }
        if (ranges.length > 0) {
            await pulumi.configRemove(stack, "allowedSourceRanges");
            for (const [index, range] of ranges.entries()) {
                await pulumi.configSet(stack, `allowedSourceRanges[${index}]`, range, { path: true });
            }
        } else if (!(await pulumi.configGet(stack, "allowedSourceRanges"))) {
            throw new CliError("stack has no allowedSourceRanges yet: give --allow <cidr> or --allow-my-ip");
        }
        if (!values.yes) {
            context.info(`pulumi preview --stack ${stack.pulumi}`);
            await pulumi.preview(stack);
            if (!(await context.confirm(deploy, false))) {
                context.info("nothing was deployed; the stack's config is set");
                return 1;
            }
        }
        context.info(`pulumi up --stack ${stack.pulumi}`);
        await pulumi.up(stack);
        await refreshClient(context, stack);
        return 0;
    },
};

/** A resource group name from a stack's local name: Azure allows letters, digits, `_`, `-`, `.`, `(`, `)`. */
function keptDataGroup(stack: StackName): string {
    return `${project}-${stack.local.replace(/\+/g, "-")}-kept-data`;
}

export const rmVerb: Verb = {
    name: "rm",
    summary: "destroy a stack's host, after offering a snapshot of its data disk, and remove its local client",
    usage: `azure-docker-host rm <stack> [--keep-data | --no-snapshot] [--yes]

  --keep-data    keep the data: snapshot the data disk into its own resource group first, and say how to
                 build a host on it (dataDiskSource); the disk itself goes with the stack's resource group
  --no-snapshot  take no snapshot, not even offered
  --yes, -y      answer yes: destroy, and snapshot first unless --no-snapshot

Destroying needs the stack's resources unprotected (the data disk, the backup vault and its group are
protected), which rm does: every resource unprotected in the exported state, then pulumi destroy. The local client files and
docker context go last.`,
    options: {
        stack: { type: "string", short: "s" },
        "keep-data": { type: "boolean", default: false },
        "no-snapshot": { type: "boolean", default: false },
        ...yesOption,
    },
    positionals: 1,
    async run(context, values, positionals) {
        const stack = stackArgument(values, positionals);
        if (values["keep-data"] && values["no-snapshot"]) {
            throw new CliError("--keep-data and --no-snapshot contradict each other: choose one");
        }
        const yes = Boolean(values.yes);
        const outputs = await readOutputs({ pulumi: context.pulumi, outputsFile: undefined }, stack);
        const diskId = textOutput(outputs, "dataDiskId", stack);
        if (!(await context.confirm(`Destroy every resource of stack ${stack.pulumi}, the data disk included?`, yes))) {
            context.info("nothing was changed");
            return 1;
        }
        const snapshot =
            Boolean(values["keep-data"]) ||
            (!values["no-snapshot"] &&
                (await context.confirm("Snapshot the data disk first, so its data can be restored?", yes, true)));
        let snapshotId: string | undefined;
        if (snapshot) {
            // The config is asked only when the host name does not say.
            const region = regionOf(outputs) ?? (await context.pulumi.configGet(stack, "location"));
            if (!region) {
                throw new CliError(`cannot tell stack ${stack.pulumi}'s region: set location in its config`);
            }
            const target = {
                resourceGroup: keptDataGroup(stack),
                name: `${stack.local.replace(/\+/g, "-")}-data-${Date.now()}`,
                location: region,
            };
            context.info(`snapshotting the data disk into ${target.resourceGroup}/${target.name}...`);
            snapshotId = await snapshotDisk(context.azure(), diskId, target);
            context.info(`snapshot ${snapshotId}`);
        }
        await context.pulumi.unprotectAll(stack);
        context.info(`pulumi destroy --stack ${stack.pulumi}`);
        await context.pulumi.destroy(stack);
        const directory = certificateDir(project, stack.local, context.env);
        if (removeClientFiles(directory)) {
            context.info(`removed ${directory}`);
        }
        if (hasDockerCli() && removeDockerContext(contextName(stack))) {
            context.info(`removed docker context ${contextName(stack)}`);
        }
        if (snapshotId) {
            context.info(
                `The data is in ${snapshotId}. To run a host on it:\n` +
                    `  pulumi config set dataDiskSource ${snapshotId} --stack <stack>\n` +
                    "  npx azure-docker-host create <stack> --location <region> --allow <cidr>",
            );
        }
        context.info(`stack ${stack.pulumi} is empty; \`pulumi stack rm ${stack.pulumi}\` forgets it`);
        return 0;
    },
};
