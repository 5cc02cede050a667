import "../harness/mocks";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { loadStackConfig } from "../../config";
import { configSchema } from "../../config/schema";

const root = path.resolve(__dirname, "..", "..");
const project = "azure-docker-host";
const readYaml = (file: string) => parse(fs.readFileSync(path.join(root, file), "utf8")) as Record<string, any>;

const stackFiles = fs.readdirSync(root).filter((file) => /^Pulumi\.[^.]+\.yaml$/.test(file));

describe("Pulumi.yaml", () => {
    const projectFile = readYaml("Pulumi.yaml");
    const declared = Object.entries(projectFile.config as Record<string, any>).filter(([key]) => !key.includes(":"));

    it("declares exactly the keys the config module reads, with their type, description and default", () => {
        const fromYaml = Object.fromEntries(declared);
        const fromSchema = Object.fromEntries(
            Object.entries(configSchema).map(([key, spec]) => [
                key,
                {
                    type: spec.type,
                    ...(spec.type === "array" ? { items: { type: "string" } } : {}),
                    description: spec.description,
                    ...("default" in spec ? { default: spec.default } : {}),
                },
            ]),
        );
        assert.deepStrictEqual(fromYaml, fromSchema);
    });

    it("turns off the default docker provider so nothing targets a local socket", () => {
        assert.deepStrictEqual(projectFile.config["pulumi:disable-default-providers"], { value: ["docker"] });
    });

    it("runs the program transpile-only with a local state backend", () => {
        assert.deepStrictEqual(projectFile.runtime, {
            name: "nodejs",
            options: { typescript: true, packagemanager: "npm" },
        });
        const tsconfig = JSON.parse(fs.readFileSync(path.join(root, "tsconfig.json"), "utf8"));
        assert.strictEqual(tsconfig.compilerOptions.noCheck, true, "pulumi up would type-check azure-native");
        assert.strictEqual(projectFile.backend.url, "file://~");
    });
});

describe("stack files", () => {
    it("are the stacks the README's table lists, with the same region, provisioner and VM size", () => {
        const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
        const section = readme.slice(readme.indexOf("## Stacks: one per region"));
        const rows = [...section.matchAll(/^\| `([^`]+)` +\| (\S+) +\| `([^`]+)` +\| (\S+) +\|$/gm)].map((match) => ({
            stack: match[1],
            location: match[2],
            provisioner: match[3],
            vmSize: match[4],
        }));
        const files = stackFiles.map((file) => {
            const config = readYaml(file).config as Record<string, unknown>;
            const value = (key: string) =>
                String(
                    config[`${project}:${key}`] ??
                        (configSchema as Record<string, { default?: unknown }>)[key]?.default,
                );
            return {
                stack: file.split(".")[1],
                location: value("location"),
                provisioner: value("provisioner"),
                vmSize: value("vmSize"),
            };
        });
        assert.ok(files.length >= 3, "one stack per region: dev and at least two more");
        assert.deepStrictEqual(
            rows.sort((a, b) => String(a.stack).localeCompare(String(b.stack))),
            files.sort((a, b) => String(a.stack).localeCompare(String(b.stack))),
        );
        assert.strictEqual(new Set(files.map((file) => file.location)).size, files.length, "two stacks share a region");
    });

    for (const file of stackFiles) {
        describe(file, () => {
            const stack = file.split(".")[1] as string;
            const values = readYaml(file).config as Record<string, unknown>;
            const ownKeys = Object.keys(values).filter((key) => key.startsWith(`${project}:`));

            it("only sets keys Pulumi.yaml declares", () => {
                const unknown = ownKeys
                    .map((key) => key.slice(project.length + 1))
                    .filter((key) => !(key in configSchema));
                assert.deepStrictEqual(unknown, []);
            });

            it("passes validation once the operator's source range is set, as the quick start says", () => {
                const raw = (key: string): string | undefined => {
                    if (key === "allowedSourceRanges") {
                        return JSON.stringify(["203.0.113.7/32"]);
                    }
                    const value = values[`${project}:${key}`];
                    return value === undefined ? undefined : String(value);
                };
                const config = loadStackConfig(raw, { project, stack });
                assert.strictEqual(config.network.location, values[`${project}:location`]);
            });

            it("leaves the source range to the operator, whose first run says how to set it", () => {
                const raw = (key: string) =>
                    key === "allowedSourceRanges" ? undefined : (values[`${project}:${key}`] as string | undefined);
                assert.throws(
                    () => loadStackConfig(raw, { project, stack }),
                    new RegExp(`pulumi config set --stack ${stack} --path 'allowedSourceRanges\\[0\\]'`),
                );
            });
        });
    }
});
