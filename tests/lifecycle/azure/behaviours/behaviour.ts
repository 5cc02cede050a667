import { StoredResource, World } from "../world";

/** What a create, update or delete of one resource works with. */
export interface Operation {
    readonly world: World;
    readonly token: string;
    readonly id: string;
    readonly name: string;
    /** The inputs as Azure receives them: secrets revealed. */
    readonly inputs: Record<string, any>;
    /** For an update or delete: the resource as the world holds it. */
    readonly stored?: StoredResource;
}

/**
 * What one resource type does beyond being recorded: the properties Resource Manager computes, and
 * the effects on the emulated machines. Outputs returned here are merged over the inputs.
 */
export interface Behaviour {
    create?(operation: Operation): Promise<Record<string, unknown>>;
    update?(operation: Operation): Promise<Record<string, unknown>>;
    delete?(operation: Operation): Promise<void>;
}

export function uuid(): string {
    return require("crypto").randomUUID() as string;
}

/** The live resource an id points at, or Azure's NotFound naming what was looked for. */
export function referenced(world: World, id: unknown, what: string): StoredResource {
    const found = typeof id === "string" ? world.get(id) : undefined;
    if (!found) {
        const { AzureError } = require("../errors") as typeof import("../errors");
        throw new AzureError(404, "NotFound", `The ${what} '${String(id)}' referenced by the request was not found.`);
    }
    return found;
}
