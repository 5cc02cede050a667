import "../harness/mocks";
import * as assert from "assert";
import { busyboxRootfsTar } from "../harness/busyboxImage";
import { LocalDockerd } from "../harness/localDockerd";
import { PrivateNetwork } from "../harness/privateNetwork";
import { runProgram, validConfig } from "../harness/program";
import { provisionHost, provisioners } from "../harness/provisionedHost";
import { requireRoot, requireTools } from "../harness/tools";

const image = "rehearsal/busybox:static";

for (const provisioner of provisioners) {
    /**
     * A replaced VM: its OS disk is gone, the data disk is attached to a new VM provisioned from the
     * same program. Everything Docker keeps must come back from the data root alone: the image, the
     * container and the volume with its data. (This machine's dockerd predates the containerd image
     * store; on the VM, daemon.json pins the classic store so that this holds for Docker 29 as well.)
     */
    describe(`Docker's data across a replaced VM with the ${provisioner} provisioner (rehearsal)`, function () {
        this.timeout(180_000);
        let network: PrivateNetwork | undefined;
        let first: LocalDockerd | undefined;
        let second: LocalDockerd | undefined;

        before(async function () {
            requireRoot(this);
            requireTools(this, "dockerd", "docker", "unshare", "nsenter", "busybox", "tar");
            network = await PrivateNetwork.create();
        });

        after(async () => {
            await first?.stop();
            await second?.stop();
            await network?.close();
        });

        it("finds the image, the container and the volume's data on the data root the old VM left", async () => {
            const run = await runProgram(validConfig({ provisioner }), { realTls: true });
            const host = provisionHost(provisioner, run);
            first = await LocalDockerd.start(network!, host.first.launch, { executable: host.executable });
            const rootfs = busyboxRootfsTar();
            try {
                assert.strictEqual(first.admin(["import", rootfs.tar, image]).status, 0);
            } finally {
                rootfs.dispose();
            }
            const wrote = first.admin([
                "run",
                "--name",
                "keeper",
                "--network",
                "none",
                "--volume",
                "redis-data:/data",
                image,
                "sh",
                "-c",
                "echo kept > /data/file",
            ]);
            assert.strictEqual(wrote.status, 0, wrote.stderr);
            const dataRoot = first.dataRoot;
            await first.stop({ keepData: true });
            first = undefined;

            // The new VM: a fresh OS disk (its own /etc/docker, run and exec folders), the old data disk.
            const replacement = provisionHost(
                provisioner,
                await runProgram(validConfig({ provisioner }), { realTls: true }),
            );
            second = await LocalDockerd.start(network!, replacement.first.launch, {
                executable: replacement.executable,
                dataRoot,
            });
            assert.strictEqual(second.admin(["image", "inspect", image]).status, 0, "the image is gone");
            assert.strictEqual(
                second.admin(["ps", "--all", "--filter", "name=^keeper$", "--format", "{{.Names}}"]).stdout.trim(),
                "keeper",
            );
            const read = second.admin([
                "run",
                "--rm",
                "--network",
                "none",
                "--volume",
                "redis-data:/data",
                image,
                "cat",
                "/data/file",
            ]);
            assert.strictEqual(read.status, 0, read.stderr);
            assert.strictEqual(read.stdout.trim(), "kept");
        });
    });
}
