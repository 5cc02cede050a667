import "../harness/mocks";
import * as assert from "assert";
import * as path from "path";
import { MountedDisk, snapshotInUse, writersOf } from "../harness/blockSnapshot";
import { busyboxRootfsTar } from "../harness/busyboxImage";
import { decodeBase64, parseCloudConfig } from "../harness/declaredInputs";
import { LoopDisk } from "../harness/loopDisk";
import { LocalDockerd } from "../harness/localDockerd";
import { PrivateNetwork } from "../harness/privateNetwork";
import { runProgram, validConfig } from "../harness/program";
import { provisionHost, provisioners } from "../harness/provisionedHost";
import { requireRoot, requireTools, runTool } from "../harness/tools";

const image = "rehearsal/busybox:static";

for (const provisioner of provisioners) {
    /**
     * A restore: the data disk of a host whose daemon is running, with an image, a running container
     * and a volume with data, is snapshotted as Azure Backup snapshots it (crash-consistent: the
     * daemon is not told), and a new host, provisioned by the same program with `dataDiskSource`, gets
     * a disk made from that snapshot. Its daemon must find all three, and the container must start.
     */
    describe(`restore of a running host's data disk with the ${provisioner} provisioner (rehearsal)`, function () {
        this.timeout(180_000);
        let network: PrivateNetwork | undefined;
        /** The restored host is another VM, with its own network, while the first still runs. */
        let restoredNetwork: PrivateNetwork | undefined;
        let first: LocalDockerd | undefined;
        let second: LocalDockerd | undefined;
        const disks: MountedDisk[] = [];

        before(async function () {
            requireRoot(this);
            requireTools(
                this,
                "dockerd",
                "docker",
                "unshare",
                "nsenter",
                "busybox",
                "tar",
                "losetup",
                "mkfs.ext4",
                "mount",
            );
            network = await PrivateNetwork.create();
            restoredNetwork = await PrivateNetwork.create();
        });

        after(async () => {
            try {
                await first?.stop();
                await second?.stop();
                for (const disk of disks) {
                    disk.dispose();
                }
            } finally {
                await network?.close();
                await restoredNetwork?.close();
            }
        });

        it("starts a daemon on a snapshot of a running daemon's disk with its image, container and volume", async () => {
            const original = MountedDisk.create(512);
            disks.push(original);
            const host = provisionHost(provisioner, await runProgram(validConfig({ provisioner }), { realTls: true }));
            first = await LocalDockerd.start(network!, host.first.launch, {
                executable: host.executable,
                dataRoot: path.join(original.mountPoint, "docker"),
            });
            const rootfs = busyboxRootfsTar();
            try {
                assert.strictEqual(first.admin(["import", rootfs.tar, image]).status, 0);
            } finally {
                rootfs.dispose();
            }
            const started = first.admin([
                "run",
                "--detach",
                "--name",
                "keeper",
                "--network",
                "none",
                "--volume",
                "app-data:/data",
                image,
                "sh",
                "-c",
                "echo kept > /data/file && exec sleep 3600",
            ]);
            assert.strictEqual(started.status, 0, started.stderr);
            // The nightly snapshot comes long after the writes; by then the kernel's flusher (30 s)
            // has written them to the disk. sync stands for that wait.
            assert.strictEqual(runTool("sync", []).status, 0);
            assert.ok(writersOf(original.mountPoint).length > 0, "nothing holds the disk: the daemon is not on it");
            const snapshot = snapshotInUse(original);
            assert.strictEqual(first.admin(["ps", "--filter", "name=^keeper$", "--format", "{{.Status}}"]).status, 0);

            // The restored host: a new VM from the program with dataDiskSource, its disk made from the snapshot.
            const restored = await runProgram(
                validConfig({
                    provisioner,
                    dataDiskSource:
                        "/subscriptions/00000000-0000-4000-8000-000000000042/resourceGroups/docker-backup-rg/providers/Microsoft.Compute/snapshots/docker-data-restored",
                    preflight: "false",
                }),
                { realTls: true },
            );
            // Its first boot: the user data's bootcmd finds the disk and must keep its file system.
            const [bootcmd] = parseCloudConfig(
                decodeBase64(
                    (restored.one("azure-native:compute:VirtualMachine", "docker-vm").inputs.osProfile as any)
                        .customData,
                ),
            ).bootcmd as string[][];
            const presented = LoopDisk.fromImage(snapshot);
            try {
                const uuid = presented.probe("UUID");
                const boot = presented.runPresented("azure-vm-utils", bootcmd![2]!);
                assert.strictEqual(boot.status, 0, boot.stderr);
                assert.deepStrictEqual([presented.probe("UUID"), presented.probe("LABEL")], [uuid, "docker-data"]);
            } finally {
                presented.dispose();
            }
            const restoredDisk = MountedDisk.attach(snapshot);
            disks.push(restoredDisk);
            const replacement = provisionHost(provisioner, restored);
            second = await LocalDockerd.start(restoredNetwork!, replacement.first.launch, {
                executable: replacement.executable,
                dataRoot: path.join(restoredDisk.mountPoint, "docker"),
            });
            assert.strictEqual(second.admin(["image", "inspect", image]).status, 0, "the image is gone");
            assert.strictEqual(
                second.admin(["ps", "--all", "--filter", "name=^keeper$", "--format", "{{.Names}}"]).stdout.trim(),
                "keeper",
            );
            const restart = second.admin(["start", "keeper"]);
            assert.strictEqual(restart.status, 0, restart.stderr);
            const read = second.admin(["exec", "keeper", "cat", "/data/file"]);
            assert.strictEqual(read.status, 0, read.stderr);
            assert.strictEqual(read.stdout.trim(), "kept");
            assert.strictEqual(second.admin(["volume", "inspect", "app-data"]).status, 0);
        });
    });
}
