import { EngineClient } from "./endpoint";
import { dockerApiRequest } from "./request";

/** What a manager hands out and keeps: its node, where workers join it, and the join tokens. */
export interface SwarmManagerState {
    readonly nodeId: string;
    /** `ip:2377`, the address workers dial. */
    readonly managerAddress: string;
    readonly workerToken: string;
    readonly managerToken: string;
}

async function call(
    client: EngineClient,
    method: "GET" | "POST" | "DELETE",
    path: string,
    body?: unknown,
    timeoutMs = 60_000,
) {
    const response = await dockerApiRequest(client, { method, path, body, timeoutMs });
    let parsed: unknown;
    try {
        parsed = response.body ? JSON.parse(response.body) : undefined;
    } catch {
        parsed = undefined;
    }
    return { status: response.status, body: parsed, text: response.body.trim() };
}

/** A manager's swarm as the daemon reports it, beyond what workers need. */
export interface LiveSwarm extends SwarmManagerState {
    /** The address the manager advertises (without the port). */
    readonly advertiseAddress: string;
    /** The pool overlay networks take their subnets from, fixed when the swarm was made. */
    readonly defaultAddressPool: string;
}

/** The daemon's swarm if it manages one (GET /info, GET /swarm); undefined when it is in none. */
export async function describeSwarm(client: EngineClient): Promise<LiveSwarm | undefined> {
    const info = await call(client, "GET", "/info");
    if (info.status !== 200) {
        throw new Error(`GET /info answered HTTP ${info.status}: ${info.text}`);
    }
    const swarm = (
        info.body as {
            Swarm?: {
                LocalNodeState?: string;
                ControlAvailable?: boolean;
                NodeID?: string;
                NodeAddr?: string;
                RemoteManagers?: { Addr?: string }[];
            };
        }
    ).Swarm;
    if (!swarm?.LocalNodeState || swarm.LocalNodeState === "inactive" || !swarm.ControlAvailable) {
        return undefined;
    }
    const inspected = await call(client, "GET", "/swarm");
    if (inspected.status !== 200) {
        throw new Error(`GET /swarm answered HTTP ${inspected.status}: ${inspected.text}`);
    }
    const { JoinTokens: tokens = {}, DefaultAddrPool: pool = [] } = inspected.body as {
        JoinTokens?: { Worker?: string; Manager?: string };
        DefaultAddrPool?: string[];
    };
    const advertiseAddress = swarm.NodeAddr ?? "";
    return {
        nodeId: swarm.NodeID ?? "",
        managerAddress: swarm.RemoteManagers?.[0]?.Addr ?? `${advertiseAddress}:2377`,
        advertiseAddress,
        defaultAddressPool: pool[0] ?? "",
        workerToken: tokens.Worker ?? "",
        managerToken: tokens.Manager ?? "",
    };
}

/**
 * Makes the daemon a swarm manager and returns what workers need, idempotently: a daemon that is
 * already an active manager is read, not initialised again; an inactive one is initialised (POST
 * /swarm/init) listening on 2377 and advertising `advertiseAddress`. A swarm that advertises another
 * address or takes overlay subnets from another pool than asked is refused with what it has: both are
 * fixed when a swarm is made, and workers dial the address. Anything else (a worker, a pending or
 * locked node, live-restore on) is refused with what it is.
 */
export async function ensureSwarmManager(
    client: EngineClient,
    init: { readonly advertiseAddress: string; readonly defaultAddressPool: string },
): Promise<SwarmManagerState> {
    const info = await call(client, "GET", "/info");
    if (info.status !== 200) {
        throw new Error(`GET /info answered HTTP ${info.status}: ${info.text}`);
    }
    const { Swarm: swarm, LiveRestoreEnabled: liveRestore } = info.body as {
        Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean };
        LiveRestoreEnabled?: boolean;
    };
    const state = swarm?.LocalNodeState ?? "";
    if (state === "" || state === "inactive") {
        if (liveRestore) {
            throw new Error(
                "the daemon runs with live-restore, which swarm mode refuses: its settings have not been applied yet",
            );
        }
        const initialised = await call(client, "POST", "/swarm/init", {
            ListenAddr: "0.0.0.0:2377",
            AdvertiseAddr: `${init.advertiseAddress}:2377`,
            DefaultAddrPool: [init.defaultAddressPool],
            SubnetSize: 24,
        });
        if (initialised.status !== 200) {
            throw new Error(`POST /swarm/init answered HTTP ${initialised.status}: ${initialised.text}`);
        }
    } else if (state !== "active" || !swarm?.ControlAvailable) {
        throw new Error(
            `the daemon is a swarm node in state "${state}" but not an active manager; it cannot lead the swarm`,
        );
    }
    const live = await describeSwarm(client);
    if (!live) {
        throw new Error("the daemon reports no swarm after it was made a manager");
    }
    const drift = [
        live.advertiseAddress !== init.advertiseAddress
            ? `advertises ${live.advertiseAddress}, not ${init.advertiseAddress}`
            : undefined,
        live.defaultAddressPool !== init.defaultAddressPool
            ? `takes overlay subnets from ${live.defaultAddressPool}, not ${init.defaultAddressPool}`
            : undefined,
    ].filter(Boolean);
    if (drift.length > 0) {
        throw new Error(
            `the host's swarm ${drift.join(" and ")}; both are fixed when a swarm is made: turn the swarm off ` +
                "and on again (swarmWorkers 0, pulumi up, then the count you want) to make it anew",
        );
    }
    const { nodeId, managerAddress, workerToken, managerToken } = live;
    return { nodeId, managerAddress, workerToken, managerToken };
}

/**
 * Takes the daemon out of any swarm it is part of (POST /swarm/leave?force=true), so that it can run
 * with live-restore again: dockerd refuses to start with live-restore while swarm state is in its
 * data root. A manager leaving is forced: it is the swarm's only one, and the swarm goes with it.
 * Resolves with what the daemon was before.
 */
export async function leaveSwarm(client: EngineClient): Promise<"left" | "not in a swarm"> {
    const info = await call(client, "GET", "/info");
    if (info.status !== 200) {
        throw new Error(`GET /info answered HTTP ${info.status}: ${info.text}`);
    }
    const state = (info.body as { Swarm?: { LocalNodeState?: string } }).Swarm?.LocalNodeState ?? "";
    if (state === "" || state === "inactive") {
        return "not in a swarm";
    }
    const left = await call(client, "POST", "/swarm/leave?force=true");
    // 503: the node had already left by the time the call arrived.
    if (left.status !== 200 && left.status !== 503) {
        throw new Error(`POST /swarm/leave answered HTTP ${left.status}: ${left.text}`);
    }
    return "left";
}

/** One node as `GET /nodes` lists it. */
export interface SwarmNode {
    readonly id: string;
    readonly hostname: string;
    readonly role: string;
    readonly state: string;
    readonly availability: string;
}

export async function listNodes(client: EngineClient, timeoutMs?: number): Promise<SwarmNode[]> {
    const nodes = await call(client, "GET", "/nodes", undefined, timeoutMs);
    if (nodes.status !== 200) {
        throw new Error(`GET /nodes answered HTTP ${nodes.status}: ${nodes.text}`);
    }
    return (
        nodes.body as {
            ID: string;
            Description?: { Hostname?: string };
            Spec?: { Role?: string; Availability?: string };
            Status?: { State?: string };
        }[]
    ).map((node) => ({
        id: node.ID,
        hostname: node.Description?.Hostname ?? "",
        role: node.Spec?.Role ?? "",
        state: node.Status?.State ?? "",
        availability: node.Spec?.Availability ?? "",
    }));
}

/**
 * Removes the workers that are down and whose instance the scale set no longer has: they left the
 * swarm (or died with their VM) and would otherwise linger in `docker node ls`. A worker that is
 * down but still an instance (`instances`, by host name) is rebooting or cut off and keeps its
 * membership: the manager cannot tell the two apart (both are "down", "heartbeat failure"), once
 * removed a node cannot rejoin with its old identity. Managers are never touched. Returns the
 * removed nodes' host names.
 */
export async function pruneDownWorkers(client: EngineClient, instances: readonly string[]): Promise<string[]> {
    const kept = new Set(instances.map((name) => name.toLowerCase()));
    const removed: string[] = [];
    for (const node of await listNodes(client)) {
        if (node.role === "worker" && node.state === "down" && !kept.has(node.hostname.toLowerCase())) {
            const deleted = await call(client, "DELETE", `/nodes/${encodeURIComponent(node.id)}?force=true`);
            if (deleted.status !== 200 && deleted.status !== 404) {
                throw new Error(`DELETE /nodes/${node.id} answered HTTP ${deleted.status}: ${deleted.text}`);
            }
            removed.push(node.hostname);
        }
    }
    return removed;
}

/**
 * Waits until every worker whose instance is gone (not among `instances`, by host name) is down, as
 * happens some seconds after the scale set removes it: one that left is down at once, one that
 * vanished when its heartbeats stop. Workers still instances may be up or down (a reboot) meanwhile.
 * Resolves with the nodes as they are then, at the latest after `timeoutMs`.
 */
export async function waitForDepartedDown(
    client: EngineClient,
    instances: readonly string[],
    timeoutMs: number,
): Promise<SwarmNode[]> {
    const kept = new Set(instances.map((name) => name.toLowerCase()));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const nodes = await listNodes(client);
        const lingering = nodes.filter(
            (node) => node.role === "worker" && node.state !== "down" && !kept.has(node.hostname.toLowerCase()),
        );
        if (lingering.length === 0 || Date.now() >= deadline) {
            return nodes;
        }
        await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
}

/**
 * Waits until every worker named (by host name) is a ready node of the swarm, as one rejoining
 * becomes within seconds of its join. Fails after `timeoutMs` naming those still missing and how the
 * swarm lists them.
 */
export async function waitForWorkersReady(
    client: EngineClient,
    hostnames: readonly string[],
    timeoutMs: number,
): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const nodes = await listNodes(client);
        const missing = hostnames.filter(
            (hostname) =>
                !nodes.some((node) => node.hostname.toLowerCase() === hostname.toLowerCase() && node.state === "ready"),
        );
        if (missing.length === 0) {
            return;
        }
        if (Date.now() >= deadline) {
            const listed = nodes.map((node) => `${node.hostname} ${node.role} ${node.state}`).join(", ");
            throw new Error(
                `${missing.join(", ")} did not rejoin the swarm within ${timeoutMs / 1000} s; the swarm lists: ${listed}`,
            );
        }
        await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
}
