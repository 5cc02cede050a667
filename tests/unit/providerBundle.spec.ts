import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { providerBundle } from "../../components/dynamic/providerBundle";
import { registeredResources, runProgram, validConfig } from "../harness/program";

const dynamicType = /^pulumi-nodejs:dynamic\/azure-docker-host:/;

/** The module Pulumi's dynamic-provider host loads `__provider` with: its own dependency. */
const requireFromString = require(
    require.resolve("require-from-string", { paths: [require.resolve("@pulumi/pulumi")] }),
) as (code: string) => { handler(): Record<string, unknown> };

/** What the host does with `__provider`: load it from the string, then call handler(). */
function loadAsTheHostDoes(code: string): Record<string, unknown> {
    return requireFromString(code).handler();
}

describe("the dynamic resources' code in state (providerBundle)", function () {
    this.timeout(60_000);

    it("gives every dynamic resource of a swarm stack a provider the host can load, needing only Node's built-ins", async () => {
        const run = await runProgram(validConfig({ swarmWorkers: "2" }));
        const dynamic = run.resources.filter((resource) => dynamicType.test(resource.type));
        const kinds = new Set(dynamic.map((resource) => resource.type));
        assert.ok(kinds.size >= 5, `only ${[...kinds].join(", ")}`);
        for (const resource of dynamic) {
            const code = String(resource.inputs.__provider);
            assert.doesNotMatch(code, /require\("(?!node:)[^"]*[/@][^"]*"\)/, `${resource.type} requires a package`);
            const provider = loadAsTheHostDoes(code);
            assert.strictEqual(typeof provider.create, "function", resource.type);
            assert.strictEqual(typeof provider.diff, "function", resource.type);
        }
        assert.strictEqual(registeredResources().length, run.resources.length);
    });

    it("is the same text on every evaluation, so an unchanged program shows no change", async () => {
        const first = await runProgram(validConfig());
        const again = await runProgram(validConfig());
        const codeOf = (resources: typeof first.resources) =>
            resources.filter((r) => dynamicType.test(r.type)).map((r) => [r.type, r.inputs.__provider]);
        assert.deepStrictEqual(codeOf(again.resources), codeOf(first.resources));
        assert.doesNotMatch(String(codeOf(first.resources)), new RegExp(path.resolve(__dirname, "..", "..")));
    });

    it("refuses a provider module that imports a package, naming it, since the host has none to give it", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "provider-bundle-"));
        const module = path.join(dir, "leaky.ts");
        fs.writeFileSync(module, 'import { parse } from "yaml";\nexport const handler = () => ({ parse });\n');
        try {
            await assert.rejects(
                providerBundle(module),
                /leaky\.ts imports yaml: a dynamic provider may import Node's built-ins/,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
