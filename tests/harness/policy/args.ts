import type {
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
} from "@pulumi/policy";
import { presentedProps, WireProps } from "./sdkInternals";

/** One resource as the engine describes it to a policy pack; omitted options take the engine's defaults. */
export interface ResourceFixture {
    readonly type: string;
    readonly name: string;
    readonly urn?: string;
    /** Inputs for resource policies, outputs for stack policies, in wire form. */
    readonly props: WireProps;
    readonly opts?: Partial<PolicyResourceOptions>;
    readonly parent?: string;
    readonly dependencies?: readonly string[];
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** Thrown by args.notApplicable, as the SDK's own NotApplicableError is. */
export class NotApplicable extends Error {}

export function urnOf(fixture: ResourceFixture): string {
    return fixture.urn ?? `urn:pulumi:test::azure-docker-host::${fixture.type}::${fixture.name}`;
}

function optionsOf(fixture: ResourceFixture): PolicyResourceOptions {
    return {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(fixture.parent === undefined ? {} : { parent: fixture.parent }),
        ...fixture.opts,
    };
}

/**
 * isType and asType compare the Pulumi type token the SDK's generated classes carry. asType hands
 * back the same properties whatever class it is asked about, so its typed signatures are asserted.
 */
function typeChecks<AsType>(
    type: string,
    props: Record<string, unknown>,
): { isType: (resourceClass: object) => boolean; asType: AsType } {
    const matches = (resourceClass: object) => (resourceClass as { __pulumiType?: unknown }).__pulumiType === type;
    const asType = (resourceClass: object) => (matches(resourceClass) ? props : undefined);
    return { isType: matches, asType: asType as AsType };
}

const common = {
    stackTags: new Map<string, string>(),
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string): never => {
        throw new NotApplicable(reason);
    },
};

/** The argument of validateResource or remediateResource, as server.js builds it. */
export function resourceArgs(fixture: ResourceFixture, to: "validation" | "remediation"): ResourceValidationArgs {
    const props = presentedProps(fixture.props, to);
    return {
        ...common,
        ...typeChecks<ResourceValidationArgs["asType"]>(fixture.type, props),
        type: fixture.type,
        name: fixture.name,
        urn: urnOf(fixture),
        props,
        opts: optionsOf(fixture),
    };
}

/** The argument of validateStack, as server.js builds it: parents and dependencies linked by URN. */
export function stackArgs(fixtures: readonly ResourceFixture[]): StackValidationArgs {
    const resources = fixtures.map((fixture): PolicyResource => {
        const props = presentedProps(fixture.props, "validation");
        return {
            ...typeChecks<PolicyResource["asType"]>(fixture.type, props),
            type: fixture.type,
            name: fixture.name,
            urn: urnOf(fixture),
            props,
            opts: optionsOf(fixture),
            dependencies: [],
            propertyDependencies: {},
        };
    });
    const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    const linked = (urns: readonly string[] = []) =>
        urns.flatMap((urn) => {
            const resource = byUrn.get(urn);
            return resource === undefined ? [] : [resource];
        });
    fixtures.forEach((fixture, index) => {
        const resource = resources[index] as PolicyResource;
        const parent = fixture.parent === undefined ? undefined : byUrn.get(fixture.parent);
        if (parent !== undefined) {
            resource.parent = parent;
        }
        resource.dependencies = linked(fixture.dependencies);
        for (const [key, urns] of Object.entries(fixture.propertyDependencies ?? {})) {
            resource.propertyDependencies[key] = linked(urns);
        }
    });
    return { ...common, resources };
}
