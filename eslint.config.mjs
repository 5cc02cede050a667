// @ts-check
import js from "@eslint/js";
import { builtinModules } from "node:module";
import tseslint from "typescript-eslint";

/** Anything but a Node built-in module (with or without `node:`) or a file of the same folder. */
const builtinOrOwn = `^(?!(node:)?(${builtinModules.map((name) => name.replace(/[/]/g, "\\/")).join("|")})$|\\./)`;

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
        // Pulumi serializes the engine client into the dynamic providers' state: anything it imports
        // beyond Node's built-ins would have to be serialized with it, or break on the next update.
        files: ["components/engine/**/*.ts"],
        rules: {
            "no-restricted-imports": [
                "error",
                {
                    patterns: [
                        {
                            regex: builtinOrOwn,
                            message:
                                "components/engine is carried into dynamic providers' state: import Node built-ins and engine files only",
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
