import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
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
    const exports = await loadProgram(config, options);
    return new ProgramRun([...mocks.resources], exports);
}

/** Evaluates index.ts and returns the error it throws; fails if it throws nothing. */
export async function programError(config: Record<string, string>, options: RunOptions = {}): Promise<Error> {
    try {
        await loadProgram(config, options);
    } catch (error) {
        return error as Error;
    }
    throw new Error("the program accepted this config");
}

/** Resources registered by the last evaluation, including one that failed. */
export function registeredResources(): readonly RecordedResource[] {
    return [...mocks.resources];
}

async function loadProgram(config: Record<string, string>, options: RunOptions): Promise<Record<string, unknown>> {
    await useMocks(options.stack ?? "dev");
    mocks.reset();
    mocks.realTls = options.realTls ?? false;
    options.prepare?.();
    pulumi.runtime.setAllConfig(
        Object.fromEntries(Object.entries(config).map(([key, value]) => [`${projectName}:${key}`, value])),
    );
    forgetProjectModules();
    // A failure inside an apply or a registration surfaces only as an unhandled rejection; under
    // `pulumi up` it fails the deployment, so here it fails the run.
    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    let exports: Record<string, unknown>;
    try {
        exports = require(path.join(projectRoot, "index")) as Record<string, unknown>;
    } finally {
        await waitForRegistrations();
        await new Promise((resolve) => setImmediate(resolve));
        process.off("unhandledRejection", onRejection);
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
