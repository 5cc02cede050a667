import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { azureDockerHostPolicies } from "../../policy/policies/all";
import { secret } from "../harness/policy/sdkInternals";

const projectRoot = path.resolve(__dirname, "..", "..");
const packDir = path.join(projectRoot, "policy");
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));

// The engine's side of the conversation: the analyzer protocol as @pulumi/pulumi ships it, and the
// gRPC and protobuf runtimes it depends on (resolved from it, as they are not ours to declare).
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = (id: string) => require(require.resolve(id, { paths: [pulumiDir] }));
const grpc = fromPulumi("@grpc/grpc-js");
const { AnalyzerClient } = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const { AnalyzeRequest, AnalyzerResourceOptions } = require("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb");
const { Empty } = fromPulumi("google-protobuf/google/protobuf/empty_pb");

/** Enforcement levels as the analyzer protocol numbers them. */
const mandatory = 1;
const remediate = 3;

describe("policy pack", () => {
    it("depends on the exact @pulumi/policy and @pulumi/pulumi the project uses", () => {
        const root = readJson(path.join(projectRoot, "package.json"));
        const pack = readJson(path.join(packDir, "package.json"));
        assert.deepStrictEqual(pack.dependencies, {
            "@pulumi/policy": root.devDependencies["@pulumi/policy"],
            "@pulumi/pulumi": root.dependencies["@pulumi/pulumi"],
        });
        assert.match(pack.version, /^\d+\.\d+\.\d+$/, "PolicyPack reads its version from package.json");
        const manifest = parse(fs.readFileSync(path.join(packDir, "PulumiPolicy.yaml"), "utf8"));
        assert.strictEqual(manifest.runtime, "nodejs");
        assert.ok(manifest.description);
    });

    it("holds uniquely named policies, each blocking", () => {
        const policies = azureDockerHostPolicies();
        assert.strictEqual(new Set(policies.map((policy) => policy.name)).size, policies.length);
        for (const policy of policies) {
            // "remediate" is reported as mandatory; it is how a policy gets to see secrets.
            assert.ok(["mandatory", "remediate"].includes(String(policy.enforcementLevel)), policy.name);
        }
    });

    describe("served as `pulumi preview --policy-pack policy` serves it", () => {
        let pack: ChildProcess;
        let client: any;
        const call = (method: string, request: unknown): Promise<any> =>
            new Promise((resolve, reject) =>
                client[method](request, (error: unknown, response: unknown) =>
                    error ? reject(error) : resolve(response),
                ),
            );

        before(async function () {
            // The CLI runs run-policy-pack in the pack's folder, which type-checks index.ts with its tsconfig.
            this.timeout(120_000);
            const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
            pack = spawn(process.execPath, [runner, "127.0.0.1:0", "."], { cwd: packDir });
            let errors = "";
            pack.stderr?.on("data", (chunk) => (errors += chunk));
            const port = await new Promise<string>((resolve, reject) => {
                pack.stdout?.once("data", (chunk) => resolve(String(chunk).trim()));
                pack.once("exit", (code) => reject(new Error(`the pack exited with ${code}: ${errors}`)));
            });
            client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        });

        after(() => {
            client?.close();
            pack?.kill();
        });

        it("announces every policy at its level", async () => {
            const info = await call("getAnalyzerInfo", new Empty());
            assert.strictEqual(info.getName(), "azure-docker-host");
            const levels = Object.fromEntries(
                info.getPoliciesList().map((policy: any) => [policy.getName(), policy.getEnforcementlevel()]),
            );
            assert.deepStrictEqual(
                levels,
                Object.fromEntries(
                    azureDockerHostPolicies().map((policy) => [
                        policy.name,
                        policy.enforcementLevel === "remediate" ? remediate : mandatory,
                    ]),
                ),
            );
        });

        it("tells secret protectedSettings from plain ones, and reports the plain ones as mandatory", async () => {
            const extension = (protectedSettings: unknown) => {
                const request = new AnalyzeRequest();
                request.setType("azure-native:compute:VirtualMachineExtension");
                request.setName("docker-provisioning-certificates");
                request.setUrn("urn:pulumi:dev::azure-docker-host::azure-native:compute:VirtualMachineExtension::ext");
                request.setProperties(Struct.fromJavaScript({ vmName: "docker-vm", protectedSettings }));
                request.setOptions(new AnalyzerResourceOptions());
                return request;
            };
            const diagnostics = async (request: unknown) => {
                // The engine's order: every remediation of a resource, then every validation.
                const remediations = await call("remediate", request);
                assert.deepStrictEqual(remediations.getRemediationsList(), [], "the remediation changes nothing");
                const analysis = await call("analyze", request);
                return analysis.getDiagnosticsList().map((d: any) => [d.getPolicyname(), d.getEnforcementlevel()]);
            };
            const wrapped = secret({ script: "IyE=" });
            assert.deepStrictEqual(await diagnostics(extension(wrapped)), []);
            assert.deepStrictEqual(await diagnostics(extension({ script: "IyE=" })), [
                ["vm-extension-protected-settings-secret", mandatory],
            ]);
        });
    });
});
