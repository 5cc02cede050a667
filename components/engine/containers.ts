import { ArchiveFile, tarArchive } from "./archive";
import { EngineClient } from "./endpoint";
import { dockerApiRequest } from "./request";

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

/**
 * Writes files into a named volume, owned and moded as given, before any container that uses the
 * volume starts: a throwaway container (never started, no network) mounts the volume, the files go
 * in through `PUT /containers/{id}/archive` at the mount, and the container is removed, the volume
 * kept. A service container can then mount the volume read-only on a read-only root, which the
 * docker provider's own uploads cannot serve: it extracts at `/`, on the root file system.
 */
export async function writeVolumeFiles(
    client: EngineClient,
    target: { readonly volume: string; readonly image: string },
    files: readonly ArchiveFile[],
): Promise<void> {
    const mount = "/volume";
    const created = await dockerApiRequest(client, {
        method: "POST",
        path: "/containers/create",
        body: {
            Image: target.image,
            Entrypoint: ["/nonexistent"],
            Labels: { "azure-docker-host.role": "volume-writer" },
            NetworkDisabled: true,
            HostConfig: { Mounts: [{ Type: "volume", Source: target.volume, Target: mount }], NetworkMode: "none" },
        },
        timeoutMs: 30_000,
    });
    if (created.status !== 201) {
        throw new Error(
            `could not create a container to write into volume ${target.volume}: HTTP ${created.status} ${created.body}`,
        );
    }
    const id = encodeURIComponent((JSON.parse(created.body) as { Id: string }).Id);
    try {
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
    } finally {
        await dockerApiRequest(client, { method: "DELETE", path: `/containers/${id}?force=true`, timeoutMs: 30_000 });
    }
}
