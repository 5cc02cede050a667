import * as assert from "assert";
import { deriveDnsLabel, hostnameFor } from "../../components/dnsLabel";
import { isValidDnsLabel } from "../../config/names";

describe("derived DNS labels", () => {
    const stacks = ["dev", "Prod_EU", "org/team.stack", "123", "---", "a".repeat(120), "x"];

    for (const stack of stacks) {
        it(`are valid Azure labels for the stack ${JSON.stringify(stack.length > 20 ? `${stack.slice(0, 20)}...` : stack)}`, () => {
            assert.ok(isValidDnsLabel(deriveDnsLabel(stack, "abc123")), deriveDnsLabel(stack, "abc123"));
            assert.ok(isValidDnsLabel(hostnameFor(stack)), hostnameFor(stack));
        });
    }

    it("keep the stack recognisable and end with the random suffix", () => {
        assert.strictEqual(deriveDnsLabel("Prod_EU", "k3x9qz"), "prod-eu-k3x9qz");
        assert.strictEqual(hostnameFor("dev"), "dev-docker");
    });
});
