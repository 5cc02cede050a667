/** The engine's marker for a value not known until a dependency is created (a preview). */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** The engine's marker of a secret value, as it travels to a provider that accepts secrets. */
export const secretSignature = "1b47061264138c4ac30d75fd1eb44270";
const signatureKey = "4dabf18193072939515e22adb298388d";

export function isSecret(value: unknown): value is { value: unknown } {
    return (
        typeof value === "object" &&
        value !== null &&
        (value as Record<string, unknown>)[signatureKey] === secretSignature
    );
}

/** The value with every secret wrapper taken off: what Azure itself receives. */
export function reveal<T = unknown>(value: unknown): T {
    if (isSecret(value)) {
        return reveal(value.value);
    }
    if (Array.isArray(value)) {
        return value.map((item) => reveal(item)) as T;
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, reveal(item)])) as T;
    }
    return value as T;
}

export function containsUnknown(value: unknown): boolean {
    if (value === unknownValue) {
        return true;
    }
    if (isSecret(value)) {
        return containsUnknown(value.value);
    }
    if (Array.isArray(value)) {
        return value.some(containsUnknown);
    }
    if (typeof value === "object" && value !== null) {
        return Object.values(value).some(containsUnknown);
    }
    return false;
}

/**
 * The property paths at which two values differ, as `a.b[0].c`, down to the first level where
 * they stop being both objects (or both arrays). An unknown value differs from everything, as the
 * engine treats it. A secret compares by what it holds.
 */
export function changedPaths(olds: unknown, news: unknown, prefix = ""): string[] {
    const old = isSecret(olds) ? olds.value : olds;
    const next = isSecret(news) ? news.value : news;
    if (next === unknownValue) {
        return [prefix];
    }
    if (Array.isArray(old) && Array.isArray(next)) {
        if (old.length !== next.length) {
            return [prefix];
        }
        return next.flatMap((item, index) => changedPaths(old[index], item, `${prefix}[${index}]`));
    }
    if (isPlainObject(old) && isPlainObject(next)) {
        const keys = [...new Set([...Object.keys(old), ...Object.keys(next)])].sort();
        return keys.flatMap((key) => changedPaths(old[key], next[key], prefix ? `${prefix}.${key}` : key));
    }
    return JSON.stringify(old) === JSON.stringify(next) ? [] : [prefix];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Whether a changed path falls under a rule's path (`storageProfile.imageReference`,
 * `dataDisks[*].managedDisk.id`): the change is inside the ruled property, or it replaces a whole
 * object or array that holds it.
 */
export function pathMatches(changed: string, rule: string): boolean {
    const general = changed.replace(/\[\d+\]/g, "[*]");
    const within = (inner: string, outer: string) =>
        inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
    return general === "" || within(general, rule) || within(rule, general);
}

/** Reads a dotted path (`a.b[0].c`) out of a value; undefined where it does not lead. */
export function valueAt(value: unknown, path: string): unknown {
    let current: unknown = isSecret(value) ? value.value : value;
    for (const segment of path.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
        if (current === undefined || current === null) {
            return undefined;
        }
        const key = segment.startsWith("[") ? Number(segment.slice(1, -1)) : segment;
        current = (current as Record<string | number, unknown>)[key];
        current = isSecret(current) ? current.value : current;
    }
    return current;
}
