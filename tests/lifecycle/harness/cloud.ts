import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ArmStandIn } from "../../harness/armStandIn";
import { standInSubscription, standInToken } from "../../harness/standInIdentity";
import { worldBackend } from "../azure/armBackend";
import { Machine } from "../azure/machine/machine";
import { run } from "../azure/machine/shell";
import { World } from "../azure/world";

/**
 * The emulated Azure the lifecycle deploys to: a world (the subscription's resources and machines)
 * in a folder of its own, and the Resource Manager stand-in backed by it, over HTTPS on loopback.
 */
export class EmulatedCloud {
    private constructor(
        readonly world: World,
        readonly arm: ArmStandIn,
        private readonly caFile: string,
    ) {}

    static async start(): Promise<EmulatedCloud> {
        const world = new World(fs.mkdtempSync(path.join(os.tmpdir(), "adh-world-")));
        const arm = await ArmStandIn.start();
        arm.backend = worldBackend(world);
        const caFile = path.join(world.root, "arm-ca.pem");
        fs.writeFileSync(caFile, arm.certPem);
        return new EmulatedCloud(world, arm, caFile);
    }

    /** What every process of the lifecycle needs to find this cloud. */
    get env(): NodeJS.ProcessEnv {
        return { ADH_AZURE_WORLD: this.world.root, NODE_EXTRA_CA_CERTS: this.caFile };
    }

    /** The machines the world runs now, by name. */
    machines(): Machine[] {
        const folder = path.join(this.world.root, "vms");
        return fs
            .readdirSync(folder)
            .map((name) => path.join(folder, name))
            .filter((candidate) => Machine.exists(candidate))
            .map((candidate) => Machine.load(candidate));
    }

    /** `az snapshot create`: a snapshot of a disk, through Resource Manager (the stand-in). */
    async snapshot(resourceGroup: string, name: string, diskId: string): Promise<string> {
        const id = `/subscriptions/${standInSubscription}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/snapshots/${name}`;
        const response = await fetch(`${this.arm.url}${id}?api-version=2024-03-02`, {
            method: "PUT",
            headers: { Authorization: `Bearer ${standInToken}`, "Content-Type": "application/json" },
            body: JSON.stringify({
                location: "eastasia",
                properties: { creationData: { createOption: "Copy", sourceResourceId: diskId }, incremental: true },
            }),
        });
        if (response.status !== 201 && response.status !== 200) {
            throw new Error(`PUT ${id} answered ${response.status}: ${await response.text()}`);
        }
        return id;
    }

    /** The Docker host's VM (not a swarm worker), if it runs. */
    hostMachine(): Machine | undefined {
        return this.machines().find(
            (machine) => machine.spec.name.startsWith("docker-vm") && machine.power === "running",
        );
    }

    /**
     * What is still there of the cloud's machinery: namespaces, daemons, loop devices, and disk
     * images that no managed disk or snapshot of the world owns.
     */
    leftovers(): { namespaces: string[]; daemons: string[]; loops: string[]; disks: string[] } {
        const namespaces = run("ip", ["netns", "list"])
            .stdout.split("\n")
            .filter((line) => line.startsWith("adh-"));
        const daemons = run("pgrep", ["-af", `dockerd.*${this.world.root}`], { check: false })
            .stdout.split("\n")
            .filter(Boolean);
        const loops = run("losetup", ["--list", "--noheadings", "--output", "NAME,BACK-FILE"])
            .stdout.split("\n")
            .filter((line) => line.includes(this.world.root));
        const owned = new Set(this.world.all().map((resource) => path.basename(this.world.diskImage(resource.id))));
        const disks = fs.readdirSync(path.join(this.world.root, "disks")).filter((image) => !owned.has(image));
        return { namespaces, daemons, loops, disks };
    }

    /** Powers every machine off and removes the world: what a test leaves, whatever happened. */
    async teardown(): Promise<void> {
        for (const machine of this.machines()) {
            await machine.destroy().catch(() => undefined);
        }
        this.arm.close();
        fs.rmSync(this.world.root, { recursive: true, force: true });
    }
}
