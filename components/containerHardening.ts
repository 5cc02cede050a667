import type * as docker from "@pulumi/docker/types/input";
import { PublishMode } from "../config";

/**
 * What every service container gets (CIS Docker Benchmark section 5): a memory cap with no extra
 * swap, no privilege escalation through setuid binaries, an init that reaps zombies, a restart
 * policy that survives reboots and daemon restarts, and a grace period for a clean shutdown.
 * Containers are never privileged and never see the Docker socket.
 */
export function hardenedContainer(memoryMb: number) {
    return {
        restart: "unless-stopped",
        memory: memoryMb,
        memorySwap: memoryMb,
        securityOpts: ["no-new-privileges:true"],
        privileged: false,
        init: true,
        destroyGraceSeconds: 30,
    };
}

/** Ports published on the VM's loopback only: reachable from the host and SSH tunnels, never from outside. */
export function publishedPorts(mode: PublishMode, port: number): docker.ContainerPort[] {
    return mode === "localhost" ? [{ internal: port, external: port, ip: "127.0.0.1", protocol: "tcp" }] : [];
}
