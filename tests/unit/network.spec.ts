import "../harness/mocks";
import * as assert from "assert";
import { unwrapSecret } from "../harness/mocks";
import { ProgramRun, runProgram, validConfig } from "../harness/program";

const nsgType = "azure-native:network:NetworkSecurityGroup";

interface Rule {
    name: string;
    priority: number;
    direction: string;
    access: string;
    protocol: string;
    sourceAddressPrefix?: string;
    sourceAddressPrefixes?: string[];
    destinationPortRange: string;
}

const rulesOf = (run: ProgramRun) => unwrapSecret<Rule[]>(run.one(nsgType, "docker-nsg").inputs.securityRules);

/** True when the rule lets traffic from anywhere on the internet reach `port`. */
function opensToInternet(rule: Rule, port: string): boolean {
    const sources = rule.sourceAddressPrefixes ?? [rule.sourceAddressPrefix ?? ""];
    const anywhere = sources.some((source) => ["*", "0.0.0.0/0", "internet", "any"].includes(source.toLowerCase()));
    return (
        rule.access === "Allow" &&
        rule.direction === "Inbound" &&
        anywhere &&
        [port, "*"].includes(rule.destinationPortRange)
    );
}

describe("Network component", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram(validConfig({ location: "East Asia", dockerPort: "2376" }));
    });

    it("puts everything in one resource group in the configured region", () => {
        const group = run.one("azure-native:resources:ResourceGroup", "docker-rg");
        assert.strictEqual(group.inputs.location, "eastasia");
        const azure = run.resources.filter(
            (resource) => resource.type.startsWith("azure-native:") && resource.type !== group.type,
        );
        assert.ok(azure.length >= 8);
        for (const resource of azure) {
            assert.match(
                String(resource.inputs.resourceGroupName),
                /^docker-rg/,
                `${resource.name} is in another group`,
            );
            if ("location" in resource.inputs) {
                assert.strictEqual(resource.inputs.location, "eastasia", `${resource.name} is elsewhere`);
            }
        }
    });

    it("declares a VNet with the configured address space and a subnet guarded by the NSG", () => {
        const vnet = run.one("azure-native:network:VirtualNetwork", "docker-vnet");
        assert.deepStrictEqual(vnet.inputs.addressSpace, { addressPrefixes: ["10.20.0.0/16"] });
        const subnet = run.one("azure-native:network:Subnet", "docker-subnet");
        assert.strictEqual(subnet.inputs.addressPrefix, "10.20.1.0/24");
        assert.strictEqual((subnet.inputs.networkSecurityGroup as { id: string }).id, "docker-nsg-id");
        assert.match(String(subnet.inputs.virtualNetworkName), /^docker-vnet/);
    });

    it("admits SSH and the Docker port from the configured ranges only, then denies everything", () => {
        const rules = rulesOf(run);
        assert.deepStrictEqual(
            rules.map((rule) => [rule.name, rule.priority, rule.access, rule.destinationPortRange]),
            [
                ["allow-ssh", 100, "Allow", "22"],
                ["allow-docker-tls", 110, "Allow", "2376"],
                ["deny-all-inbound", 4096, "Deny", "*"],
            ],
        );
        for (const rule of rules.filter((rule) => rule.access === "Allow")) {
            assert.deepStrictEqual(rule.sourceAddressPrefixes, ["198.51.100.0/24", "203.0.113.7/32"]);
            assert.strictEqual(rule.protocol, "Tcp");
            assert.strictEqual(rule.direction, "Inbound");
        }
    });

    it("never opens 22, the Docker port, 6379 or 27017 to the internet", () => {
        for (const port of ["22", "2376", "6379", "27017"]) {
            assert.deepStrictEqual(
                rulesOf(run).filter((rule) => opensToInternet(rule, port)),
                [],
                `port ${port}`,
            );
        }
    });

    it("follows a custom Docker port in the NSG", async () => {
        const custom = await runProgram(validConfig({ dockerPort: "12376" }));
        assert.strictEqual(
            rulesOf(custom).find((rule) => rule.name === "allow-docker-tls")?.destinationPortRange,
            "12376",
        );
    });

    it("names rules from their purpose, so the order of configured ranges changes nothing", async () => {
        const reordered = await runProgram(validConfig({ allowedSourceRanges: '["198.51.100.0/24", "203.0.113.7"]' }));
        assert.deepStrictEqual(rulesOf(reordered), rulesOf(run));
        assert.deepStrictEqual(
            reordered.resources.map((resource) => `${resource.type}/${resource.name}`),
            run.resources.map((resource) => `${resource.type}/${resource.name}`),
        );
    });

    it("gives the host a static Standard IPv4 address with a DNS label derived from the stack", () => {
        const ip = run.one("azure-native:network:PublicIPAddress", "docker-ip");
        assert.deepStrictEqual(ip.inputs.sku, { name: "Standard", tier: "Regional" });
        assert.strictEqual(ip.inputs.publicIPAllocationMethod, "Static");
        assert.strictEqual(ip.inputs.publicIPAddressVersion, "IPv4");
        const label = (ip.inputs.dnsSettings as { domainNameLabel: string }).domainNameLabel;
        const suffix = run.one("random:index/randomString:RandomString", "docker-dns-suffix");
        assert.deepStrictEqual(suffix.inputs, { length: 6, upper: false, special: false });
        assert.match(label, /^dev-[0-9a-f]{6}$/);
    });

    it("uses a configured DNS label as is, without a random suffix", async () => {
        const labelled = await runProgram(validConfig({ dnsLabel: "my-docker" }));
        const ip = labelled.one("azure-native:network:PublicIPAddress", "docker-ip");
        assert.strictEqual((ip.inputs.dnsSettings as { domainNameLabel: string }).domainNameLabel, "my-docker");
        assert.deepStrictEqual(labelled.ofType("random:index/randomString:RandomString"), []);
        assert.strictEqual(await labelled.output("fqdn"), "my-docker.eastasia.cloudapp.azure.com");
    });
});
