import "../../harness/mocks";
import * as assert from "assert";
import { Network, NetworkArgs } from "../../../components/network";
import { ComponentRun, declareUnderMocks } from "../../harness/component";
import { unwrapSecret } from "../../harness/mocks";
import { resolve } from "../../harness/program";

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

const args: NetworkArgs = {
    location: "eastasia",
    vnetAddressSpace: "10.20.0.0/16",
    subnetAddressPrefix: "10.20.1.0/24",
    allowedSourceRanges: ["198.51.100.0/24", "203.0.113.7/32"],
    dockerPort: 2376,
    labelStem: "dev",
};

const declare = (overrides: Partial<NetworkArgs> = {}) =>
    declareUnderMocks(() => new Network("docker", { ...args, ...overrides }));
const rulesOf = (run: ComponentRun<Network>) =>
    unwrapSecret<Rule[]>(run.one(nsgType, "docker-nsg").inputs.securityRules);

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
    let run: ComponentRun<Network>;
    before(async () => {
        run = await declare();
    });

    it("puts everything in one resource group in the given region", () => {
        const group = run.one("azure-native:resources:ResourceGroup", "docker-rg");
        assert.strictEqual(group.inputs.location, "eastasia");
        for (const resource of run.resources.filter(
            (each) => each.type.startsWith("azure-native:") && each !== group,
        )) {
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

    it("declares a VNet with the address space and a subnet guarded by the NSG, without default outbound", () => {
        const vnet = run.one("azure-native:network:VirtualNetwork", "docker-vnet");
        assert.deepStrictEqual(vnet.inputs.addressSpace, { addressPrefixes: ["10.20.0.0/16"] });
        const subnet = run.one("azure-native:network:Subnet", "docker-subnet");
        assert.strictEqual(subnet.inputs.addressPrefix, "10.20.1.0/24");
        assert.strictEqual(
            (subnet.inputs.networkSecurityGroup as { id: string }).id,
            run.one("azure-native:network:NetworkSecurityGroup", "docker-nsg").id,
        );
        assert.strictEqual(subnet.inputs.defaultOutboundAccess, false);
    });

    it("admits SSH and the Docker port from the given ranges only, then denies everything", () => {
        const rules = rulesOf(run);
        assert.deepStrictEqual(
            rules.map((rule) => [rule.name, rule.priority, rule.access, rule.destinationPortRange]),
            [
                ["allow-ssh", 100, "Allow", "22"],
                ["allow-docker-tls", 110, "Allow", "2376"],
                ["deny-all-inbound", 4096, "Deny", "*"],
            ],
        );
        for (const rule of rules.filter((each) => each.access === "Allow")) {
            assert.deepStrictEqual(rule.sourceAddressPrefixes, ["198.51.100.0/24", "203.0.113.7/32"]);
            assert.deepStrictEqual([rule.protocol, rule.direction], ["Tcp", "Inbound"]);
        }
        for (const port of ["22", "2376", "6379", "27017"]) {
            assert.deepStrictEqual(
                rules.filter((rule) => opensToInternet(rule, port)),
                [],
                `port ${port}`,
            );
        }
    });

    it("follows another Docker port, and does not care in which order the ranges come", async () => {
        const other = await declare({ dockerPort: 12376, allowedSourceRanges: ["203.0.113.7/32", "198.51.100.0/24"] });
        const docker = rulesOf(other).find((rule) => rule.name === "allow-docker-tls");
        assert.strictEqual(docker?.destinationPortRange, "12376");
        assert.deepStrictEqual(docker?.sourceAddressPrefixes, ["198.51.100.0/24", "203.0.113.7/32"]);
    });

    it("gives the host a static Standard IPv4 address whose label is the stem plus a random suffix", async () => {
        const ip = run.one("azure-native:network:PublicIPAddress", "docker-ip");
        assert.deepStrictEqual(ip.inputs.sku, { name: "Standard", tier: "Regional" });
        assert.strictEqual(ip.inputs.publicIPAllocationMethod, "Static");
        assert.strictEqual(ip.inputs.publicIPAddressVersion, "IPv4");
        const suffix = run.one("random:index/randomString:RandomString", "docker-dns-suffix");
        assert.deepStrictEqual(suffix.inputs, { length: 6, upper: false, special: false });
        const label = (ip.inputs.dnsSettings as { domainNameLabel: string }).domainNameLabel;
        assert.strictEqual(label, `dev-${String(suffix.outputs.result)}`);
        assert.strictEqual(await resolve(run.component.fqdn), `${label}.eastasia.cloudapp.azure.com`);
    });

    it("uses a given DNS label as it is, without a random suffix", async () => {
        const labelled = await declare({ dnsLabel: "my-docker" });
        const ip = labelled.one("azure-native:network:PublicIPAddress", "docker-ip");
        assert.strictEqual((ip.inputs.dnsSettings as { domainNameLabel: string }).domainNameLabel, "my-docker");
        assert.deepStrictEqual(labelled.ofType("random:index/randomString:RandomString"), []);
    });
});
