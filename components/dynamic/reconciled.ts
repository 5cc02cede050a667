import type * as pulumi from "@pulumi/pulumi";
import type { DialInputs } from "../engine";

/**
 * The one shape of this program's dynamic resources: each one reconciles something on a Docker
 * daemon (a pids limit, a file in a volume, the swarm's membership) with its inputs. The provider
 * this returns lives in a `*Provider.ts` module, bundled with what it imports into the state
 * (providerBundle.ts), so the spec's functions may use Node's built-ins and components/engine only.
 */
export interface ReconciledSpec<Inputs, Outputs> {
    /**
     * Inputs that name what is managed: a change means another thing (another container, another
     * file), so the resource is replaced and its id follows the new one.
     */
    readonly identity: readonly (keyof Inputs & keyof Outputs)[];
    /** Inputs whose change makes an update apply them again to the same thing. */
    readonly compared: readonly (keyof Inputs & keyof Outputs)[];
    /** Changes beyond the compared inputs (a digest of a secret, say), from what the state holds. */
    changed?(olds: Outputs, news: Inputs): boolean;
    /** The id of what `apply` made or reconciled. */
    idOf(outputs: Outputs): string;
    /** Makes the thing as the inputs say; what it returns is the state. */
    apply(inputs: Inputs, previous?: Outputs): Promise<Outputs>;
    /**
     * The thing as it is now, for `pulumi refresh`: the state with what was found, or undefined
     * when it is gone. Without it, refresh keeps the state as it is.
     */
    observe?(id: string, state: Outputs): Promise<Outputs | undefined>;
    /** Undoes the thing when the resource goes; without it, nothing is left to undo. */
    remove?(id: string, state: Outputs): Promise<void>;
}

export function reconciledProvider<Inputs extends object, Outputs extends object>(
    spec: ReconciledSpec<Inputs, Outputs>,
): pulumi.dynamic.ResourceProvider<Inputs, Outputs> {
    const changedKeys = (olds: Outputs, news: Inputs, keys: readonly (keyof Inputs & keyof Outputs)[]) =>
        keys.filter((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));
    const provider: pulumi.dynamic.ResourceProvider<Inputs, Outputs> = {
        async create(inputs) {
            const outs = await spec.apply(inputs);
            return { id: spec.idOf(outs), outs };
        },
        async diff(_id, olds, news) {
            const replaces = changedKeys(olds, news, spec.identity).map(String);
            const updates = changedKeys(olds, news, spec.compared);
            const extra = spec.changed?.(olds, news) ?? false;
            return {
                changes: replaces.length > 0 || updates.length > 0 || extra,
                replaces,
                // A replacement makes the thing anew; the old one needs nothing undone first.
                deleteBeforeReplace: false,
            };
        },
        async update(_id, olds, news) {
            return { outs: await spec.apply(news, olds) };
        },
    };
    if (spec.observe) {
        const observe = spec.observe;
        provider.read = async (id, props) => {
            const found = await observe(id, props as Outputs);
            return found === undefined ? { id: "", props: {} as Outputs } : { id, props: found };
        };
    }
    if (spec.remove) {
        const remove = spec.remove;
        provider.delete = (id, props) => remove(id, props);
    }
    return provider;
}

/**
 * The dial inputs, as every resource keeps them in its state (the key a secret, through the
 * resource's additionalSecretOutputs): `pulumi refresh` reads the daemon with them.
 */
export function dialState(inputs: DialInputs): DialInputs {
    return {
        host: inputs.host,
        port: inputs.port,
        caCertPem: inputs.caCertPem,
        clientCertPem: inputs.clientCertPem,
        clientKeyPem: inputs.clientKeyPem,
    };
}

/** Whether a state can dial its daemon: states written by earlier releases kept no key. */
export function canDial(state: Partial<DialInputs>): state is DialInputs {
    return Boolean(state.host && state.port && state.caCertPem && state.clientCertPem && state.clientKeyPem);
}
