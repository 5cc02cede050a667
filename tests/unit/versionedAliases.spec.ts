import "../harness/mocks";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { runProgram, validConfig } from "../harness/program";
import { withoutVersionedTypeAliases } from "../../versionedAliases";

const vnet = "azure-native:network:VirtualNetwork";
const versionedVnet = "azure-native:network/v20230901:VirtualNetwork";

/** The aliases a resource of this type keeps once the transformation has seen these. */
function kept(type: string, aliases: pulumi.Input<pulumi.URN | pulumi.Alias>[]) {
    const result = withoutVersionedTypeAliases({
        resource: undefined as unknown as pulumi.Resource,
        type,
        name: "docker-vnet",
        props: {},
        opts: { aliases },
    });
    return result === undefined ? aliases : result.opts.aliases;
}

describe("the versioned-type aliases azure-native adds", () => {
    it("are dropped where they name the resource's own module and type at an API version", () => {
        assert.deepStrictEqual(
            kept(vnet, [{ type: versionedVnet }, { type: "azure-native:network/v20150501preview:VirtualNetwork" }]),
            [],
        );
    });

    it("leave every other alias in place: another type, a rename, a former parent, a URN", () => {
        const others: pulumi.Input<pulumi.URN | pulumi.Alias>[] = [
            { type: "azure-native:network/v20230901:Subnet" },
            { type: "azure-native:compute/v20230901:VirtualNetwork" },
            { type: versionedVnet, name: "docker-network" },
            { name: "docker-vnet-old" },
            { parent: "urn:pulumi:dev::azure-docker-host::azure-docker-host:index:Network::docker" },
            "urn:pulumi:dev::azure-docker-host::azure-native:network/v20230901:VirtualNetwork::docker-vnet",
        ];
        assert.deepStrictEqual(kept(vnet, [...others, { type: versionedVnet }]), others);
    });

    it("are left alone on a resource that is not azure-native's default module", () => {
        const aliases = [{ type: versionedVnet }];
        assert.strictEqual(kept(versionedVnet, aliases), aliases);
        assert.strictEqual(kept("docker:index/image:Image", aliases), aliases);
    });

    for (const provisioner of ["docker-extension", "cloud-init"] as const) {
        it(`reach no registration of the whole program (${provisioner}), whose own aliases stay`, async () => {
            const run = await runProgram(validConfig({ provisioner, swarmWorkers: "2" }));
            const azure = run.resources.filter((resource) => resource.type.startsWith("azure-native:"));
            assert.ok(azure.length >= 15, `only ${azure.length} azure-native resources`);
            const versioned = azure.flatMap((resource) =>
                resource.options.aliases
                    .filter((alias) => "type" in alias && alias.type.includes("/v"))
                    .map((alias) => `${resource.name}: ${"type" in alias ? alias.type : ""}`),
            );
            assert.deepStrictEqual(versioned, []);
            const image = run.one("docker:index/image:Image", "docker-mongodb-image");
            assert.ok(image.options.aliases.length > 0, "the mongodb image's own alias was dropped too");
        });
    }
});
