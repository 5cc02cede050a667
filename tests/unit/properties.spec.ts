import * as assert from "assert";
import fc from "fast-check";
import { deriveDnsLabel, hostnameFor } from "../../components/network/dnsLabel";
import { cidrContains, formatIpv4Address, formatIpv4Cidr, parseIpv4Address, parseIpv4Cidr } from "../../catalogue/ipv4";
import { isValidDnsLabel } from "../../config/names";
import { setLines } from "../../cli/shellEnv";
import { runTool } from "../harness/tools";

const address = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const prefix = fc.integer({ min: 0, max: 32 });
const blockOf = (prefixLength: number) => 2 ** (32 - prefixLength);
const networkOf = (value: number, prefixLength: number) => value - (value % blockOf(prefixLength));

describe("properties", () => {
    describe("IPv4 addresses and CIDR ranges", () => {
        it("format and parse are inverses for every address", () => {
            fc.assert(fc.property(address, (value) => parseIpv4Address(formatIpv4Address(value)) === value));
        });

        it("refuses an octet with a leading zero, which some tools read as octal", () => {
            fc.assert(
                fc.property(address, fc.integer({ min: 0, max: 3 }), (value, octet) => {
                    const parts = formatIpv4Address(value).split(".");
                    parts[octet] = `0${parts[octet]}`;
                    return parseIpv4Address(parts.join(".")) === undefined;
                }),
            );
        });

        it("reads an aligned range back as itself, and names the network of one with host bits set", () => {
            fc.assert(
                fc.property(address, prefix, (value, prefixLength) => {
                    const parsed = parseIpv4Cidr(`${formatIpv4Address(value)}/${prefixLength}`);
                    const network = networkOf(value, prefixLength);
                    if (network === value) {
                        return (
                            "cidr" in parsed &&
                            parsed.cidr.network === value &&
                            parsed.cidr.prefixLength === prefixLength
                        );
                    }
                    const named = "error" in parsed ? /the network is (\S+)$/.exec(parsed.error)?.[1] : undefined;
                    return named === formatIpv4Cidr({ network, prefixLength });
                }),
            );
        });

        it("says one range contains another exactly when every address of the inner lies in the outer", () => {
            const cidr = fc.tuple(address, prefix).map(([value, prefixLength]) => ({
                network: networkOf(value, prefixLength),
                prefixLength,
            }));
            fc.assert(
                fc.property(cidr, cidr, (outer, inner) => {
                    const within =
                        inner.network >= outer.network &&
                        inner.network + blockOf(inner.prefixLength) <= outer.network + blockOf(outer.prefixLength);
                    return cidrContains(outer, inner) === within;
                }),
            );
        });
    });

    describe("DNS labels derived from stack names", () => {
        const suffix = fc.stringMatching(/^[a-z0-9]{6}$/);

        it("are valid Azure labels, end with the suffix, and keep the stack's lowercase letters and digits in order", () => {
            fc.assert(
                fc.property(fc.string({ unit: "binary", maxLength: 200 }), suffix, (stack, tail) => {
                    const label = deriveDnsLabel(stack, tail);
                    const kept = label.slice(0, -(tail.length + 1)).replace(/-/g, "");
                    const source = stack.toLowerCase().replace(/[^a-z0-9]/g, "");
                    return (
                        isValidDnsLabel(label) &&
                        label.endsWith(`-${tail}`) &&
                        source.includes(kept.replace(/^docker$/, ""))
                    );
                }),
            );
        });

        it("make a valid host name for any stack", () => {
            fc.assert(
                fc.property(fc.string({ unit: "binary", maxLength: 200 }), (stack) =>
                    isValidDnsLabel(hostnameFor(stack)),
                ),
            );
        });
    });

    describe("shell quoting of the docker environment", () => {
        // Anything an output could hold but NUL, which no environment variable can.
        const value = fc.string({ unit: "binary", maxLength: 60 }).filter((text) => !text.includes("\0"));

        for (const shell of ["bash", "sh"] as const) {
            it(`gives ${shell} back exactly the value, whatever it holds`, () => {
                const samples = fc.sample(value, 200);
                const script = samples
                    .map((sample) => {
                        const [line] = setLines("bash", {
                            DOCKER_HOST: sample,
                            DOCKER_TLS_VERIFY: "1",
                            DOCKER_CERT_PATH: "/x",
                        });
                        return `${line}\nprintf '%s\\0' "$DOCKER_HOST"`;
                    })
                    .join("\n");
                const result = runTool(shell, ["-c", script]);
                assert.strictEqual(result.status, 0, result.stderr);
                const back = result.stdout.split("\0").slice(0, -1);
                assert.deepStrictEqual(back, samples);
            });
        }

        it("doubles single quotes for PowerShell and escapes backslash and quote for fish, as their single-quote rules ask", () => {
            fc.assert(
                fc.property(value, (sample) => {
                    const environment = { DOCKER_HOST: sample, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/x" };
                    const powershell = /^\$Env:DOCKER_HOST = '(.*)'$/s.exec(
                        setLines("powershell", environment)[0]!,
                    )?.[1];
                    const fish = /^set -gx DOCKER_HOST '(.*)';$/s.exec(setLines("fish", environment)[0]!)?.[1];
                    // PowerShell: inside '...', '' is one quote and nothing else is special.
                    const fromPowershell = powershell?.replace(/''/g, "'");
                    // fish: inside '...', \\ and \' are escapes and nothing else is special.
                    const fromFish = fish?.replace(/\\([\\'])/g, "$1");
                    return (
                        fromPowershell === sample && fromFish === sample && !/(^|[^'])'([^']|$)/.test(powershell ?? "'")
                    );
                }),
            );
        });
    });
});
