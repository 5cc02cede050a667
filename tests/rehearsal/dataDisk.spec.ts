import "../harness/mocks";
import * as assert from "assert";
import { dataDiskScript } from "../../components/host/dataDisk";
import { DiskPresentation, LoopDisk } from "../harness/loopDisk";
import { requireRoot, requireTools } from "../harness/tools";

/**
 * The bootcmd that prepares the data disk, run as root against a real block device presented the
 * ways Azure presents a data disk, with the real blkid and mkfs.ext4.
 */
describe("data disk preparation against a real block device (rehearsal)", function () {
    this.timeout(120_000);
    let disk: LoopDisk | undefined;

    before(function () {
        requireRoot(this);
        requireTools(this, "losetup", "unshare", "blkid", "mkfs.ext4", "sfdisk");
    });

    beforeEach(() => {
        disk = LoopDisk.create();
    });

    afterEach(() => {
        disk?.dispose();
        disk = undefined;
    });

    const presentations: DiskPresentation[] = ["scsi-agent-rules", "azure-vm-utils", "nvme-sysfs-only"];
    for (const presentation of presentations) {
        it(`formats a blank disk found through ${presentation}, once`, () => {
            const first = disk!.runPresented(presentation, dataDiskScript());
            assert.strictEqual(first.status, 0, first.stderr);
            assert.match(first.stdout, /formatted the blank data disk \/dev\/\S+ as ext4 labelled docker-data/);
            assert.deepStrictEqual([disk!.probe("TYPE"), disk!.probe("LABEL")], ["ext4", "docker-data"]);
            const uuid = disk!.probe("UUID");

            // Every later boot runs it again; the file system, and the data on it, must stay.
            const again = disk!.runPresented(presentation, dataDiskScript());
            assert.strictEqual(again.status, 0, again.stderr);
            assert.doesNotMatch(again.stdout, /formatted/);
            assert.strictEqual(disk!.probe("UUID"), uuid);
        });
    }

    it("shows the device path earlier releases formatted does not exist on NVMe sizes", () => {
        for (const presentation of ["azure-vm-utils", "nvme-sysfs-only"] as const) {
            const probe = disk!.runPresented(presentation, "test -b /dev/disk/azure/scsi1/lun0");
            assert.strictEqual(probe.status, 1, presentation);
        }
    });

    it("recognises a disk formatted by earlier releases (GPT, partition 1 labelled docker-data)", () => {
        const table = disk!.prepare('echo "type=linux" | sfdisk -q --label gpt "$1"');
        assert.strictEqual(table.status, 0, table.stderr);
        const partition = disk!.partition(1);
        const formatted = disk!.prepare('mkfs.ext4 -q -L docker-data "$1"', partition);
        assert.strictEqual(formatted.status, 0, formatted.stderr);
        const uuid = disk!.probe("UUID", partition);
        const result = disk!.runPresented("scsi-agent-rules", dataDiskScript());
        assert.strictEqual(result.status, 0, result.stderr);
        assert.strictEqual(result.stdout + result.stderr, "");
        assert.strictEqual(disk!.probe("UUID", partition), uuid);
        assert.strictEqual(disk!.probe("PTTYPE"), "gpt");
    });

    it("leaves a disk that holds anything else untouched, and says so", () => {
        const prepared = disk!.prepare('mkfs.ext4 -q -L precious "$1"');
        assert.strictEqual(prepared.status, 0, prepared.stderr);
        const uuid = disk!.probe("UUID");
        const result = disk!.runPresented("azure-vm-utils", dataDiskScript());
        assert.strictEqual(result.status, 0);
        assert.match(result.stderr, /holds a partition table or file system not labelled docker-data; left untouched/);
        assert.deepStrictEqual([disk!.probe("UUID"), disk!.probe("LABEL")], [uuid, "precious"]);
    });

    it("fails with what it looked for when no data disk is attached", () => {
        const result = disk!.runPresented("absent", dataDiskScript(0, "docker-data", 1));
        assert.strictEqual(result.status, 1);
        assert.match(
            result.stderr,
            /no data disk at LUN 0 \(looked for \/dev\/disk\/azure\/data\/by-lun\/0, \/dev\/disk\/azure\/scsi1\/lun0 and the remote NVMe namespace 2\)/,
        );
        assert.strictEqual(disk!.probe("TYPE"), "");
    });
});
