import * as assert from "assert";
import { ESLint } from "eslint";
import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "..", "..");

/** The program's layers, bottom first; config/azure is config's check against Azure, which reads config. */
const layers = ["catalogue", "azure", "config", "components"] as const;
/** What the others may read, and which reads nothing of the project itself. */
const bottom: readonly string[] = ["catalogue", "azure"];

function sourcesUnder(folder: string): string[] {
    return fs
        .readdirSync(path.join(root, folder), { recursive: true, encoding: "utf8" })
        .filter((file) => file.endsWith(".ts"))
        .map((file) => path.join(folder, file));
}

/** The project files a source file imports, as paths from the root (packages and built-ins left out). */
function projectImports(file: string): string[] {
    const source = fs.readFileSync(path.join(root, file), "utf8");
    return [...source.matchAll(/(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*)["'](\.[^"']*)["']/g)].map((match) =>
        path.normalize(path.join(path.dirname(file), match[1]!)),
    );
}

const layerOf = (file: string) => layers.find((layer) => file === layer || file.startsWith(`${layer}/`));

describe("the program's layers", () => {
    const edges = layers.flatMap((layer) =>
        sourcesUnder(layer).flatMap((file) => projectImports(file).map((target) => ({ file, target }))),
    );

    it("point one way: the catalogue and the Azure client import nothing of the project, config and components never each other", () => {
        assert.ok(edges.length > 50, `only ${edges.length} imports read`);
        const crossing = edges.filter(({ file, target }) => {
            const [from, to] = [layerOf(file), layerOf(target)];
            // Into the bottom is the one way across; out of it, or between config and components, is not.
            return from !== to && (bottom.includes(from ?? "") || !bottom.includes(to ?? ""));
        });
        assert.deepStrictEqual(
            crossing.map(({ file, target }) => `${file} -> ${target}`),
            [],
        );
    });

    it("are guarded by the lint too, which flags an import against the grain in each", async () => {
        const eslint = new ESLint({ cwd: root });
        const planted = [
            {
                filePath: "catalogue/planted.ts",
                source: 'import { x } from "../config/errors";\nexport const y = x;\n',
            },
            {
                filePath: "components/host/planted.ts",
                source: 'import { x } from "../../config";\nexport const y = x;\n',
            },
            { filePath: "config/planted.ts", source: 'import { x } from "../components/host";\nexport const y = x;\n' },
            { filePath: "azure/planted.ts", source: 'import { x } from "../config/errors";\nexport const y = x;\n' },
            {
                filePath: "config/azure/planted.ts",
                source: 'import { x } from "../../components/swarm";\nexport const y = x;\n',
            },
        ];
        for (const { filePath, source } of planted) {
            const [result] = await eslint.lintText(source, { filePath: path.join(root, filePath) });
            assert.ok(
                result!.messages.some((message) => message.ruleId === "no-restricted-imports"),
                `not flagged in ${filePath}: ${source}`,
            );
        }
        const [allowed] = await eslint.lintText(
            'import { provisioners } from "../../catalogue/provisioners";\nexport const y = provisioners;\n',
            { filePath: path.join(root, "components/host/planted.ts") },
        );
        assert.deepStrictEqual(
            allowed!.messages.filter((message) => message.ruleId === "no-restricted-imports"),
            [],
        );
    });
});
