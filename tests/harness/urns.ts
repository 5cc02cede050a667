import { RecordedResource } from "./mocks";

/** The parts of `urn:pulumi:<stack>::<project>::<qualified type>::<name>`. */
function parseUrn(urn: string): { prefix: string; qualifiedType: string; name: string } {
    const parts = urn.split("::");
    if (parts.length < 4 || !urn.startsWith("urn:pulumi:")) {
        throw new Error(`not a Pulumi URN: ${urn}`);
    }
    return { prefix: parts.slice(0, 2).join("::"), qualifiedType: parts[2] ?? "", name: parts.slice(3).join("::") };
}

/** The URN a resource of this type and name gets under this parent (none: a top-level resource). */
export function childUrn(prefix: string, parentUrn: string | undefined, type: string, name: string): string {
    const qualifiedType = parentUrn ? `${parseUrn(parentUrn).qualifiedType}$${type}` : type;
    return `${prefix}::${qualifiedType}::${name}`;
}

/**
 * The URNs the engine gives these resources. The mock monitor qualifies a child's type with its
 * parent's type alone; the engine qualifies it with the parent's whole chain
 * (`Component$ChildComponent$Type`), and that is the identity existing stacks hold.
 */
export function engineUrns(resources: readonly RecordedResource[]): Map<RecordedResource, string> {
    const byMockUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    const memo = new Map<RecordedResource, string>();
    const of = (resource: RecordedResource): string => {
        const known = memo.get(resource);
        if (known) {
            return known;
        }
        const parent = byMockUrn.get(resource.options.parent);
        const urn = childUrn(parseUrn(resource.urn).prefix, parent && of(parent), resource.type, resource.name);
        memo.set(resource, urn);
        return urn;
    };
    return new Map(resources.map((resource) => [resource, of(resource)]));
}

/**
 * Every URN the engine would match to each registered resource: its own, its explicit aliases, and
 * the ones it inherits from its parent's aliases, as the engine computes them (a child of a moved or
 * renamed parent keeps its identity through the parent's alias).
 */
export function identities(resources: readonly RecordedResource[]): Map<string, Set<string>> {
    const byMockUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    const urns = engineUrns(resources);
    const memo = new Map<RecordedResource, Set<string>>();
    const of = (resource: RecordedResource): Set<string> => {
        const known = memo.get(resource);
        if (known) {
            return known;
        }
        const own = urns.get(resource) ?? "";
        const { prefix } = parseUrn(own);
        const parent = byMockUrn.get(resource.options.parent);
        const parentUrns = parent ? [...of(parent)] : [undefined];
        const found = new Set<string>([own]);
        // Under every identity of the parent, the resource's own type and name.
        for (const parentUrn of parentUrns) {
            found.add(childUrn(prefix, parentUrn, resource.type, resource.name));
        }
        for (const alias of resource.options.aliases) {
            if ("urn" in alias) {
                found.add(alias.urn);
                continue;
            }
            const type = alias.type || resource.type;
            const name = alias.name || resource.name;
            // The SDK names the resource's own parent when the alias names none; any of the parent's
            // identities then applies. Another parent is taken as the engine would name it.
            const named = byMockUrn.get(alias.parentUrn);
            const parents = alias.noParent
                ? [undefined]
                : !alias.parentUrn || named === parent
                  ? parentUrns
                  : [named ? urns.get(named) : alias.parentUrn];
            for (const parentUrn of parents) {
                found.add(childUrn(prefix, parentUrn, type, name));
            }
        }
        memo.set(resource, found);
        return found;
    };
    return new Map(resources.map((resource) => [urns.get(resource) ?? "", of(resource)]));
}

/** URNs of `before` that no resource of the new graph holds, by its own URN or an alias. */
export function lostUrns(before: readonly string[], resources: readonly RecordedResource[]): string[] {
    const held = new Set([...identities(resources).values()].flatMap((urns) => [...urns]));
    return before.filter((urn) => !held.has(urn));
}
