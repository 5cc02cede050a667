import { spawnSync } from "child_process";
import * as path from "path";

export const projectRoot = path.resolve(__dirname, "..", "..", "..");
/** The stand-ins (provider plugins, the Azure CLI), put first on the lifecycle's PATH. */
export const standInPlugins = path.join(projectRoot, "tests", "lifecycle", "standins");
/** Where npm's @pulumi/pulumi keeps pulumi-resource-pulumi-nodejs, the host of dynamic providers. */
export const dynamicProviderHost = path.join(projectRoot, "node_modules", "@pulumi", "pulumi");

export interface Toolchain {
    /** Folders to put first on PATH, in order. */
    readonly path: readonly string[];
    /** Where the CLI came from, for the report. */
    readonly origin: "path" | "built";
}

/**
 * The Pulumi CLI the lifecycle runs: the user's own where one is on PATH, otherwise the one
 * scripts/pulumi-toolchain.sh builds from the Go module proxy (with its language host and the tls
 * and random providers). The stand-in plugins come first either way.
 */
export function pulumiToolchain(): Toolchain {
    // A toolchain built elsewhere (a folder of the same binaries), for a machine that has one.
    const prebuilt = process.env.ADH_PULUMI_TOOLCHAIN;
    if (prebuilt) {
        return {
            path: [standInPlugins, ...prebuilt.split(":"), dynamicProviderHost, path.dirname(process.execPath)],
            origin: "built",
        };
    }
    const own = spawnSync("sh", ["-c", "command -v pulumi"], { encoding: "utf8" });
    if (own.status === 0 && process.env.ADH_LIFECYCLE_BUILD_PULUMI !== "1") {
        return { path: [standInPlugins, dynamicProviderHost, path.dirname(process.execPath)], origin: "path" };
    }
    const built = spawnSync("bash", [path.join(projectRoot, "scripts", "pulumi-toolchain.sh")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    if (built.status !== 0) {
        throw new Error("scripts/pulumi-toolchain.sh failed; see its output above");
    }
    return {
        path: [standInPlugins, built.stdout.trim(), dynamicProviderHost, path.dirname(process.execPath)],
        origin: "built",
    };
}
