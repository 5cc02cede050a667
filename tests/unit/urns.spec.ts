import "../harness/mocks";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { RecordedAlias, RecordedResource } from "../harness/mocks";
import { runProgram, validConfig } from "../harness/program";
import { lostUrns } from "../harness/urns";

const provisioners = ["docker-extension", "cloud-init"] as const;

/** The URNs of both graphs as existing stacks hold them, recorded before the code was reshaped. */
function recordedUrns(provisioner: string): string[] {
    const file = path.join(__dirname, "..", "fixtures", "urns", `${provisioner}.txt`);
    return fs.readFileSync(file, "utf8").split("\n").filter(Boolean);
}

describe("resource identity of existing stacks", () => {
    for (const provisioner of provisioners) {
        it(`keeps every recorded ${provisioner} URN, by the resource's own URN or an alias`, async () => {
            const recorded = recordedUrns(provisioner);
            assert.ok(recorded.length >= 40, "the recorded list is incomplete");
            const run = await runProgram(validConfig({ provisioner }));
            assert.deepStrictEqual(lostUrns(recorded, run.resources), []);
        });
    }

    describe("the check itself", () => {
        let resources: RecordedResource[];
        before(async () => {
            resources = [...(await runProgram(validConfig({ provisioner: "cloud-init" }))).resources];
        });
        const renameDisk = (aliases: RecordedAlias[]) =>
            resources.map((resource) =>
                resource.name === "docker-data"
                    ? { ...resource, name: "docker-data-disk", options: { ...resource.options, aliases } }
                    : resource,
            );

        it("notices a renamed resource without an alias", () => {
            assert.deepStrictEqual(
                lostUrns(recordedUrns("cloud-init"), renameDisk([])).map((urn) => urn.split("::").pop()),
                ["docker-data"],
            );
        });

        it("accepts a renamed resource with an alias to its old name", () => {
            const alias = { name: "docker-data", type: "", parentUrn: "", noParent: false };
            assert.deepStrictEqual(lostUrns(recordedUrns("cloud-init"), renameDisk([alias])), []);
        });
    });
});
