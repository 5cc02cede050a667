import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { configSchema } from "../../config/schema";

const readme = fs.readFileSync(path.resolve(__dirname, "..", "..", "README.md"), "utf8");

/** The README's config table, as config/schema.ts would render it. */
export function configReference(): string {
    const rows = Object.entries(configSchema).map(([key, spec]) => {
        const fallback =
            "default" in spec ? `\`${JSON.stringify(spec.default).replace(/^"(.+)"$/, "$1")}\`` : "(required)";
        return `| \`${key}\` | ${spec.type} | ${fallback} | ${spec.description} |`;
    });
    return ["| key | type | default | description |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

describe("README", () => {
    it("gives the config reference exactly as config/schema.ts (and so Pulumi.yaml) defines it", () => {
        const match = /<!-- config-reference:start[^>]*-->\n([\s\S]*?)\n<!-- config-reference:end -->/.exec(readme);
        assert.ok(match, "the README has no config reference markers");
        assert.strictEqual(match[1], configReference(), "regenerate the table: it has drifted from config/schema.ts");
    });

    it("gives the two commands: pulumi up for the dev stack and npm test", () => {
        assert.match(readme, /^pulumi up --stack dev\b/m);
        assert.match(readme, /^npm test\b/m);
    });

    it("is what CI runs: .ci/run calls npm test", () => {
        const ci = fs.readFileSync(path.resolve(__dirname, "..", "..", ".ci", "run"), "utf8");
        assert.match(ci, /^npm test$/m);
    });
});
