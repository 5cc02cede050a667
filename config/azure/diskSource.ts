import { askedOrAbsent } from "../../azure/failures";
import { ConfigProblem } from "../errors";
import { CatalogueSource } from "./catalogue";

/** What the preflight needs to know of a restore source: where it is and how big. */
export interface DiskSourceFacts {
    readonly location: string;
    readonly sizeGb: number;
}

/** `/subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Compute/{snapshots|disks}/{name}`, read. */
const diskResourceId =
    /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/(snapshots|disks)\/([^/]+)$/i;

/** A snapshot or disk as Resource Manager describes it; undefined when it answers 404. */
export async function describeDiskSource(
    source: CatalogueSource,
    resourceId: string,
): Promise<DiskSourceFacts | undefined> {
    const [, group, kind, name] = diskResourceId.exec(resourceId) ?? [];
    if (!group || !kind || !name) {
        throw new Error(`${resourceId} is not the id of a snapshot or a managed disk`);
    }
    const client = await source.compute();
    const found = await askedOrAbsent(`the restore source ${name}`, () =>
        kind.toLowerCase() === "snapshots" ? client.snapshots.get(group, name) : client.disks.get(group, name),
    );
    if (!found) {
        return undefined;
    }
    if (typeof found.location !== "string" || typeof found.diskSizeGB !== "number") {
        throw new Error(`GET ${resourceId} answered without a location and a diskSizeGB`);
    }
    return { location: found.location, sizeGb: found.diskSizeGB };
}

/**
 * A data disk can be made from the source only when the source exists for this identity, lives in
 * the stack's region (Azure copies a disk or snapshot within its region), and fits: a disk is never
 * smaller than what it is copied from.
 */
export async function judgeDiskSource(
    source: CatalogueSource,
    resourceId: string,
    location: string,
    dataDiskSizeGb: number,
): Promise<ConfigProblem[]> {
    const problem = (accepted: string, hint?: string): ConfigProblem[] => [
        { key: "dataDiskSource", value: resourceId, accepted, ...(hint ? { hint } : {}) },
    ];
    let facts: DiskSourceFacts | undefined;
    try {
        facts = await describeDiskSource(source, resourceId);
    } catch (error) {
        return problem(
            `a snapshot or disk this identity may read (${(error as Error).message})`,
            "check the id with `az resource show --ids <id>`",
        );
    }
    if (!facts) {
        return problem(
            "an existing snapshot or disk; Resource Manager has none with this id",
            "list restored disks with `az disk list -g <group> -o table` or snapshots with `az snapshot list -o table`",
        );
    }
    const problems: ConfigProblem[] = [];
    if (facts.location.toLowerCase().replace(/\s+/g, "") !== location) {
        problems.push(
            ...problem(
                `a source in ${location}, the stack's region; this one is in ${facts.location}`,
                `copy it there first: az snapshot create -g <group> -n <name> -l ${location} --source <id> --incremental true --copy-start true`,
            ),
        );
    }
    if (facts.sizeGb > dataDiskSizeGb) {
        problems.push({
            key: "dataDiskSizeGb",
            value: String(dataDiskSizeGb),
            accepted: `at least ${facts.sizeGb}, the size of dataDiskSource`,
            hint: `pulumi config set dataDiskSizeGb ${facts.sizeGb}`,
        });
    }
    return problems;
}

/**
 * An existing data disk is never made smaller: Azure refuses ("Reducing disk/snapshot size is not
 * supported in Azure to prevent data loss"), and so does the config check, before anything is sent.
 * A disk that cannot be read is no reason to stop here: the update itself will tell.
 */
export async function judgeDiskShrink(
    source: CatalogueSource,
    diskId: string,
    dataDiskSizeGb: number,
): Promise<ConfigProblem[]> {
    const facts = await describeDiskSource(source, diskId).catch(() => undefined);
    if (!facts || dataDiskSizeGb >= facts.sizeGb) {
        return [];
    }
    return [
        {
            key: "dataDiskSizeGb",
            value: String(dataDiskSizeGb),
            accepted: `${facts.sizeGb} or more: the data disk is ${facts.sizeGb} GiB, and Azure cannot make a disk smaller`,
            hint: `pulumi config set dataDiskSizeGb ${facts.sizeGb}`,
        },
    ];
}
