import * as crypto from "crypto";
import { Behaviour, Operation } from "./behaviours/behaviour";
import * as compute from "./behaviours/compute";
import * as governance from "./behaviours/governance";
import * as network from "./behaviours/network";
import { AzureError } from "./errors";
import { changedPaths, pathMatches, reveal, unknownValue, valueAt } from "./propertyPaths";
import { nameOfUrn, resourceTypes, ResourceType, typeOfUrn } from "./resourceTypes";
import { standInSubscriptionId, standInTenantId, standInToken, StoredResource, World } from "./world";

const behaviours: Record<string, Behaviour> = {
    "azure-native:resources:ResourceGroup": network.resourceGroup,
    "azure-native:network:VirtualNetwork": network.virtualNetwork,
    "azure-native:network:Subnet": network.subnet,
    "azure-native:network:NetworkSecurityGroup": network.networkSecurityGroup,
    "azure-native:network:PublicIPAddress": network.publicIpAddress,
    "azure-native:network:NatGateway": network.natGateway,
    "azure-native:network:NetworkInterface": network.networkInterface,
    "azure-native:compute:Disk": compute.disk,
    "azure-native:compute:VirtualMachine": compute.virtualMachine,
    "azure-native:compute:VirtualMachineExtension": compute.virtualMachineExtension,
    "azure-native:compute:VirtualMachineScaleSet": compute.virtualMachineScaleSet,
    "azure-native:compute:VirtualMachineRunCommandByVirtualMachine": compute.virtualMachineRunCommand,
    "azure-native:dataprotection:BackupVault": governance.backupVault,
    "azure-native:dataprotection:BackupPolicy": governance.backupPolicy,
    "azure-native:dataprotection:BackupInstance": governance.backupInstance,
    "azure-native:authorization:RoleAssignment": governance.roleAssignment,
    "azure-native:devtestlab:GlobalSchedule": governance.globalSchedule,
};

/** What ARM never returns: write-only secrets stay in the inputs (and the state), not the outputs. */
const writeOnly = ["protectedSettings", "protectedParameters"];
/** azure-native keeps the inputs a resource was made from in its state under this key, and diffs against them. */
const inputsKey = "__inputs";

function typeOf(urn: string): ResourceType {
    const token = typeOfUrn(urn);
    const type = resourceTypes.get(token);
    if (!type) {
        throw new Error(`the Azure stand-in does not emulate ${token}`);
    }
    return type;
}

/** azure-native's default names: the logical name plus 8 random hex characters, or a GUID. */
function autoname(type: ResourceType, logicalName: string): string {
    return type.autoname === "guid" ? crypto.randomUUID() : `${logicalName}${crypto.randomBytes(4).toString("hex")}`;
}

function stripUndefined<T>(value: T): T {
    return JSON.parse(JSON.stringify(value ?? {})) as T;
}

/** Everything ARM answers for the resource, as the state keeps it: inputs, computed outputs, the inputs again. */
function outputsOf(id: string, inputs: Record<string, unknown>, computed: Record<string, unknown>) {
    const shown = Object.fromEntries(Object.entries(inputs).filter(([key]) => !writeOnly.includes(key)));
    return stripUndefined({ ...shown, ...computed, id, [inputsKey]: inputs });
}

/** Deletes a resource from the world as Resource Manager does, its behaviour first. */
export async function deleteResource(world: World, resource: StoredResource): Promise<void> {
    const behaviour = behaviours[resource.type];
    await behaviour?.delete?.({
        world,
        token: resource.type,
        id: resource.id,
        name: String(resource.outputs.name ?? resource.id.split("/").pop()),
        inputs: reveal(resource.inputs),
        stored: resource,
    });
    world.remove(resource.id);
}

/**
 * The azure-native provider as the engine talks to it, backed by the emulated subscription: Check
 * auto-names, Diff decides update or replace from the rules in resourceTypes.ts, and Create, Update
 * and Delete change the world (and its machines) as Resource Manager would, refusing what it refuses.
 */
export class AzureStandInProvider {
    readonly version = "3.28.0";

    constructor(private readonly world: World) {}

    async check(urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckResult> {
        const type = typeOf(urn);
        const inputs = { ...news };
        if (inputs[type.nameInput] === undefined) {
            if (type.autoname === undefined) {
                return {
                    inputs,
                    failures: [{ property: type.nameInput, reason: `missing required property '${type.nameInput}'` }],
                };
            }
            inputs[type.nameInput] = olds?.[type.nameInput] ?? autoname(type, nameOfUrn(urn));
        }
        return { inputs };
    }

    async diff(
        _id: string,
        urn: string,
        olds: Record<string, any>,
        news: Record<string, unknown>,
    ): Promise<DiffResult> {
        const type = typeOf(urn);
        const before = (olds[inputsKey] ?? {}) as Record<string, unknown>;
        const changed = changedPaths(before, news);
        const replacing = (path: string) => type.replaceOn.some((rule) => pathMatches(path, rule));
        const detailed: Record<string, number> = {};
        for (const path of changed) {
            const kind =
                valueAt(before, path) === undefined ? "ADD" : valueAt(news, path) === undefined ? "DELETE" : "UPDATE";
            detailed[path] = propertyDiffKinds[replacing(path) ? `${kind}_REPLACE` : kind] ?? propertyDiffKinds.UPDATE!;
        }
        const replaces = [...new Set(changed.filter(replacing).map(topLevel))];
        return {
            changes: changed.length > 0,
            replaces,
            diffs: [...new Set(changed.map(topLevel))],
            detailed,
            // azure-native deletes first whenever it replaces, unless the name was generated (then a new one is).
            deleteBeforeReplace: replaces.length > 0 && !generatedName(type, nameOfUrn(urn), before[type.nameInput]),
        };
    }

    private operation(urn: string, id: string, inputs: Record<string, unknown>, stored?: StoredResource): Operation {
        const type = typeOf(urn);
        const revealed = reveal<Record<string, any>>(inputs);
        const name = String(revealed[type.nameInput]);
        return {
            world: this.world,
            token: type.token,
            id: id || type.id(revealed, name),
            name,
            inputs: revealed,
            ...(stored ? { stored } : {}),
        };
    }

    /** Azure answers 404 for a resource whose group does not exist. */
    private requireGroup(operation: Operation): void {
        if (operation.token === "azure-native:resources:ResourceGroup") {
            return;
        }
        const group = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)/i.exec(operation.id)?.[1];
        if (group && !this.world.get(group)) {
            throw new AzureError(
                404,
                "ResourceGroupNotFound",
                `Resource group '${group.split("/").pop()}' could not be found.`,
            );
        }
    }

    async create(
        urn: string,
        inputs: Record<string, unknown>,
        preview = false,
    ): Promise<{ id: string; outs: Record<string, unknown> }> {
        if (preview) {
            return { id: "", outs: previewOutputs(typeOf(urn), inputs, {}) };
        }
        const operation = this.operation(urn, "", inputs);
        this.requireGroup(operation);
        if (this.world.get(operation.id)) {
            throw new AzureError(409, "Conflict", `The resource '${operation.id}' already exists.`);
        }
        return this.world.locked(operation.id, async () => {
            const computed = (await behaviours[operation.token]?.create?.(operation)) ?? {};
            const outputs = outputsOf(operation.id, inputs, computed);
            this.world.put({ id: operation.id, type: operation.token, inputs, outputs });
            return { id: operation.id, outs: outputs };
        });
    }

    async read(
        id: string,
        urn: string,
        props: Record<string, unknown>,
    ): Promise<{ id: string; props: Record<string, unknown>; inputs?: Record<string, unknown> }> {
        const stored = this.world.get(id);
        if (!stored) {
            // Gone from Azure: the engine drops it from the state.
            return { id: "", props: {} };
        }
        typeOf(urn);
        return {
            id,
            props: stored.outputs,
            inputs:
                (stored.outputs[inputsKey] as Record<string, unknown>) ?? (props[inputsKey] as Record<string, unknown>),
        };
    }

    async update(
        id: string,
        urn: string,
        olds: Record<string, any>,
        news: Record<string, unknown>,
        preview = false,
    ): Promise<{ outs: Record<string, unknown> }> {
        const type = typeOf(urn);
        if (preview) {
            // azure-native: the inputs, unknowns for what Azure computes, and the name and location kept.
            return { outs: previewOutputs(type, news, pick(olds, ["name", "location"])) };
        }
        const stored = this.world.get(id);
        if (!stored) {
            throw new AzureError(404, "ResourceNotFound", `The Resource '${id}' was not found.`);
        }
        const before = reveal<Record<string, unknown>>(olds[inputsKey] ?? stored.inputs);
        const after = reveal<Record<string, unknown>>(news);
        for (const refusal of type.refused ?? []) {
            const changed = changedPaths(before, after).some((path) => pathMatches(path, refusal.path));
            if (changed && !(refusal.path === "location" && sameLocation(before.location, after.location))) {
                throw new AzureError(409, refusal.code, refusal.message);
            }
        }
        const operation = this.operation(urn, id, news, stored);
        return this.world.locked(id, async () => {
            const computed = (await behaviours[type.token]?.update?.(operation)) ?? stored.outputs;
            const outputs = outputsOf(id, news, { ...pick(stored.outputs, ["name", "type"]), ...computed });
            this.world.put({ id, type: type.token, inputs: news, outputs });
            return { outs: outputs };
        });
    }

    async delete(id: string, urn: string, props: Record<string, unknown>): Promise<void> {
        typeOf(urn);
        const stored = this.world.get(id);
        if (!stored) {
            return; // Already gone, as a DELETE of a missing resource answers 204.
        }
        await this.world.locked(id, () =>
            deleteResource(this.world, { ...stored, outputs: { ...stored.outputs, ...pick(props, []) } }),
        );
    }

    async invoke(token: string, _inputs: Record<string, unknown>): Promise<{ outputs: Record<string, unknown> }> {
        switch (token) {
            case "azure-native:authorization:getClientToken":
                return { outputs: { token: standInToken } };
            case "azure-native:authorization:getClientConfig":
                return {
                    outputs: {
                        clientId: "00000000-0000-4000-8000-0000000000c1",
                        objectId: "00000000-0000-4000-8000-0000000000c2",
                        subscriptionId: standInSubscriptionId,
                        tenantId: standInTenantId,
                    },
                };
            default:
                throw new Error(`the Azure stand-in does not answer ${token}`);
        }
    }
}

export interface CheckResult {
    readonly inputs: Record<string, unknown>;
    readonly failures?: readonly { readonly property: string; readonly reason: string }[];
}

export interface DiffResult {
    readonly changes: boolean;
    readonly replaces: string[];
    readonly diffs: string[];
    /** Property path to the protocol's PropertyDiff kind. */
    readonly detailed: Record<string, number>;
    readonly deleteBeforeReplace: boolean;
}

/** pulumirpc.PropertyDiff.Kind. */
const propertyDiffKinds: Record<string, number> = {
    ADD: 0,
    ADD_REPLACE: 1,
    DELETE: 2,
    DELETE_REPLACE: 3,
    UPDATE: 4,
    UPDATE_REPLACE: 5,
};

const topLevel = (path: string) => path.split(/[.[]/)[0] ?? path;

/** What every Resource Manager answer carries that no input sets. */
const alwaysComputed = ["name", "type", "provisioningState", "azureApiVersion"];

/**
 * A preview's outputs as azure-native makes them: the inputs in the response's shape, and unknowns
 * for what only Azure can tell (an address, an identity, a GUID), so that nothing reads them yet.
 */
function previewOutputs(
    type: ResourceType,
    inputs: Record<string, unknown>,
    kept: Record<string, unknown>,
): Record<string, unknown> {
    const outputs = JSON.parse(JSON.stringify(outputsOf("", inputs, {}))) as Record<string, any>;
    delete outputs.id;
    for (const key of alwaysComputed) {
        outputs[key] = unknownValue;
    }
    for (const path of type.computed ?? []) {
        markUnknown(outputs, path.split("."));
    }
    return { ...outputs, ...kept };
}

/** Sets `path` to unknown where its parents exist (`ipConfigurations[*].privateIPAddress` in each element). */
function markUnknown(target: Record<string, any>, path: readonly string[]): void {
    const [head = "", ...rest] = path;
    const each = head.endsWith("[*]");
    const key = each ? head.slice(0, -3) : head;
    if (rest.length === 0) {
        target[key] = unknownValue;
        return;
    }
    const next = target[key];
    if (each && Array.isArray(next)) {
        next.forEach((item) => typeof item === "object" && item !== null && markUnknown(item, rest));
    } else if (typeof next === "object" && next !== null && !Array.isArray(next)) {
        markUnknown(next, rest);
    }
}

/** Whether a name is one azure-native made up (see autoname), not one the program chose. */
function generatedName(type: ResourceType, logicalName: string, name: unknown): boolean {
    const text = String(name ?? "");
    return type.autoname === "guid"
        ? /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(text)
        : type.autoname === "suffix" &&
              text.length === logicalName.length + 8 &&
              text.startsWith(logicalName) &&
              /^[0-9a-f]{8}$/.test(text.slice(-8));
}

function pick(source: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
    return Object.fromEntries(keys.filter((key) => key in source).map((key) => [key, source[key]]));
}

/** azure-native compares locations without case or spaces (`East Asia` is `eastasia`). */
function sameLocation(a: unknown, b: unknown): boolean {
    const normal = (value: unknown) =>
        String(value ?? "")
            .toLowerCase()
            .replace(/\s+/g, "");
    return normal(a) === normal(b);
}
