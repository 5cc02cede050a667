/**
 * Renders the README's config reference from config/schema.ts, the one source Pulumi.yaml is also
 * checked against. `npm run docs` rewrites the table in place; a test fails when it has drifted.
 */
import * as fs from "fs";
import * as path from "path";
import { configSchema } from "../config/schema";

export const readmePath = path.resolve(__dirname, "..", "README.md");
const block = /(<!-- config-reference:start[^>]*-->\n)([\s\S]*?)(\n<!-- config-reference:end -->)/;

export function configReference(): string {
    const rows = Object.entries(configSchema).map(([key, spec]) => {
        const fallback =
            "default" in spec ? `\`${JSON.stringify(spec.default).replace(/^"(.+)"$/, "$1")}\`` : "(required)";
        return `| \`${key}\` | ${spec.type} | ${fallback} | ${spec.description} |`;
    });
    return ["| key | type | default | description |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

/** The table as the README holds it now, or undefined when the markers are missing. */
export function readmeConfigReference(readme: string): string | undefined {
    return block.exec(readme)?.[2];
}

if (require.main === module) {
    const readme = fs.readFileSync(readmePath, "utf8");
    if (readmeConfigReference(readme) === undefined) {
        throw new Error("README.md has no config-reference markers");
    }
    fs.writeFileSync(
        readmePath,
        readme.replace(block, (_, start: string, _old: string, end: string) => `${start}${configReference()}${end}`),
    );
    console.log("README.md config reference regenerated");
}
