import { ArchiveFile, tarArchive, untarFiles } from "./archive";
import { EngineClient } from "./endpoint";
import { dockerApiRequest } from "./request";

/** A container's pids limit as the daemon holds it; undefined when there is no such container. */
export async function readPidsLimit(client: EngineClient, containerId: string): Promise<number | undefined> {
    const inspected = await dockerApiRequest(client, {
        method: "GET",
        path: `/containers/${encodeURIComponent(containerId)}/json`,
        timeoutMs: 30_000,
    });
    if (inspected.status === 404) {
        return undefined;
    }
    if (inspected.status !== 200) {
        throw new Error(`GET /containers/${containerId}/json answered HTTP ${inspected.status}: ${inspected.body}`);
    }
    // 0 and null both mean no limit.
    return Number(JSON.parse(inspected.body).HostConfig?.PidsLimit ?? 0);
}

/**
 * Sets a container's cgroup pids limit (`POST /containers/{id}/update`, as `docker update
 * --pids-limit` does) and reads it back from `GET /containers/{id}/json`. Docker keeps the limit
 * across restarts.
 */
export async function setPidsLimit(client: EngineClient, containerId: string, pidsLimit: number): Promise<void> {
    const container = `/containers/${encodeURIComponent(containerId)}`;
    const updated = await dockerApiRequest(client, {
        method: "POST",
        path: `${container}/update`,
        body: { PidsLimit: pidsLimit },
        timeoutMs: 30_000,
    });
    if (updated.status !== 200) {
        throw new Error(`the daemon refused the pids limit of ${containerId}: HTTP ${updated.status} ${updated.body}`);
    }
    const inspected = await dockerApiRequest(client, { method: "GET", path: `${container}/json`, timeoutMs: 30_000 });
    const applied = inspected.status === 200 ? JSON.parse(inspected.body).HostConfig?.PidsLimit : undefined;
    if (applied !== pidsLimit) {
        throw new Error(`container ${containerId} reports PidsLimit ${applied}, not ${pidsLimit}`);
    }
}

const writerRole = "volume-writer";
const mount = "/volume";

/** The throwaway container's name for a volume: one at most per volume, so a leftover is found. */
function writerName(volume: string): string {
    return `azure-docker-host-${writerRole}-${volume.replace(/[^a-zA-Z0-9_.-]/g, "_")}`;
}

/**
 * Removes every writer container that holds `volume`: one a killed run or a restarted daemon left
 * behind would keep the volume in use, and a later delete of the volume would fail.
 */
async function removeWriters(client: EngineClient, volume: string): Promise<void> {
    const filters = encodeURIComponent(
        JSON.stringify({ label: [`azure-docker-host.role=${writerRole}`], volume: [volume] }),
    );
    const listed = await dockerApiRequest(client, {
        method: "GET",
        path: `/containers/json?all=true&filters=${filters}`,
        timeoutMs: 30_000,
    });
    if (listed.status !== 200) {
        throw new Error(`could not list the writers of volume ${volume}: HTTP ${listed.status} ${listed.body}`);
    }
    for (const { Id } of JSON.parse(listed.body) as { Id: string }[]) {
        const removed = await dockerApiRequest(client, {
            method: "DELETE",
            path: `/containers/${encodeURIComponent(Id)}?force=true`,
            timeoutMs: 30_000,
        });
        if (removed.status !== 204 && removed.status !== 404) {
            throw new Error(
                `could not remove writer ${Id} of volume ${volume}: HTTP ${removed.status} ${removed.body}`,
            );
        }
    }
}

/**
 * Runs `work` with a throwaway container (never started, no network) that mounts the volume at
 * /volume, and removes it afterwards, and any that an earlier, interrupted run left behind.
 */
async function withWriter<T>(
    client: EngineClient,
    target: { readonly volume: string; readonly image: string },
    work: (container: string) => Promise<T>,
): Promise<T> {
    await removeWriters(client, target.volume);
    const created = await dockerApiRequest(client, {
        method: "POST",
        path: `/containers/create?name=${encodeURIComponent(writerName(target.volume))}`,
        body: {
            Image: target.image,
            Entrypoint: ["/nonexistent"],
            Labels: { "azure-docker-host.role": writerRole },
            NetworkDisabled: true,
            HostConfig: { Mounts: [{ Type: "volume", Source: target.volume, Target: mount }], NetworkMode: "none" },
        },
        timeoutMs: 30_000,
    });
    if (created.status !== 201) {
        throw new Error(
            `could not create a container to reach volume ${target.volume}: HTTP ${created.status} ${created.body}`,
        );
    }
    const id = encodeURIComponent((JSON.parse(created.body) as { Id: string }).Id);
    try {
        return await work(id);
    } finally {
        await dockerApiRequest(client, { method: "DELETE", path: `/containers/${id}?force=true`, timeoutMs: 30_000 });
    }
}

/**
 * Writes files into a named volume, owned and moded as given, before any container that uses the
 * volume starts: the files go into a throwaway container that mounts the volume, through
 * `PUT /containers/{id}/archive` at the mount; the volume keeps them. A service container can then
 * mount the volume read-only on a read-only root, which the docker provider's own uploads cannot
 * serve: it extracts at `/`, on the root file system.
 */
export async function writeVolumeFiles(
    client: EngineClient,
    target: { readonly volume: string; readonly image: string },
    files: readonly ArchiveFile[],
): Promise<void> {
    await withWriter(client, target, async (id) => {
        const written = await dockerApiRequest(client, {
            method: "PUT",
            path: `/containers/${id}/archive?path=${encodeURIComponent(mount)}`,
            body: tarArchive(files),
            timeoutMs: 30_000,
        });
        if (written.status !== 200) {
            throw new Error(
                `the daemon refused the files for volume ${target.volume}: HTTP ${written.status} ${written.body}`,
            );
        }
    });
}

/**
 * A file in a named volume as it is now, with its owner and mode, read the same way; undefined
 * when the volume or the file is gone.
 */
export async function readVolumeFile(
    client: EngineClient,
    target: { readonly volume: string; readonly image: string },
    name: string,
): Promise<
    { readonly content: Buffer; readonly mode: number; readonly uid: number; readonly gid: number } | undefined
> {
    const volume = await dockerApiRequest(client, {
        method: "GET",
        path: `/volumes/${encodeURIComponent(target.volume)}`,
        timeoutMs: 30_000,
    });
    if (volume.status === 404) {
        return undefined;
    }
    return withWriter(client, target, async (id) => {
        const path = encodeURIComponent(`${mount}/${name}`);
        const read = await dockerApiRequest(client, {
            method: "GET",
            path: `/containers/${id}/archive?path=${path}`,
            timeoutMs: 30_000,
        });
        if (read.status === 404) {
            return undefined;
        }
        if (read.status !== 200) {
            throw new Error(`could not read ${name} in volume ${target.volume}: HTTP ${read.status} ${read.body}`);
        }
        const stat = JSON.parse(
            Buffer.from(String(read.headers["x-docker-container-path-stat"] ?? ""), "base64").toString("utf8") || "{}",
        ) as { mode?: number };
        const header = read.raw.subarray(0, 512);
        const field = (start: number, width: number) =>
            Number.parseInt(
                header
                    .subarray(start, start + width)
                    .toString("ascii")
                    .replace(/\0.*$/s, "")
                    .trim() || "0",
                8,
            );
        const content = untarFiles(read.raw).get(name);
        return content === undefined
            ? undefined
            : { content, mode: (stat.mode ?? field(100, 8)) & 0o7777, uid: field(108, 8), gid: field(116, 8) };
    });
}
