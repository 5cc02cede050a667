import "../harness/mocks";
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { projectName, RecordedResource, unwrapSecret } from "../harness/mocks";
import { ProgramRun, runProgram, validConfig } from "../harness/program";
import { azureDockerHostPolicies } from "../../policy/policies/all";
import { Provisioner, provisionerCatalogue } from "../../catalogue/provisioners";
import { ResourceFixture } from "../harness/policy/args";
import { resourceViolations, stackViolations, Violation } from "../harness/policy/run";
import { secret } from "../harness/policy/sdkInternals";

const stackName = "dev";
const stackUrn = `urn:pulumi:${stackName}::${projectName}::pulumi:pulumi:Stack::${projectName}-${stackName}`;

/** What the engine knows of one evaluation beyond the recorded inputs: outputs and property dependencies. */
interface EngineView {
    run: ProgramRun;
    /** URN -> outputs in wire form, as the mock monitor answered (and, for components, as registered). */
    outputs: Map<string, Record<string, unknown>>;
    /** "type::name" -> property -> URNs it was built from, read off each registration request. */
    propertyDependencies: Map<string, Record<string, string[]>>;
}

async function evaluate(provisioner: string, overrides: Record<string, string> = {}): Promise<EngineView> {
    const propertyDependencies = new Map<string, Record<string, string[]>>();
    const run = await runProgram(validConfig({ provisioner, ...overrides }), {
        stack: stackName,
        prepare: () => {
            // The recording mocks keep options but not property dependencies; read them the same way.
            const monitor: any = pulumi.runtime.getMonitor();
            const register = monitor.registerResource.bind(monitor);
            monitor.registerResource = (req: any, callback: any) => {
                const dependencies: Record<string, string[]> = {};
                req.getPropertydependenciesMap().forEach((urns: any, key: string) => {
                    dependencies[key] = urns.getUrnsList();
                });
                propertyDependencies.set(`${req.getType()}::${req.getName()}`, dependencies);
                return register(req, callback);
            };
        },
    });
    const monitor: any = pulumi.runtime.getMonitor();
    const outputs = new Map<string, Record<string, unknown>>();
    for (const [urn, registered] of monitor.getRegisteredResources() as Map<string, { state: any }>) {
        const state =
            typeof registered.state?.toJavaScript === "function" ? registered.state.toJavaScript() : registered.state;
        outputs.set(urn, state ?? {});
    }
    return { run, outputs, propertyDependencies };
}

function urnOf(view: EngineView, resource: RecordedResource): string {
    const urns = [...view.outputs.keys()].filter(
        (urn) => urn.endsWith(`::${resource.name}`) && urn.split("::")[2]?.split("$").pop() === resource.type,
    );
    assert.strictEqual(urns.length, 1, `one URN for ${resource.type} ${resource.name}`);
    return urns[0]!;
}

/** A recorded registration as the engine describes it to a policy pack, with inputs or with outputs. */
function fixtureOf(view: EngineView, resource: RecordedResource, props: "inputs" | "outputs"): ResourceFixture {
    const urn = urnOf(view, resource);
    return {
        type: resource.type,
        name: resource.name,
        urn,
        // The engine's outputs echo the inputs; a flaw planted in the inputs shows in them too.
        props: props === "inputs" ? resource.inputs : { ...view.outputs.get(urn)!, ...resource.inputs },
        opts: {
            protect: resource.options.protect,
            deleteBeforeReplace: resource.options.deleteBeforeReplace,
            additionalSecretOutputs: [...resource.options.additionalSecretOutputs],
        },
        // Top-level resources are children of the stack resource, which the mocks do not register.
        parent: resource.options.parent || stackUrn,
        dependencies: resource.options.dependencies,
        propertyDependencies: view.propertyDependencies.get(`${resource.type}::${resource.name}`) ?? {},
    };
}

/** The stack resource: its outputs are the program's exports, secrets marked as the engine keeps them. */
async function stackFixture(run: ProgramRun): Promise<ResourceFixture> {
    const props: Record<string, unknown> = {};
    for (const name of Object.keys(run.exports)) {
        const value = await run.output(name);
        if (value !== undefined) {
            props[name] = (await run.outputIsSecret(name)) ? secret(value) : value;
        }
    }
    return { type: "pulumi:pulumi:Stack", name: `${projectName}-${stackName}`, urn: stackUrn, props };
}

/** Every violation the pack reports for one evaluation: per resource on inputs, then the stack on outputs. */
async function packViolations(view: EngineView, stack: ResourceFixture, resources = view.run.resources) {
    const policies = azureDockerHostPolicies();
    const violations: Violation[] = [];
    for (const resource of resources) {
        const found = await resourceViolations(policies, fixtureOf(view, resource, "inputs"));
        violations.push(...found.map((violation) => ({ ...violation, urn: urnOf(view, resource) })));
    }
    const outputs = resources.map((resource) => fixtureOf(view, resource, "outputs"));
    violations.push(...(await stackViolations(policies, [stack, ...outputs])));
    return violations;
}

function withInputs(resource: RecordedResource, inputs: Record<string, unknown>): RecordedResource {
    return { ...resource, inputs: { ...resource.inputs, ...inputs } };
}

for (const provisioner of ["docker-extension", "cloud-init"]) {
    describe(`policy pack on the program (${provisioner})`, () => {
        let view: EngineView;
        let stack: ResourceFixture;
        before(async () => {
            view = await evaluate(provisioner);
            stack = await stackFixture(view.run);
        });

        it("declares every kind of resource the policies judge", () => {
            const count = (type: string) => view.run.ofType(type).length;
            assert.strictEqual(count("azure-native:network:NetworkSecurityGroup"), 1);
            assert.strictEqual(count("azure-native:compute:VirtualMachine"), 1);
            // The provisioning's extension, and one that grows the disk where the provisioning runs no script of ours.
            const extensions =
                provisionerCatalogue[provisioner as Provisioner].dataDiskGrowth === "own-extension" ? 2 : 1;
            assert.strictEqual(count("azure-native:compute:VirtualMachineExtension"), extensions);
            assert.strictEqual(count("azure-native:compute:Disk"), 1);
            assert.strictEqual(count("docker:index/container:Container"), 2);
            assert.strictEqual(count("pulumi-nodejs:dynamic/azure-docker-host:ContainerPidsLimit"), 2);
            for (const name of ["clientKeyPem", "sshPrivateKey", "redisConnectionString", "mongodbConnectionString"]) {
                assert.ok(name in stack.props, `stack output ${name}`);
            }
        });

        it("passes every policy with no violation", async () => {
            assert.deepStrictEqual(await packViolations(view, stack), []);
        });

        it("would catch what each policy guards against, on the same conversion", async () => {
            // Proof that the check above can fail: one flaw per policy, planted in the recorded program.
            const flawed = (resource: RecordedResource): RecordedResource[] => {
                const inputs = resource.inputs as Record<string, any>;
                switch (resource.type) {
                    case "azure-native:network:NetworkSecurityGroup":
                        return [
                            withInputs(resource, {
                                securityRules: [{ ...inputs.securityRules[0], sourceAddressPrefixes: ["*"] }],
                            }),
                        ];
                    case "azure-native:compute:VirtualMachine":
                        return [
                            withInputs(resource, {
                                osProfile: { ...inputs.osProfile, adminPassword: secret("Pa55word!") },
                            }),
                        ];
                    case "azure-native:compute:VirtualMachineExtension":
                        return [withInputs(resource, { protectedSettings: unwrapSecret(inputs.protectedSettings) })];
                    case "azure-native:compute:Disk":
                        return [{ ...resource, options: { ...resource.options, protect: false } }];
                    case "docker:index/container:Container":
                        return resource.name === "docker-redis"
                            ? [withInputs(resource, { privileged: true })]
                            : [resource];
                    case "pulumi-nodejs:dynamic/azure-docker-host:ContainerPidsLimit":
                        return resource.name === "docker-mongodb-pids" ? [] : [resource];
                    case "azure-native:dataprotection:BackupInstance":
                        return [];
                    default:
                        return [resource];
                }
            };
            const leaked = {
                ...stack,
                props: { ...stack.props, redisConnectionString: "redis://:notgenerated1234@127.0.0.1:6379/0" },
            };
            const violations = await packViolations(view, leaked, view.run.resources.flatMap(flawed));
            assert.deepStrictEqual(violations.map((violation) => violation.policy).sort(), [
                "container-hardened",
                "container-pids-limited",
                "credential-outputs-secret",
                "data-disk-backed-up",
                "data-disk-protected",
                "nsg-admin-ports-closed-to-internet",
                "vm-extension-protected-settings-secret",
                "vm-ssh-keys-only",
            ]);
        });
    });
}

describe("policy pack on the program with a swarm of 3 workers", () => {
    let view: EngineView;
    let stack: ResourceFixture;
    before(async () => {
        view = await evaluate("docker-extension", { swarmWorkers: "3" });
        stack = await stackFixture(view.run);
    });

    it("passes every policy with no violation", async () => {
        assert.ok(view.run.ofType("azure-native:compute:VirtualMachineScaleSet").length === 1);
        assert.deepStrictEqual(await packViolations(view, stack), []);
    });

    it("would catch a swarm port open beyond the virtual network, and a scale set's join token in the clear", async () => {
        const flawed = (resource: RecordedResource): RecordedResource[] => {
            const inputs = resource.inputs as Record<string, any>;
            switch (resource.type) {
                case "azure-native:network:NetworkSecurityGroup":
                    return [
                        withInputs(resource, {
                            securityRules: unwrapSecret<any[]>(inputs.securityRules).map((rule) =>
                                rule.name === "allow-swarm-gossip-udp"
                                    ? { ...rule, sourceAddressPrefix: "203.0.113.0/24" }
                                    : rule,
                            ),
                        }),
                    ];
                case "azure-native:compute:VirtualMachineScaleSet":
                    return [
                        withInputs(resource, { virtualMachineProfile: unwrapSecret(inputs.virtualMachineProfile) }),
                    ];
                default:
                    return [resource];
            }
        };
        const violations = await packViolations(view, stack, view.run.resources.flatMap(flawed));
        assert.deepStrictEqual(violations.map((violation) => violation.policy).sort(), [
            "swarm-ports-within-virtual-network",
            "vm-extension-protected-settings-secret",
        ]);
        assert.match(
            violations.find((violation) => violation.policy === "swarm-ports-within-virtual-network")!.message,
            /rule "allow-swarm-gossip-udp" lets "203\.0\.113\.0\/24" reach 7946 \(swarm gossip\); admit the virtual network only \(10\.20\.0\.0\/16\)/,
        );
    });
});
