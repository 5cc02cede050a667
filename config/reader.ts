import { ConfigProblem } from "./errors";
import { ConfigKey, configSchema } from "./schema";

/** Raw access to one stack's config: the string Pulumi holds for a key, or undefined when unset. */
export type RawConfig = (key: ConfigKey) => string | undefined;

/**
 * Reads keys with the schema's defaults applied in one place, and collects problems instead of
 * throwing at the first, so one run reports everything wrong with a stack.
 */
export class ConfigReader {
    readonly problems: ConfigProblem[] = [];

    constructor(private readonly raw: RawConfig) {}

    report(key: ConfigKey, value: string | undefined, accepted: string, hint?: string): void {
        this.problems.push(hint === undefined ? { key, value, accepted } : { key, value, accepted, hint });
    }

    /** The configured string, or the schema's default; undefined only for keys with no default. */
    string(key: ConfigKey): string | undefined {
        const value = this.raw(key);
        if (value !== undefined) {
            return value;
        }
        const spec = configSchema[key];
        return "default" in spec ? String(spec.default) : undefined;
    }

    /** A whole number within [min, max], or the default when the value is unusable (a problem is recorded). */
    integer(key: ConfigKey, min: number, max: number): number {
        const fallback = Number((configSchema[key] as { default?: number }).default ?? min);
        const text = this.raw(key);
        if (text === undefined) {
            return fallback;
        }
        const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
        if (!Number.isSafeInteger(value) || value < min || value > max) {
            this.report(key, text, `a whole number from ${min} to ${max}`);
            return fallback;
        }
        return value;
    }

    /** true or false; Pulumi stores booleans set with `pulumi config set` as strings. */
    boolean(key: ConfigKey): boolean {
        const text = this.string(key) ?? "";
        if (text !== "true" && text !== "false") {
            this.report(key, text, "true or false");
            return Boolean((configSchema[key] as { default?: boolean }).default);
        }
        return text === "true";
    }

    /** One of a fixed set of words. */
    oneOf<T extends string>(key: ConfigKey, accepted: readonly T[]): T {
        const text = this.string(key) ?? "";
        const match = accepted.find((candidate) => candidate === text.trim());
        if (match === undefined) {
            this.report(key, text, `one of ${accepted.join(", ")}`);
            return accepted[0] as T;
        }
        return match;
    }

    /**
     * A list of strings. `pulumi config set --path 'key[0]' x` stores a JSON array; a plain
     * `pulumi config set key a,b` stores a string, read here as a comma-separated list.
     */
    list(key: ConfigKey): string[] | undefined {
        const text = this.raw(key);
        if (text === undefined) {
            const spec = configSchema[key] as { default?: readonly string[] };
            return spec.default === undefined ? undefined : [...spec.default];
        }
        if (text.trim().startsWith("[")) {
            try {
                const parsed: unknown = JSON.parse(text);
                if (Array.isArray(parsed) && parsed.every((item) => typeof item === "string")) {
                    return parsed.map((item) => item.trim());
                }
            } catch {
                // Reported below as a malformed list.
            }
            this.report(key, text, `a list of strings, e.g. set with \`pulumi config set --path '${key}[0]' value\``);
            return [];
        }
        return text
            .split(",")
            .map((item) => item.trim())
            .filter((item) => item.length > 0);
    }
}
