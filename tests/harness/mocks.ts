import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { plausibleId, plausibleState } from "./plausibleState";
import { realTlsState } from "./realTlsState";

/** The resource options the engine would have received, as read off the registration request. */
export interface RecordedOptions {
    readonly protect: boolean;
    /** Whether `pulumi destroy` leaves the real resource in place. */
    readonly retainOnDelete: boolean;
    readonly deleteBeforeReplace: boolean;
    readonly replaceOnChanges: readonly string[];
    readonly additionalSecretOutputs: readonly string[];
    readonly dependencies: readonly string[];
    readonly parent: string;
    /** The value whose change makes the engine replace the resource, if any. */
    readonly replacementTrigger: unknown;
    /** The resource's former identities, as the engine receives them. */
    readonly aliases: readonly RecordedAlias[];
}

/** An alias: a whole former URN, or the parts of it that differ from the resource's own. */
export type RecordedAlias =
    | { readonly urn: string }
    | {
          readonly name: string;
          readonly type: string;
          /** The former parent; "" with noParent false means "the resource's own parent". */
          readonly parentUrn: string;
          readonly noParent: boolean;
      };

/** One registered resource: what the program asked the engine for. */
export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    /** Inputs as the engine receives them: secrets appear wrapped (see isSecretValue). */
    readonly inputs: Record<string, unknown>;
    readonly provider: string | undefined;
    readonly custom: boolean;
    readonly options: RecordedOptions;
    /** The id the mock answered with: Resource Manager's shape for Azure resources. */
    readonly id: string;
    /** The URN the engine gave it; known once its registration has been answered. */
    readonly urn: string;
    /** What the mock answered as its state (computed outputs over the inputs); secrets wrapped as Outputs. */
    readonly outputs: Record<string, unknown>;
}

/** Computed outputs for one registration; undefined leaves it to the default (real TLS or plausible state). */
export type StateOverride = (
    args: pulumi.runtime.MockResourceArgs,
) => Record<string, unknown> | undefined | Promise<Record<string, unknown> | undefined>;

/**
 * Pulumi mocks that record every registration and answer with plausible computed outputs. Calls
 * (invokes) are not mocked: the program must not depend on any, and a new one fails loudly here.
 */
export class RecordingMocks implements pulumi.runtime.Mocks {
    resources: RecordedResource[] = [];
    /** When set, `tls:` resources get real keys and certificates made from their inputs. */
    realTls = false;
    private readonly pendingOptions = new Map<string, RecordedOptions[]>();
    private readonly urns = new Map<string, string>();
    /** Invokes made, in order. */
    calls: { token: string; inputs: Record<string, unknown> }[] = [];
    /** What the engine returns as this stack's outputs from its last update. */
    previousOutputs: Record<string, unknown> = {};
    /** What the azure-native provider's getClientToken and getClientConfig return. */
    identity = { token: "", subscriptionId: "" };
    private readonly overrides = new Map<string, StateOverride>();

    reset(): void {
        this.resources = [];
        this.realTls = false;
        this.pendingOptions.clear();
        this.overrides.clear();
        this.urns.clear();
        this.calls = [];
        this.previousOutputs = {};
        this.identity = { token: "", subscriptionId: "" };
    }

    /** Replaces the computed outputs of every resource of one type, for this run. */
    overrideState(type: string, override: StateOverride): void {
        this.overrides.set(type, override);
    }

    rememberOptions(type: string, name: string, options: RecordedOptions): void {
        const key = `${type}::${name}`;
        this.pendingOptions.set(key, [...(this.pendingOptions.get(key) ?? []), options]);
    }

    rememberUrn(type: string, name: string, urn: string): void {
        this.urns.set(`${type}::${name}`, urn);
    }

    async newResource(args: pulumi.runtime.MockResourceArgs): Promise<pulumi.runtime.MockResourceResult> {
        const key = `${args.type}::${args.name}`;
        const [options, ...rest] = this.pendingOptions.get(key) ?? [];
        this.pendingOptions.set(key, rest);
        const urns = this.urns;
        const override = await this.overrides.get(args.type)?.(args);
        const real =
            override === undefined && this.realTls
                ? await realTlsState(args.type, args.inputs as Record<string, unknown>)
                : undefined;
        const state = { ...args.inputs, ...(override ?? real ?? plausibleState(args)) };
        const id = plausibleId(args, state);
        this.resources.push({
            id,
            type: args.type,
            name: args.name,
            inputs: args.inputs as Record<string, unknown>,
            provider: args.provider || undefined,
            custom: args.custom ?? true,
            options: options ?? missingOptions,
            get urn() {
                return urns.get(key) ?? "";
            },
            outputs: state,
        });
        return { id, state };
    }

    /**
     * The invokes the program makes, answered as the engine and the azure-native provider would: the
     * stack's previous outputs (the engine's builtin readStackOutputs), the provider's token and
     * subscription. Any other invoke fails loudly: the program must not depend on it unnoticed.
     */
    call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
        this.calls.push({ token: args.token, inputs: args.inputs as Record<string, unknown> });
        switch (args.token) {
            case "pulumi:pulumi:readStackOutputs":
                return { name: args.inputs.name, outputs: this.previousOutputs, secretOutputNames: [] };
            case "azure-native:authorization:getClientToken":
                return { token: this.identity.token };
            case "azure-native:authorization:getClientConfig":
                return {
                    subscriptionId: this.identity.subscriptionId,
                    tenantId: "00000000-0000-4000-8000-00000000000a",
                    clientId: "00000000-0000-4000-8000-00000000000b",
                    objectId: "00000000-0000-4000-8000-00000000000c",
                };
            default:
                throw new Error(`unexpected call to ${args.token}: the program must not invoke provider functions`);
        }
    }
}

const missingOptions: RecordedOptions = {
    protect: false,
    retainOnDelete: false,
    deleteBeforeReplace: false,
    replaceOnChanges: [],
    additionalSecretOutputs: [],
    dependencies: [],
    parent: "",
    replacementTrigger: undefined,
    aliases: [],
};

/** Registration requests as the SDK sends them; only the getters we read. */
interface RegisterResourceRequest {
    getType(): string;
    getName(): string;
    getProtect(): boolean | undefined;
    getRetainondelete(): boolean | undefined;
    getDeletebeforereplace(): boolean;
    getReplaceonchangesList(): string[];
    getAdditionalsecretoutputsList(): string[];
    getDependenciesList(): string[];
    getParent(): string;
    getReplacementTrigger(): { toJavaScript(): unknown } | undefined;
    getAliasesList(): {
        getUrn(): string;
        getSpec(): { getName(): string; getType(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
    }[];
}

// The docker provider must target the host the program declares; never whatever the developer's shell points at.
for (const variable of ["DOCKER_HOST", "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY", "DOCKER_CONTEXT"]) {
    Reflect.deleteProperty(process.env, variable);
}

export const projectName = "azure-docker-host";
export const mocks = new RecordingMocks();

/** Points the Pulumi runtime at the recording mocks for one stack. Call before declaring resources. */
export async function useMocks(stack: string): Promise<void> {
    // "organization" is what self-managed backends call every organization.
    await pulumi.runtime.setMocks(mocks, projectName, stack, false, "organization");
    // The mocks only see type, name and inputs; the options (protect, replaceOnChanges, ...) are read
    // off the registration request on its way to the mock monitor.
    const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: RegisterResourceRequest, callback: (err: unknown, response: unknown) => void) => {
        mocks.rememberOptions(req.getType(), req.getName(), {
            protect: req.getProtect() ?? false,
            retainOnDelete: req.getRetainondelete() ?? false,
            deleteBeforeReplace: req.getDeletebeforereplace(),
            replaceOnChanges: req.getReplaceonchangesList(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            dependencies: req.getDependenciesList(),
            parent: req.getParent(),
            replacementTrigger: req.getReplacementTrigger()?.toJavaScript(),
            aliases: req.getAliasesList().map((alias): RecordedAlias => {
                const spec = alias.getSpec();
                return spec === undefined
                    ? { urn: alias.getUrn() }
                    : {
                          name: spec.getName(),
                          type: spec.getType(),
                          parentUrn: spec.getParenturn(),
                          noParent: spec.getNoparent(),
                      };
            }),
        });
        return register(req, (err: unknown, response: unknown) => {
            const urn = (response as { getUrn?(): string } | undefined)?.getUrn?.();
            if (urn) {
                mocks.rememberUrn(req.getType(), req.getName(), urn);
            }
            callback(err, response);
        });
    };
}

/** True when a recorded input value was a secret (the engine's wire form of a secret). */
export function isSecretValue(value: unknown): boolean {
    return (
        typeof value === "object" &&
        value !== null &&
        (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
    );
}

/** The plain value inside a recorded input, whether or not it was a secret. */
export function unwrapSecret<T = unknown>(value: unknown): T {
    return (isSecretValue(value) ? (value as { value: unknown }).value : value) as T;
}
