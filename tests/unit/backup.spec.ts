import "../harness/mocks";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ArmStandIn, standInSubscription } from "../harness/armStandIn";
import { ProgramRun, programError, registeredResources, runProgram, validConfig } from "../harness/program";

const diskType = "azure-native:compute:Disk";
const vmType = "azure-native:compute:VirtualMachine";
const backupTypes = /^azure-native:(dataprotection|authorization):|DataDiskBackup|ResourceGroup::docker-backup-rg$/;
const urnsOf = (run: ProgramRun) => run.resources.map((resource) => resource.urn).sort();

/** A snapshot Azure Backup left in the snapshot group, as Resource Manager answers GET on it. */
const snapshot = JSON.parse(
    fs.readFileSync(path.join(__dirname, "..", "fixtures", "arm", "snapshot.json"), "utf8"),
) as { id: string; location: string; properties: { diskSizeGB: number } };
const withSource =
    (shape: (answer: typeof snapshot) => typeof snapshot = (answer) => answer) =>
    (standIn: ArmStandIn) => {
        const answer = shape(JSON.parse(JSON.stringify(snapshot)));
        standIn.catalogue = { ...standIn.catalogue, diskSources: { [snapshot.id]: answer } };
    };

describe("backups and restore in the whole program", function () {
    this.timeout(60_000);

    describe("with the default retention", () => {
        let run: ProgramRun;
        before(async () => {
            run = await runProgram(validConfig());
        });

        it("backs up the data disk daily, kept a week, and exports the vault's and instance's ids", async () => {
            const policy = run.one("azure-native:dataprotection:BackupPolicy", "docker-disk-policy");
            assert.strictEqual(
                (policy.inputs.properties as any).policyRules[1].lifecycles[0].deleteAfter.duration,
                "P7D",
            );
            const instance = run.one("azure-native:dataprotection:BackupInstance", "docker-disk-instance");
            assert.strictEqual(
                (instance.inputs.properties as any).dataSourceInfo.resourceID,
                run.one(diskType, "docker-data").id,
            );
            assert.strictEqual(
                await run.output("backupVaultId"),
                run.one("azure-native:dataprotection:BackupVault", "docker-vault").id,
            );
            assert.strictEqual(await run.output("backupInstanceId"), instance.id);
        });

        it("grants roles in the disk's own subscription, read from its id without asking Azure", () => {
            for (const grant of run.ofType("azure-native:authorization:RoleAssignment")) {
                assert.ok(
                    String(grant.inputs.roleDefinitionId).startsWith(
                        `/subscriptions/${standInSubscription}/providers/`,
                    ),
                    String(grant.inputs.roleDefinitionId),
                );
            }
        });
    });

    it("with backupRetentionDays 0 declares no backup resource and changes nothing else", async () => {
        const on = urnsOf(await runProgram(validConfig()));
        const off = await runProgram(validConfig({ backupRetentionDays: "0" }));
        assert.deepStrictEqual(
            urnsOf(off),
            on.filter((urn) => !backupTypes.test(urn)),
        );
        assert.ok(
            on.some((urn) => backupTypes.test(urn)),
            "the default declares backups",
        );
        assert.deepStrictEqual(
            [await off.output("backupVaultId"), await off.output("backupInstanceId")],
            [undefined, undefined],
        );
    });

    describe("dataDiskSource", () => {
        it("makes the data disk a copy of the source, and changes nothing else", async () => {
            const empty = await runProgram(validConfig());
            const restored = await runProgram(validConfig({ dataDiskSource: snapshot.id }), { arm: withSource() });
            assert.deepStrictEqual(urnsOf(restored), urnsOf(empty));
            const { creationData: was, ...before } = empty.one(diskType, "docker-data").inputs;
            const { creationData: now, ...after } = restored.one(diskType, "docker-data").inputs;
            assert.deepStrictEqual(
                [was, now],
                [{ createOption: "Empty" }, { createOption: "Copy", sourceResourceId: snapshot.id }],
            );
            assert.deepStrictEqual(after, before);
        });

        it("replaces the VM when its data disk is a new one, so the copy never slides under a running daemon", async () => {
            const run = await runProgram(validConfig());
            assert.ok(
                run
                    .one(vmType, "docker-vm")
                    .options.replaceOnChanges.includes("storageProfile.dataDisks[*].managedDisk.id"),
            );
            assert.strictEqual(run.one(vmType, "docker-vm").options.deleteBeforeReplace, true);
        });

        it("refuses what is not a snapshot or disk id, naming the key and the shape", async () => {
            const error = await programError(validConfig({ dataDiskSource: "docker-data-restored" }));
            assert.deepStrictEqual(registeredResources(), []);
            assert.match(
                error.message,
                /dataDiskSource = "docker-data-restored": empty, or the resource id of a snapshot or managed disk: \/subscriptions\/<id>\/resourceGroups\/<group>\/providers\/Microsoft\.Compute\/snapshots\/<name>/,
            );
        });

        const refusal = async (config: Record<string, string>, arm: (standIn: ArmStandIn) => void) => {
            const error = await programError(validConfig(config), { arm });
            assert.deepStrictEqual(registeredResources(), [], "a resource was registered before the preflight failed");
            assert.strictEqual(error.name, "PreflightError", error.stack);
            return error.message;
        };

        it("refuses, in the preflight, a source Resource Manager does not have", async () => {
            assert.match(
                await refusal({ dataDiskSource: snapshot.id }, () => undefined),
                /dataDiskSource = "[^"]+docker-data-restored": an existing snapshot or disk; Resource Manager has none with this id/,
            );
        });

        it("refuses a source in another region, and a disk smaller than its source, at once", async () => {
            const message = await refusal(
                { dataDiskSource: snapshot.id, dataDiskSizeGb: "32" },
                withSource((answer) => ({ ...answer, location: "westeurope" })),
            );
            assert.match(message, /a source in eastasia, the stack's region; this one is in westeurope/);
            assert.match(
                message,
                /dataDiskSizeGb = "32": at least 64, the size of dataDiskSource\n\s+pulumi config set dataDiskSizeGb 64/,
            );
        });
    });
});
