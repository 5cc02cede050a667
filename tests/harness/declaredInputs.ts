/** Text of a base64 input as the program declared it (customData, protected settings, scripts). */
export function decodeBase64(value: unknown): string {
    return Buffer.from(String(value), "base64").toString("utf8");
}

/** The cloud-config object inside user data, the inverse of renderUserData. */
export function parseCloudConfig<T = Record<string, any>>(userData: string): T {
    if (!userData.startsWith("#cloud-config\n")) {
        throw new Error("user data does not start with #cloud-config");
    }
    return JSON.parse(userData.slice("#cloud-config\n".length)) as T;
}

/** The files a daemon configuration script installs: each one's path and content, in order. */
export function scriptFiles(script: string): { path: string; content: string }[] {
    return [...script.matchAll(/<<'ENCODED'\n([\s\S]*?)\nENCODED\ninstall [^\n]* '([^']+)'/g)].map((match) => ({
        path: match[2] ?? "",
        content: decodeBase64(match[1] ?? ""),
    }));
}
