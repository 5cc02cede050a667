import * as pulumi from "@pulumi/pulumi";

/** `azure-native:<module>:<Type>`, the token of a resource declared from a module's default API version. */
const defaultVersionToken = /^azure-native:([^:/]+):([^:]+)$/;
/** `azure-native:<module>/v<api-version>:<Type>`, the token of the same resource from a versioned module. */
const versionedToken = /^azure-native:([^:/]+)\/v[^:]+:([^:]+)$/;

/**
 * For a resource of this type, the test of an alias that says nothing but "this resource was once
 * declared as `module/v<version>:Type`": the shape azure-native adds to each of its resources, one per
 * API version it ever published. Undefined for a type outside azure-native's default modules.
 */
function versionedTypeAliasOf(type: string): ((alias: pulumi.Input<pulumi.URN | pulumi.Alias>) => boolean) | undefined {
    const own = defaultVersionToken.exec(type);
    if (own === null) {
        return undefined;
    }
    return (alias) => {
        if (typeof alias !== "object" || pulumi.Output.isInstance(alias)) {
            return false;
        }
        const { type: aliasType, ...rest } = alias as pulumi.Alias;
        const versioned = typeof aliasType === "string" ? versionedToken.exec(aliasType) : null;
        return Object.keys(rest).length === 0 && versioned?.[1] === own[1] && versioned?.[2] === own[2];
    };
}

/**
 * Drops the versioned-type aliases azure-native puts on every resource (60 on a virtual network, 576
 * in this program), keeping every other alias.
 *
 * They let a stack move from `@pulumi/azure-native/<module>/v<version>` to the default module; this
 * program has only ever declared the default modules, so none of them can match a resource in one of
 * its stacks. Yet the SDK turns each one into a URN in the resource's constructor, whatever the engine
 * supports, through a chain of Outputs: in `npm run bench` (b) they were half of every Output the
 * program made, about 70 ms and 35 MiB of its peak.
 *
 * Applied in a resource's constructor (a transformation, not a transform, which runs too late to
 * spare that work), and inherited by every child of the component given it.
 */
export const withoutVersionedTypeAliases: pulumi.ResourceTransformation = ({ type, props, opts }) => {
    const isVersioned = versionedTypeAliasOf(type);
    if (isVersioned === undefined || opts.aliases === undefined) {
        return undefined;
    }
    const kept = opts.aliases.filter((alias) => !isVersioned(alias));
    return kept.length === opts.aliases.length ? undefined : { props, opts: { ...opts, aliases: kept } };
};
