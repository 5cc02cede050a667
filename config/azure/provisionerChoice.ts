import { Provisioner, provisioners } from "../../catalogue/provisioners";
import { ProvisionerSetting } from "..";
import { ConfigProblem } from "../errors";

export interface ProvisionerChoice {
    readonly provisioner: Provisioner;
    /** Why, in one sentence, for the run's log. */
    readonly reason: string;
    readonly problems: ConfigProblem[];
    readonly warnings: string[];
}

/**
 * The provisioner the host already runs, read off the stack's previous outputs: its `provisioner`
 * output, or, for a stack deployed before that output existed, the default it was deployed with
 * (docker-extension). Undefined when the stack has no host yet.
 */
export function existingProvisioner(previousOutputs: Readonly<Record<string, unknown>>): Provisioner | undefined {
    const recorded = previousOutputs.provisioner;
    if (typeof recorded === "string" && (provisioners as readonly string[]).includes(recorded)) {
        return recorded as Provisioner;
    }
    return previousOutputs.dockerHost !== undefined ? "docker-extension" : undefined;
}

/**
 * Resolves the configured provisioner. `auto` keeps whatever the host already runs, so a later
 * change in Azure's catalogue never replaces the VM by itself; for a new host it takes the Docker
 * extension where Azure publishes it in the region, cloud-init otherwise (or when the catalogue
 * was not checked: cloud-init needs nothing from it beyond the Ubuntu image). An explicit
 * docker-extension where Azure no longer publishes it is refused for a new host; an existing one
 * keeps running, with a warning that its certificates can no longer be renewed in place.
 *
 * `extensionPublished` is undefined when the preflight did not look.
 */
export function chooseProvisioner(
    setting: ProvisionerSetting,
    existing: Provisioner | undefined,
    extensionPublished: boolean | undefined,
    location: string,
): ProvisionerChoice {
    const unpublished = `Azure no longer publishes the Docker VM extension (Microsoft.Azure.Extensions/DockerExtension 1.2) in ${location}`;
    if (setting !== "auto") {
        const explicit = { provisioner: setting, reason: `provisioner ${setting} is set in the stack's config` };
        if (setting !== "docker-extension" || extensionPublished !== false) {
            return { ...explicit, problems: [], warnings: [] };
        }
        if (existing === "docker-extension") {
            return {
                ...explicit,
                problems: [],
                warnings: [
                    `${unpublished}. The host keeps its extension, but a certificate renewal cannot re-run it: ` +
                        "switch with `pulumi config set provisioner cloud-init` (the VM is replaced; the data disk stays).",
                ],
            };
        }
        return {
            ...explicit,
            problems: [
                {
                    key: "provisioner",
                    value: setting,
                    accepted: `cloud-init or auto; ${unpublished}`,
                    hint: "run: pulumi config set provisioner auto",
                },
            ],
            warnings: [],
        };
    }
    if (existing !== undefined) {
        return {
            provisioner: existing,
            reason: `provisioner auto keeps ${existing}: the host already runs it, and a change in Azure's catalogue never replaces it`,
            problems: [],
            warnings:
                existing === "docker-extension" && extensionPublished === false
                    ? [`${unpublished}; the host keeps it, but a certificate renewal cannot re-run it.`]
                    : [],
        };
    }
    if (extensionPublished === true) {
        return {
            provisioner: "docker-extension",
            reason: `provisioner auto chose docker-extension: Azure still publishes the Docker VM extension 1.2 in ${location}`,
            problems: [],
            warnings: [],
        };
    }
    return {
        provisioner: "cloud-init",
        reason:
            extensionPublished === false
                ? `provisioner auto chose cloud-init: ${unpublished}`
                : "provisioner auto chose cloud-init: the preflight is off, so whether Azure still publishes the Docker VM extension is unknown",
        problems: [],
        warnings: [],
    };
}
