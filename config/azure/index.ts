import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { preflightBounds } from "../../azure/bounds";
import { computeClient, fixedTokenCredential, ResourceManagerAccess, subscriptionClient } from "../../azure/clients";
import { Provisioner, provisionerCatalogue, provisioners } from "../../catalogue/provisioners";
import { ScaleSetInstance } from "../../catalogue/scaleSetInstance";
import { StackConfig } from "..";
import { ConfigProblem, countProblems, listProblems } from "../errors";
import { closestRegions } from "../regions";
import { CatalogueSource, handlerPublished, imagePublished, listRegions, listVmSizes } from "./catalogue";
import { judgeDiskShrink, judgeDiskSource } from "./diskSource";
import { hostStopped } from "./powerState";
import { chooseProvisioner, existingProvisioner } from "./provisionerChoice";
import { CloudSettings, resolveCloud } from "./resourceManager";
import { scaleSetInstances } from "./scaleSetInstances";
import { DiskControllerType, judgeVmSize, sizeNeeds } from "./vmSizes";

export type { DiskControllerType } from "./vmSizes";

/** What the preflight settles before a single resource is declared. */
export interface Deployment {
    readonly provisioner: Provisioner;
    /** NVMe for NVMe-only sizes; Azure's default otherwise. */
    readonly diskControllerType: DiskControllerType;
    /** Set when the existing host's VM is deallocated: what to run before Docker can be reached. */
    readonly stoppedHint?: string;
    /**
     * A scale set's instances as Resource Manager lists them now, with the provider's identity;
     * absent when the preflight is off.
     */
    readonly scaleSetInstances?: (scaleSetId: string) => Promise<ScaleSetInstance[]>;
}

/** What the preflight needs from outside the program: the engine, the provider's identity, its cloud. */
export interface PreflightWorld {
    /** This stack's outputs from its last update; empty for a stack never deployed. */
    previousOutputs(): Promise<Record<string, unknown>>;
    /** The azure-native provider's own token and subscription. */
    identity(): Promise<{ readonly token: string; readonly subscriptionId: string }>;
    readonly cloud: CloudSettings;
    info(message: string): void;
    warn(message: string): void;
}

/** The world as `pulumi preview` and `pulumi up` present it. */
export function pulumiWorld(): PreflightWorld {
    const provider = new pulumi.Config("azure-native");
    return {
        async previousOutputs() {
            const name = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
            const answer = await pulumi.runtime.invoke("pulumi:pulumi:readStackOutputs", { name });
            return (answer as { outputs?: Record<string, unknown> } | undefined)?.outputs ?? {};
        },
        async identity() {
            // The invokes go to the same provider that will create the resources, so the preflight
            // sees what it will see: its login, its subscription, its cloud.
            const [{ token }, { subscriptionId }] = await Promise.all([
                authorization.getClientToken(),
                authorization.getClientConfig(),
            ]);
            return { token, subscriptionId };
        },
        cloud: {
            metadataHost: provider.get("metadataHost") ?? process.env.ARM_METADATA_HOSTNAME,
            environment: provider.get("environment") ?? process.env.ARM_ENVIRONMENT ?? process.env.AZURE_ENVIRONMENT,
        },
        info: (message) => void pulumi.log.info(message),
        warn: (message) => void pulumi.log.warn(message),
    };
}

/**
 * Checks the stack against Azure's catalogue before anything is declared, with the azure-native
 * provider's own identity, and resolves what depends on it: the region is one Azure lists for the
 * subscription; the VM size exists in the region, this
 * subscription may deploy it and it carries the host; its disk controller; the chosen
 * provisioner's Ubuntu image and extension are published there; a restore source exists there and
 * fits the data disk; and `auto` picks the provisioner
 * (kept once the host exists). Every problem is reported at once, before anything is created.
 */
export async function runPreflight(config: StackConfig, world: PreflightWorld = pulumiWorld()): Promise<Deployment> {
    const { location } = config.network;
    const previous = await readPreviousOutputs(world);
    const existing = existingProvisioner(previous);
    if (!config.preflight) {
        const choice = chooseProvisioner(config.host.provisioner, existing, undefined, location);
        world.info(`${choice.reason}. The preflight is off: Azure's catalogue was not checked.`);
        return { provisioner: choice.provisioner, diskControllerType: undefined };
    }

    const source = await catalogueSource(world);
    const { services } = config;
    const needs = sizeNeeds(
        [services.redis, services.mongodb].filter((service) => service.enabled).map((service) => service.memoryMb),
    );
    // Every provisioner's image and extension: `auto` needs to know before it can choose.
    const published = async (provisioner: Provisioner) => {
        const spec = provisionerCatalogue[provisioner];
        const [image, extension] = await Promise.all([
            imagePublished(source, location, spec.image),
            handlerPublished(source, location, spec.extension),
        ]);
        return [provisioner, { image, extension }] as const;
    };
    // Azure's own list judges the region; where it cannot be read, this release's list has already.
    const regions = listRegions(source).then(
        (names) => ({ names }),
        (error: unknown) => ({ unread: (error as Error).message }),
    );
    const catalogue = Promise.all([listVmSizes(source, location), Promise.all(provisioners.map(published))]);
    const stopped =
        typeof previous.vmId === "string"
            ? hostStopped(source, previous.vmId, config.stack)
            : Promise.resolve(undefined);
    const diskSourceProblems = config.host.dataDiskSource
        ? judgeDiskSource(source, config.host.dataDiskSource, location, config.host.dataDiskSizeGb)
        : Promise.resolve([]);
    // A restore makes a new disk, of any size its source allows; otherwise the disk is kept, and grows at most.
    const shrinkProblems =
        !config.host.dataDiskSource && typeof previous.dataDiskId === "string"
            ? judgeDiskShrink(source, previous.dataDiskId, config.host.dataDiskSizeGb)
            : Promise.resolve([]);
    // They run side by side and are awaited in turn: one may fail while another is awaited, which is
    // no unhandled rejection. In a region that is not there, every other answer is beside the point.
    for (const pending of [catalogue, stopped, diskSourceProblems, shrinkProblems]) {
        pending.catch(() => undefined);
    }
    const regionProblem = judgeRegion(config, await regions);
    if (regionProblem) {
        throw new PreflightError(
            `Azure has no region ${location} for this stack (Resource Manager at ${source.cloud.endpoint}, ` +
                `subscription ${source.subscriptionId}); nothing was created:\n` +
                listProblems(config.project, [regionProblem]),
        );
    }
    const [sizes, availability] = await catalogue.catch((error: unknown) => {
        throw new PreflightError(
            `The preflight could not read Azure's catalogue: ${(error as Error).message}. Nothing was created.`,
        );
    });
    const inRegion = Object.fromEntries(availability) as Record<Provisioner, { image: boolean; extension: boolean }>;

    const size = judgeVmSize(sizes, config.host.vmSize, location, needs);
    // A worker runs what is deployed to it; it needs a working VM of the same kind, no more.
    const workerSize =
        config.swarm.workers > 0
            ? judgeVmSize(sizes, config.swarm.workerVmSize, location, { vCpus: 1, memoryGb: 1 }, "swarmWorkerVmSize")
            : undefined;
    const choice = chooseProvisioner(
        config.host.provisioner,
        existing,
        inRegion["docker-extension"].extension,
        location,
    );
    const problems: ConfigProblem[] = [
        ...size.problems,
        ...(workerSize?.problems ?? []),
        ...choice.problems,
        ...(await diskSourceProblems),
        ...(await shrinkProblems),
    ];
    const spec = provisionerCatalogue[choice.provisioner];
    if (!inRegion[choice.provisioner].image) {
        const { publisher, offer, sku } = spec.image;
        problems.push({
            key: "provisioner",
            value: config.host.provisioner,
            accepted: `a provisioner whose image Azure publishes in ${location}; ${publisher}:${offer}:${sku} (for ${choice.provisioner}) is not there`,
            hint: "choose another location, or the other provisioner",
        });
    }
    // The Docker extension's absence is the choice's to judge (an existing host keeps it).
    if (!inRegion[choice.provisioner].extension && choice.provisioner !== "docker-extension") {
        const { publisher, type, typeHandlerVersion } = spec.extension;
        problems.push({
            key: "location",
            value: location,
            accepted: `a region where Azure publishes the ${publisher}/${type} extension ${typeHandlerVersion}, which ${choice.provisioner} needs`,
        });
    }
    if (problems.length > 0) {
        throw new PreflightError(
            `Azure cannot deploy this stack as configured (${countProblems(problems)} found in ${location} by ` +
                `Resource Manager at ${source.cloud.endpoint}, subscription ${source.subscriptionId}); nothing was created:\n` +
                listProblems(config.project, problems),
        );
    }
    for (const warning of choice.warnings) {
        world.warn(warning);
    }
    world.info(`${choice.reason}. ${size.summary}.`);
    const stoppedHint = await stopped;
    if (stoppedHint) {
        world.warn(`${stoppedHint}. A preview works; a change that must reach Docker fails until then.`);
    }
    return {
        provisioner: choice.provisioner,
        diskControllerType: size.diskControllerType,
        ...(stoppedHint ? { stoppedHint } : {}),
        scaleSetInstances: (scaleSetId) => scaleSetInstances(source, scaleSetId),
    };
}

/**
 * The location against Azure's list of this subscription's regions; against this release's list
 * (already applied when the config was read) where Azure's could not be read.
 */
function judgeRegion(
    config: StackConfig,
    regions: { readonly names: readonly string[] } | { readonly unread: string },
): ConfigProblem | undefined {
    const { location, locationListed } = config.network;
    if ("names" in regions) {
        if (regions.names.includes(location)) {
            return undefined;
        }
        const nearby = closestRegions(location, 3, regions.names);
        return {
            key: "location",
            value: location,
            accepted:
                nearby.length > 0
                    ? `a region Azure lists for this subscription; did you mean ${nearby.join(", ")}?`
                    : "a region Azure lists for this subscription (`az account list-locations -o table`)",
        };
    }
    return locationListed
        ? undefined
        : {
              key: "location",
              value: location,
              accepted: `a region this release knows, such as eastasia, since Azure's own list could not be read (${regions.unread})`,
          };
}

/** A RunError, so Pulumi prints the message alone, without the program's stack trace. */
export class PreflightError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "PreflightError";
    }
}

async function readPreviousOutputs(world: PreflightWorld): Promise<Record<string, unknown>> {
    try {
        return await world.previousOutputs();
    } catch (error) {
        throw new PreflightError(
            `Could not read this stack's previous outputs, which tell which provisioner its host runs ` +
                `(${(error as Error).message}). Set the provisioner explicitly: ` +
                "pulumi config set provisioner docker-extension (or cloud-init)",
        );
    }
}

async function catalogueSource(world: PreflightWorld): Promise<CatalogueSource> {
    const fail = (step: string, error: unknown) =>
        new PreflightError(
            `The preflight could not ${step}: ${(error as Error).message}. Nothing was created. ` +
                "Where Resource Manager cannot be reached from this machine, turn the preflight off: pulumi config set preflight false",
        );
    const identity = await world.identity().catch((error: unknown) => {
        throw fail(
            "get the azure-native provider's token and subscription (run `az login`; check `az account show`)",
            error,
        );
    });
    const cloud = await resolveCloud(world.cloud).catch((error: unknown) => {
        throw fail("find Resource Manager's endpoint", error);
    });
    const access: ResourceManagerAccess = {
        endpoint: cloud.endpoint,
        credential: async () => fixedTokenCredential(identity.token),
        bounds: preflightBounds,
    };
    let compute: ReturnType<CatalogueSource["compute"]> | undefined;
    let subscriptions: ReturnType<CatalogueSource["subscriptions"]> | undefined;
    return {
        cloud,
        subscriptionId: identity.subscriptionId,
        compute: () => (compute ??= computeClient(access, identity.subscriptionId)),
        subscriptions: () => (subscriptions ??= subscriptionClient(access)),
    };
}
