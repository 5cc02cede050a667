import { builtinModules } from "module";
import * as path from "path";

const projectRoot = path.resolve(__dirname, "..", "..");

/**
 * Node's built-in modules, by both spellings: the only modules a provider's code may leave to the
 * dynamic-provider host, which runs it from the state with no node_modules of its own to rely on.
 */
const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

const bundles = new Map<string, Promise<string>>();

/**
 * The code Pulumi keeps in a dynamic resource's `__provider`: the provider module, with every
 * module of ours it imports, bundled by esbuild into one CommonJS module whose `handler()` returns
 * the provider. Pulumi's dynamic-provider host loads it with require-from-string, as it loads
 * what the SDK's closure serializer writes. Bundling takes milliseconds where the serializer took
 * most of an evaluation (it loads TypeScript and walks every function through the inspector), and
 * the code in state is the module as written, not a rewrite of its closures. Each module is
 * bundled once per evaluation.
 */
export function providerBundle(modulePath: string): Promise<string> {
    let bundle = bundles.get(modulePath);
    if (bundle === undefined) {
        bundle = bundleModule(modulePath);
        bundles.set(modulePath, bundle);
    }
    return bundle;
}

async function bundleModule(modulePath: string): Promise<string> {
    // Loaded on first use: a program without dynamic resources never starts esbuild.
    const esbuild = await import("esbuild");
    const result = await esbuild.build({
        entryPoints: [modulePath],
        bundle: true,
        write: false,
        platform: "node",
        format: "cjs",
        target: "node22",
        // Paths in the bundle's comments are relative to the project, so the code in state is the
        // same on every machine that runs the program.
        absWorkingDir: projectRoot,
        packages: "external",
        legalComments: "none",
        logLevel: "silent",
        metafile: true,
    });
    const [output] = result.outputFiles;
    if (output === undefined) {
        throw new Error(`esbuild produced no bundle for ${path.relative(projectRoot, modulePath)}`);
    }
    const leftOut = Object.values(result.metafile.outputs)
        .flatMap((out) => out.imports.map((imported) => imported.path))
        .filter((imported) => !builtins.has(imported));
    if (leftOut.length > 0) {
        throw new Error(
            `${path.relative(projectRoot, modulePath)} imports ${[...new Set(leftOut)].join(", ")}: a dynamic provider ` +
                "may import Node's built-ins and this project's own modules only, since it runs from the state",
        );
    }
    return output.text;
}
