import * as assert from "assert";
import { ESLint } from "eslint";
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";

const engine = path.resolve(__dirname, "..", "..", "components", "engine");

/** Every module a source file imports or requires. */
function importsOf(source: string): string[] {
    return [...source.matchAll(/(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*)["']([^"']+)["']/g)].map(
        (match) => match[1]!,
    );
}

/** What a file of components/engine may import: Node's built-ins, and the engine's own files. */
function allowed(specifier: string): boolean {
    const bare = specifier.replace(/^node:/, "");
    return builtinModules.includes(bare) || (specifier.startsWith("./") && !specifier.slice(2).includes("/"));
}

describe("components/engine, which Pulumi serializes into the dynamic providers", () => {
    const files = fs.readdirSync(engine).filter((file) => file.endsWith(".ts"));

    it("imports Node's built-ins and its own files only", () => {
        assert.ok(files.length >= 5);
        for (const file of files) {
            const imports = importsOf(fs.readFileSync(path.join(engine, file), "utf8"));
            assert.deepStrictEqual(
                imports.filter((specifier) => !allowed(specifier)),
                [],
                file,
            );
        }
    });

    it("is guarded by the lint rule too, which flags a package and a file outside the folder", async () => {
        const eslint = new ESLint({ cwd: path.resolve(__dirname, "..", "..") });
        for (const source of [
            'import * as pulumi from "@pulumi/pulumi";\nexport const x = pulumi;\n',
            'import { x } from "../pki/bundles";\nexport const y = x;\n',
        ]) {
            const [result] = await eslint.lintText(source, { filePath: path.join(engine, "planted.ts") });
            assert.ok(
                result!.messages.some((message) => message.ruleId === "no-restricted-imports"),
                `not flagged: ${source}`,
            );
        }
        const [clean] = await eslint.lintText(
            'import * as https from "https";\nimport { x } from "./endpoint";\nexport const y = [https, x];\n',
            {
                filePath: path.join(engine, "planted.ts"),
            },
        );
        assert.deepStrictEqual(
            clean!.messages.filter((message) => message.ruleId === "no-restricted-imports"),
            [],
        );
    });
});
