import { CliError } from "../errors";
import { parseStackName } from "../stackName";
import { stackOption, Verb, yesOption } from "../verb";
import { refreshClient } from "./env";

/** The config keys whose raise replaces a key and certificate (see the README's rotation section). */
const generations = { ca: "caGeneration", server: "serverCertGeneration", client: "clientCertGeneration" } as const;

export const regenerateCertsVerb: Verb = {
    name: "regenerate-certs",
    summary: "replace the daemon's, the client's or the CA's key and certificate, then refresh the local client",
    usage: `azure-docker-host regenerate-certs --stack <name> [--server] [--client] [--ca] [--yes]

  --server   a new daemon key and certificate (the default when no kind is given)
  --client   a new client key and certificate
  --ca       a new CA, and both certificates re-issued under it
  --yes, -y  do not ask, and let pulumi up go ahead

Raises the kind's generation in the stack's config (serverCertGeneration, clientCertGeneration,
caGeneration), runs pulumi up, then writes the new client files and docker context.`,
    options: {
        ...stackOption,
        server: { type: "boolean", default: false },
        client: { type: "boolean", default: false },
        ca: { type: "boolean", default: false },
        ...yesOption,
    },
    positionals: 0,
    async run(context, values) {
        const stack = parseStackName(values.stack as string | undefined);
        const kinds = (["ca", "server", "client"] as const).filter((kind) => values[kind]);
        const chosen = kinds.length > 0 ? kinds : (["server"] as const);
        const raises: { key: string; next: string }[] = [];
        for (const kind of chosen) {
            const key = generations[kind];
            const current = (await context.pulumi.configGet(stack, key)) ?? "1";
            if (!/^\d+$/.test(current)) {
                throw new CliError(`${key} is ${JSON.stringify(current)} in stack ${stack.pulumi}, not a whole number`);
            }
            raises.push({ key, next: String(Number(current) + 1) });
        }
        const plan = raises.map((raise) => `${raise.key} to ${raise.next}`).join(", ");
        if (
            !(await context.confirm(`Raise ${plan} and run pulumi up on stack ${stack.pulumi}?`, Boolean(values.yes)))
        ) {
            context.info("nothing was changed");
            return 1;
        }
        for (const raise of raises) {
            await context.pulumi.configSet(stack, raise.key, raise.next);
        }
        context.info(`pulumi up --stack ${stack.pulumi}`);
        await context.pulumi.up(stack);
        await refreshClient(context, stack);
        return 0;
    },
};
