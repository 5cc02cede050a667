import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { configReference, readmeConfigReference } from "../../scripts/configReference";

const readme = fs.readFileSync(path.resolve(__dirname, "..", "..", "README.md"), "utf8");

describe("README", () => {
    it("gives the config reference exactly as config/schema.ts (and so Pulumi.yaml) defines it", () => {
        const table = readmeConfigReference(readme);
        assert.ok(table !== undefined, "the README has no config reference markers");
        assert.strictEqual(table, configReference(), "the table has drifted from config/schema.ts: run npm run docs");
    });

    it("gives the two commands: pulumi up for the dev stack and npm test", () => {
        assert.match(readme, /^pulumi up --stack dev\b/m);
        assert.match(readme, /^npm test\b/m);
    });

    it("has the sections an operator needs", () => {
        const headings = [...readme.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
        for (const section of [
            "Architecture",
            "Quick start",
            "Connecting with docker",
            "SSH",
            "Stacks: one per region",
            "Configuration",
            "Provisioners, and switching between them",
            "Rotating certificates",
            "Destroying safely",
            "What it costs",
            "Troubleshooting",
        ]) {
            assert.ok(headings.includes(section), `no "## ${section}" section`);
        }
        assert.match(readme, /```mermaid\nflowchart/);
        assert.match(readme, /pulumi config set --stack dev --path 'allowedSourceRanges\[0\]'/);
    });

    it("gives the test commands CI runs, and those commands run every spec", () => {
        const ci = fs.readFileSync(path.resolve(__dirname, "..", "..", ".ci", "run"), "utf8");
        for (const [command, script] of [
            ["npm test", "test"],
            ["npm run test:lifecycle", "test:lifecycle"],
        ]) {
            assert.match(readme, new RegExp(`^${command}\\s`, "m"), `the README does not give ${command}`);
            assert.match(ci, new RegExp(`^(\\S+=\\S+ )?${command}$`, "m"), `.ci/run does not run ${command}`);
            assert.ok(
                script! in
                    JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "package.json"), "utf8")).scripts,
            );
        }
        const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "package.json"), "utf8"));
        const globs = ["test", "test:lifecycle"].flatMap((script) =>
            [...String(pkg.scripts[script]).matchAll(/"([^"]+)"/g)].map((match) => match[1]!),
        );
        const specs = listSpecs(path.resolve(__dirname, ".."));
        const run = specs.filter((spec) => globs.some((glob) => path.matchesGlob(spec, glob)));
        assert.deepStrictEqual(
            specs.filter((spec) => !run.includes(spec)),
            [],
            "specs neither npm test nor npm run test:lifecycle runs",
        );
    });
});

/** Every *.spec.ts under tests/, as paths relative to the project (the form package.json's globs take). */
function listSpecs(directory: string): string[] {
    return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(directory, entry.name);
        if (entry.isDirectory()) {
            return listSpecs(full);
        }
        return entry.name.endsWith(".spec.ts") ? [path.relative(path.resolve(__dirname, "..", ".."), full)] : [];
    });
}
