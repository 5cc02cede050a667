import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { ArmStandIn, standInSubscription, standInToken } from "./armStandIn";
import { mocks, projectName, RecordedResource, useMocks } from "./mocks";

const projectRoot = path.resolve(__dirname, "..", "..");

/** A complete, valid config for a stack; tests override single keys. */
export function validConfig(overrides: Record<string, string> = {}): Record<string, string> {
    return {
        location: "eastasia",
        allowedSourceRanges: JSON.stringify(["203.0.113.7/32", "198.51.100.0/24"]),
        ...overrides,
    };
}

/** The outputs and registrations of one evaluation of index.ts under mocks. */
export class ProgramRun {
    constructor(
        readonly resources: readonly RecordedResource[],
        readonly exports: Record<string, unknown>,
        /** What the program logged through pulumi.log (info and warnings), in order. */
        readonly messages: readonly string[] = [],
    ) {}

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((resource) => resource.type === type);
    }

    /** The one resource of this type and logical name; fails when there is none or several. */
    one(type: string, name: string): RecordedResource {
        const found = this.resources.filter((resource) => resource.type === type && resource.name === name);
        if (found.length !== 1) {
            const names = this.ofType(type).map((resource) => resource.name);
            throw new Error(
                `expected one ${type} named ${name}, found ${found.length} (of this type: ${names.join(", ") || "none"})`,
            );
        }
        return found[0] as RecordedResource;
    }

    /** A stack output's value (unknowns and secrets resolved). */
    async output<T = unknown>(name: string): Promise<T> {
        const value = this.exports[name];
        if (value === undefined) {
            return undefined as T;
        }
        return resolve(pulumi.output(value)) as Promise<T>;
    }

    async outputIsSecret(name: string): Promise<boolean> {
        const value = this.exports[name];
        return value !== undefined && pulumi.isSecret(pulumi.output(value));
    }
}

/** The plain value of an Output, once every registration it depends on has been answered. */
export function resolve<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((done) => output.apply((value) => done(value)));
}

export interface RunOptions {
    readonly stack?: string;
    /** This stack's outputs from a previous `pulumi up`, as the engine would return them. */
    readonly previousOutputs?: Record<string, unknown>;
    /** Shapes Resource Manager's answers (catalogue, faults) for this run; it is reset afterwards. */
    readonly arm?: (standIn: ArmStandIn) => void;
    /** Real keys and certificates for the `tls:` resources, made from the program's declared inputs. */
    readonly realTls?: boolean;
    /** Prepared before the program runs, e.g. computed-output overrides. */
    readonly prepare?: () => void;
}

/**
 * Evaluates index.ts afresh under mocks with this project config (keys without the project
 * prefix) and waits until every resource is registered. Pulumi.yaml's defaults are not applied
 * here, exactly as under `pulumi up` they would be: the config module carries its own defaults.
 */
export async function runProgram(config: Record<string, string>, options: RunOptions = {}): Promise<ProgramRun> {
    const messages: string[] = [];
    const exports = await loadProgram(config, options, messages);
    return new ProgramRun([...mocks.resources], exports, messages);
}

let standIn: Promise<ArmStandIn> | undefined;

/** The one Resource Manager stand-in of this test process, started on first use. */
export function armStandIn(): Promise<ArmStandIn> {
    standIn ??= ArmStandIn.start();
    return standIn;
}

/** Evaluates index.ts and returns the error it throws; fails if it throws nothing. */
export async function programError(config: Record<string, string>, options: RunOptions = {}): Promise<Error> {
    try {
        await loadProgram(config, options, []);
    } catch (error) {
        return error as Error;
    }
    throw new Error("the program accepted this config");
}

/** Resources registered by the last evaluation, including one that failed. */
export function registeredResources(): readonly RecordedResource[] {
    return [...mocks.resources];
}

/**
 * Keys without a namespace are this project's; `azure-native:...` and the like are passed as they
 * are. Unless the test says otherwise, the azure-native provider's cloud is the Resource Manager
 * stand-in (its metadata host), so the preflight makes real HTTPS calls with the real client.
 */
async function loadProgram(
    config: Record<string, string>,
    options: RunOptions,
    messages: string[],
): Promise<Record<string, unknown>> {
    await useMocks(options.stack ?? "dev");
    mocks.reset();
    mocks.realTls = options.realTls ?? false;
    mocks.previousOutputs = options.previousOutputs ?? {};
    mocks.identity = { token: standInToken, subscriptionId: standInSubscription };
    const arm = await armStandIn();
    arm.reset();
    options.arm?.(arm);
    options.prepare?.();
    const providerDefaults = { "azure-native:metadataHost": arm.url };
    pulumi.runtime.setAllConfig({
        ...providerDefaults,
        ...Object.fromEntries(
            Object.entries(config).map(([key, value]) => [key.includes(":") ? key : `${projectName}:${key}`, value]),
        ),
    });
    forgetProjectModules();
    // A failure inside an apply or a registration surfaces only as an unhandled rejection; under
    // `pulumi up` it fails the deployment, so here it fails the run.
    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    // Without an engine, pulumi.log writes `info: [runtime] ...` to the console; keep those lines.
    const consoleLog = console.log;
    const consoleWarn = console.warn;
    const capture =
        (write: (...args: unknown[]) => void) =>
        (...args: unknown[]) => {
            const line = args.map(String).join(" ");
            const logged = /^(info|warning): \[runtime\] ([\s\S]*)$/.exec(line);
            if (logged) {
                messages.push(`${logged[1]}: ${logged[2]}`);
            } else {
                write(...args);
            }
        };
    console.log = capture(consoleLog);
    console.warn = capture(consoleWarn);
    let exports: Record<string, unknown>;
    try {
        // index.ts exports the program as an async function, which Pulumi calls and awaits.
        const program = require(path.join(projectRoot, "index")) as () => Promise<Record<string, unknown>>;
        exports = await program();
    } finally {
        await waitForRegistrations();
        await new Promise((resolve) => setImmediate(resolve));
        process.off("unhandledRejection", onRejection);
        console.log = consoleLog;
        console.warn = consoleWarn;
    }
    if (failures.length > 0) {
        // One failure echoes through every output that depends on it; say each distinct one once.
        const distinct = [...new Set(failures.map(String))];
        throw new Error(`the program failed while registering resources: ${distinct.slice(0, 3).join("; ")}`);
    }
    return exports;
}

/** Drops the project's own modules from the require cache so index.ts runs again from the top. */
function forgetProjectModules(): void {
    for (const file of Object.keys(require.cache)) {
        if (
            file.startsWith(projectRoot) &&
            !file.includes(`${path.sep}node_modules${path.sep}`) &&
            !file.includes(`${path.sep}tests${path.sep}`)
        ) {
            // require.cache is Node's module map; deleting an entry is how a module is loaded anew.
            // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
            delete require.cache[file];
        }
    }
}

/** Resolves when the SDK has no registration in flight. Not in the public typings, but exported. */
export async function waitForRegistrations(): Promise<void> {
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}
