import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { standInSubscription, standInTenant, standInToken } from "../../harness/standInIdentity";

/**
 * The emulated Azure subscription, kept on disk so that it outlives each provider process (the
 * Pulumi CLI starts the plugin per command) and is shared with the Resource Manager stand-in that the
 * CLI's power verbs and the preflight talk to. One JSON file per resource, by its id; VMs keep their
 * OS disk, processes and logs in folders of their own beside it.
 */
export interface StoredResource {
    /** Resource Manager's id, as Azure returns it. */
    readonly id: string;
    /** The azure-native token, e.g. `azure-native:compute:VirtualMachine`. */
    readonly type: string;
    /** What the program declared (secrets still wrapped), as the last create or update received it. */
    readonly inputs: Record<string, unknown>;
    /** What Resource Manager answers: the inputs plus what Azure computed. */
    readonly outputs: Record<string, unknown>;
}

/** The subscription the stand-in serves; the stand-in's token is the only one it accepts. */
export { standInSubscription as standInSubscriptionId, standInTenant as standInTenantId, standInToken };

export class World {
    constructor(readonly root: string) {
        for (const folder of ["resources", "vms", "disks", "locks"]) {
            fs.mkdirSync(path.join(root, folder), { recursive: true });
        }
    }

    /** The world named by ADH_AZURE_WORLD, which the lifecycle harness sets for every process it starts. */
    static fromEnvironment(): World {
        const root = process.env.ADH_AZURE_WORLD;
        if (!root) {
            throw new Error("ADH_AZURE_WORLD is not set: the Azure stand-in runs only inside the lifecycle harness");
        }
        return new World(root);
    }

    private file(id: string): string {
        const digest = crypto.createHash("sha256").update(id.toLowerCase()).digest("hex").slice(0, 32);
        return path.join(this.root, "resources", `${digest}.json`);
    }

    /** Ids compare case-insensitively, as Resource Manager's do. */
    get(id: string): StoredResource | undefined {
        try {
            return JSON.parse(fs.readFileSync(this.file(id), "utf8")) as StoredResource;
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code === "ENOENT") {
                return undefined;
            }
            throw error;
        }
    }

    put(resource: StoredResource): void {
        const target = this.file(resource.id);
        const staged = `${target}.${process.pid}.tmp`;
        fs.writeFileSync(staged, JSON.stringify(resource, null, 2));
        fs.renameSync(staged, target);
    }

    remove(id: string): void {
        fs.rmSync(this.file(id), { force: true });
    }

    all(): StoredResource[] {
        return fs
            .readdirSync(path.join(this.root, "resources"))
            .filter((name) => name.endsWith(".json"))
            .map(
                (name) =>
                    JSON.parse(fs.readFileSync(path.join(this.root, "resources", name), "utf8")) as StoredResource,
            );
    }

    ofType(type: string): StoredResource[] {
        return this.all().filter((resource) => resource.type === type);
    }

    /**
     * A folder that belongs to one emulated machine (its OS disk, processes, logs), named by a
     * digest of the VM's name: containerd's socket lies deep below it, and a socket's path must
     * stay within 107 bytes.
     */
    vmFolder(name: string): string {
        return path.join(this.root, "vms", crypto.createHash("sha256").update(name).digest("hex").slice(0, 8));
    }

    /** The image file behind a managed disk; it outlives every VM it is attached to. */
    diskImage(id: string): string {
        const digest = crypto.createHash("sha256").update(id.toLowerCase()).digest("hex").slice(0, 32);
        return path.join(this.root, "disks", `${digest}.img`);
    }

    /**
     * Runs `work` holding a lock shared by every process of the world: the provider plugin and the
     * Resource Manager stand-in may both act on one VM.
     */
    async locked<T>(name: string, work: () => Promise<T>): Promise<T> {
        const lock = path.join(this.root, "locks", name.replace(/[^A-Za-z0-9._-]/g, "_"));
        for (;;) {
            try {
                fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
                break;
            } catch (error) {
                if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
                    throw error;
                }
                if (!holderAlive(lock)) {
                    fs.rmSync(lock, { force: true });
                    continue;
                }
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
        }
        try {
            return await work();
        } finally {
            fs.rmSync(lock, { force: true });
        }
    }
}

/** A lock whose holder died (the CLI killed mid-operation) is free again. */
function holderAlive(lock: string): boolean {
    const pid = Number.parseInt(fs.readFileSync(lock, "utf8") || "0", 10);
    if (!(pid > 0)) {
        return false;
    }
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}
