import * as assert from "assert";
import { internetExposures, nsgAdminPortsClosed } from "../../policy/policies/nsgAdminPorts";
import { resourceViolations } from "../harness/policy/run";

const nsgType = "azure-native:network:NetworkSecurityGroup";

/** An inbound TCP allow rule as the program writes them; an override to undefined drops a key. */
function rule(overrides: Record<string, unknown>): Record<string, unknown> {
    const props: Record<string, unknown> = {
        name: "allow-ssh",
        priority: 100,
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        sourceAddressPrefixes: ["198.51.100.0/24", "203.0.113.7/32"],
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "22",
        ...overrides,
    };
    // The engine never sends undefined.
    return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));
}

const violationsOfRules = (securityRules: unknown[]) =>
    resourceViolations([nsgAdminPortsClosed], {
        type: nsgType,
        name: "docker-nsg",
        props: { location: "eastasia", resourceGroupName: "docker-rg", securityRules },
    });

describe("policy nsg-admin-ports-closed-to-internet", () => {
    it("passes rules that admit SSH and Docker from operator ranges only, and a deny-all", async () => {
        const violations = await violationsOfRules([
            rule({}),
            rule({ name: "allow-docker-tls", priority: 110, destinationPortRange: "2376" }),
            rule({
                name: "deny-all-inbound",
                priority: 4096,
                access: "Deny",
                protocol: "*",
                sourceAddressPrefixes: undefined,
                sourceAddressPrefix: "*",
                destinationPortRange: "*",
            }),
        ]);
        assert.deepStrictEqual(violations, []);
    });

    it("reports SSH open to the internet, naming the rule, the source and the port", async () => {
        const violations = await violationsOfRules([
            rule({ sourceAddressPrefixes: undefined, sourceAddressPrefix: "Internet" }),
        ]);
        assert.deepStrictEqual(
            violations.map((violation) => violation.message),
            ['rule "allow-ssh" lets "Internet" reach 22 (SSH); admit only known address ranges'],
        );
    });

    it("reports a standalone SecurityRule whose port list and range cover the Docker and database ports", async () => {
        const violations = await resourceViolations([nsgAdminPortsClosed], {
            type: "azure-native:network:SecurityRule",
            name: "docker-open",
            props: rule({
                name: undefined,
                securityRuleName: "open-everything",
                sourceAddressPrefixes: ["10.0.0.0/8", "::/0"],
                destinationPortRange: undefined,
                destinationPortRanges: ["2375-2377", "6379", "27017"],
            }),
        });
        assert.deepStrictEqual(
            violations.map((violation) => violation.message),
            [
                'rule "open-everything" lets "::/0" reach 2375 (Docker API without TLS), 2376 (Docker API over TLS), ' +
                    "2377 (Docker swarm management), 6379 (redis), 27017 (mongodb); admit only known address ranges",
            ],
        );
    });

    it("reads every way Azure spells the internet and every port form", () => {
        const exposed = (overrides: Record<string, unknown>) =>
            internetExposures(rule({ sourceAddressPrefixes: undefined, ...overrides }), "r").length > 0;
        for (const source of ["*", "0.0.0.0/0", "internet", "INTERNET", "Any", "any", " 0.0.0.0/0 "]) {
            assert.ok(exposed({ sourceAddressPrefix: source }), source);
        }
        assert.ok(!exposed({ sourceAddressPrefix: "0.0.0.0/1" }), "half the internet is not a /0");
        assert.ok(exposed({ sourceAddressPrefix: "*", destinationPortRange: "*" }));
        assert.ok(exposed({ sourceAddressPrefix: "*", destinationPortRange: "20-30" }));
        assert.ok(exposed({ sourceAddressPrefix: "*", destinationPortRange: "27000 - 28000" }));
        assert.ok(!exposed({ sourceAddressPrefix: "*", destinationPortRange: "443" }));
        assert.ok(!exposed({ sourceAddressPrefix: "*", destinationPortRange: "23-2374" }));
        assert.ok(!exposed({ sourceAddressPrefix: "*", access: "Deny" }));
        assert.ok(!exposed({ sourceAddressPrefix: "*", direction: "Outbound" }));
        assert.ok(!exposed({ sourceAddressPrefix: "*", protocol: "Icmp", destinationPortRange: "*" }));
        assert.ok(exposed({ sourceAddressPrefix: "*", protocol: "*" }));
    });

    it("refuses a port range it cannot read rather than guess it safe", () => {
        assert.deepStrictEqual(
            internetExposures(
                rule({ sourceAddressPrefixes: undefined, sourceAddressPrefix: "*", destinationPortRange: "ssh" }),
                "r",
            ),
            ['rule "r" admits "*" on "ssh", which is not a port, a range a-b or "*"'],
        );
    });
});
