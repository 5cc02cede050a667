// @ts-check
import js from "@eslint/js";
import { builtinModules } from "node:module";
import tseslint from "typescript-eslint";

const builtins = builtinModules.map((name) => name.replace(/[/]/g, "\\/")).join("|");
/** Anything but a Node built-in module (with or without `node:`) or a file of the same folder. */
const builtinOrOwn = `^(?!(node:)?(${builtins})$|\\./)`;
/** Anything but a Node built-in module or a file of the project. */
const builtinOrProject = `^(?!(node:)?(${builtins})$|\\.\\.?/)`;

export default tseslint.config(
    { ignores: ["node_modules/", "dist/", ".tools/", ".bench/"] },
    js.configs.recommended,
    ...tseslint.configs.strict,
    {
        // The bin entry is plain CommonJS run by Node itself, before any TypeScript is loaded.
        files: ["bin/**/*.js"],
        languageOptions: {
            sourceType: "commonjs",
            globals: { require: "readonly", process: "readonly", __dirname: "readonly", module: "readonly" },
        },
    },
    {
        languageOptions: { parserOptions: { projectService: false } },
        rules: {
            "no-var": "error",
            "prefer-const": "error",
            eqeqeq: ["error", "always"],
            "@typescript-eslint/no-explicit-any": "error",
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
        },
    },
    {
        // The catalogue is the bottom layer: config, components and the CLI read it.
        files: ["catalogue/**/*.ts"],
        rules: {
            "no-restricted-imports": [
                "error",
                {
                    patterns: [
                        {
                            regex: "^\\.\\./",
                            message: "catalogue/ imports nothing of the project: it is the layer below all",
                        },
                    ],
                },
            ],
        },
    },
    {
        // The Azure client serves the preflight and the tool alike: it knows neither.
        files: ["azure/**/*.ts"],
        rules: {
            "no-restricted-imports": [
                "error",
                {
                    patterns: [
                        {
                            regex: "^\\.\\./",
                            message: "azure/ imports nothing of the project: config/azure and cli/ both use it",
                        },
                    ],
                },
            ],
        },
    },
    {
        // Components take Pulumi inputs; stack.ts alone turns config into them.
        files: ["components/**/*.ts"],
        rules: {
            "no-restricted-imports": [
                "error",
                {
                    patterns: [
                        {
                            regex: "(^|/)config(/|$)",
                            message: "components/ never import config/: stack.ts passes them values",
                        },
                    ],
                },
            ],
        },
    },
    {
        // Config is read and checked below the components; what both need lives in catalogue/.
        files: ["config/**/*.ts"],
        rules: {
            "no-restricted-imports": [
                "error",
                {
                    patterns: [
                        {
                            regex: "(^|/)components(/|$)",
                            message: "config/ never imports components/: share through catalogue/",
                        },
                    ],
                },
            ],
        },
    },
    {
        // The dynamic providers are bundled into their resources' state with the engine client, and
        // run from there by Pulumi's dynamic-provider host: a package they import would not be in the
        // bundle (providerBundle refuses it), only Node's built-ins and the project's own files.
        files: ["components/engine/**/*.ts"],
        rules: {
            "no-restricted-imports": [
                "error",
                {
                    patterns: [
                        {
                            regex: builtinOrOwn,
                            message:
                                "components/engine is bundled into dynamic providers' state: import Node built-ins and engine files only",
                        },
                    ],
                },
            ],
        },
    },
    {
        // Types are erased before bundling: a provider may name the SDK's types, never its code.
        files: ["components/**/*Provider.ts", "components/dynamic/reconciled.ts"],
        rules: {
            "@typescript-eslint/no-restricted-imports": [
                "error",
                {
                    patterns: [
                        {
                            regex: builtinOrProject,
                            allowTypeImports: true,
                            message:
                                "a dynamic provider is bundled into state: import Node built-ins and the project's own files only",
                        },
                    ],
                },
            ],
        },
    },
    {
        files: ["tests/**/*.ts"],
        rules: {
            // Mocked inputs arrive as untyped property bags.
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-non-null-assertion": "off",
        },
    },
);
