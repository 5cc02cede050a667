import * as assert from "assert";
import { dataDiskBackedUp } from "../../policy/policies/dataDiskBackedUp";
import { dataDiskProtected } from "../../policy/policies/dataDiskProtected";
import { vmSshKeysOnly } from "../../policy/policies/vmSshKeysOnly";
import { secret } from "../harness/policy/sdkInternals";
import { resourceViolations, stackViolations } from "../harness/policy/run";

/** A VM's osProfile as the program declares it, with overrides. */
function osProfile(overrides: Record<string, unknown> = {}, linux: Record<string, unknown> = {}) {
    return {
        computerName: "dev-docker",
        adminUsername: "azureuser",
        linuxConfiguration: {
            disablePasswordAuthentication: true,
            provisionVMAgent: true,
            ssh: { publicKeys: [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: "ssh-rsa AAAA" }] },
            ...linux,
        },
        ...overrides,
    };
}

const vmMessages = async (props: Record<string, unknown>) =>
    (
        await resourceViolations([vmSshKeysOnly], {
            type: "azure-native:compute:VirtualMachine",
            name: "docker-vm",
            props: { location: "eastasia", hardwareProfile: { vmSize: "Standard_B2s" }, ...props },
        })
    ).map((violation) => violation.message);

describe("policy vm-ssh-keys-only", () => {
    it("passes a VM that takes SSH keys only", async () => {
        assert.deepStrictEqual(await vmMessages({ osProfile: osProfile() }), []);
    });

    it("reports password authentication left on and an admin password, even a secret one", async () => {
        assert.deepStrictEqual(
            await vmMessages({
                osProfile: osProfile(
                    { adminPassword: secret("correct horse battery staple") },
                    { disablePasswordAuthentication: false },
                ),
            }),
            [
                "osProfile.linuxConfiguration.disablePasswordAuthentication is not true, so sshd would accept passwords",
                "osProfile.adminPassword is set; log in with an SSH key instead",
            ],
        );
    });

    it("reports a VM that never says password login is off", async () => {
        assert.deepStrictEqual(await vmMessages({ osProfile: { adminUsername: "azureuser" } }), [
            "osProfile.linuxConfiguration.disablePasswordAuthentication is not true, so sshd would accept passwords",
        ]);
        assert.deepStrictEqual(await vmMessages({}), ["the VM has no osProfile, so nothing turns password login off"]);
    });
});

describe("policy data-disk-protected", () => {
    const disk = (protect: boolean) =>
        resourceViolations([dataDiskProtected], {
            type: "azure-native:compute:Disk",
            name: "docker-data",
            props: { diskSizeGB: 64, creationData: { createOption: "Empty" }, sku: { name: "StandardSSD_LRS" } },
            opts: { protect },
        });

    it("passes a protected disk", async () => {
        assert.deepStrictEqual(await disk(true), []);
    });

    it("reports an unprotected disk", async () => {
        assert.deepStrictEqual(
            (await disk(false)).map((violation) => violation.message),
            ['disk "docker-data" is not protected, so destroying or replacing it would delete Docker\'s data'],
        );
    });
});

describe("policy data-disk-backed-up", () => {
    const diskId = "/subscriptions/s/resourceGroups/docker-rg/providers/Microsoft.Compute/disks/docker-data1a2b";
    const disk = { type: "azure-native:compute:Disk", name: "docker-data", props: { id: diskId } };
    const vault = { type: "azure-native:dataprotection:BackupVault", name: "docker-vault", props: {} };
    const instanceOf = (resourceID: string | undefined, dependencies: Record<string, string[]> = {}) => ({
        type: "azure-native:dataprotection:BackupInstance",
        name: "docker-disk-instance",
        props: { properties: { dataSourceInfo: resourceID === undefined ? {} : { resourceID } } },
        propertyDependencies: dependencies,
    });
    const messages = async (fixtures: Parameters<typeof stackViolations>[1]) =>
        (await stackViolations([dataDiskBackedUp], fixtures)).map((violation) => violation.message);

    it("passes a disk whose backup instance names its id, or was built from it while the id is unknown", async () => {
        assert.deepStrictEqual(await messages([disk, vault, instanceOf(diskId.toUpperCase())]), []);
        const diskUrn = "urn:pulumi:test::azure-docker-host::azure-native:compute:Disk::docker-data";
        assert.deepStrictEqual(
            await messages([{ ...disk, props: {} }, vault, instanceOf(undefined, { properties: [diskUrn] })]),
            [],
        );
    });

    it("reports a disk without a backup instance when the stack has a vault", async () => {
        assert.deepStrictEqual(await messages([disk, vault, instanceOf("/subscriptions/s/other")]), [
            'disk "docker-data" has no backup instance, although the stack has a backup vault',
        ]);
    });

    it("asks nothing of a stack with backups off (no vault)", async () => {
        assert.deepStrictEqual(await messages([disk]), []);
    });
});
