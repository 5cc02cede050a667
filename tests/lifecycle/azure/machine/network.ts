import * as crypto from "crypto";
import { run } from "./shell";

/**
 * The emulated cloud's one layer-2 segment: a bridge in the lifecycle harness's own network
 * namespace. Public addresses are in 203.0.113.0/24 (TEST-NET-3), the harness itself being
 * 203.0.113.1; each VM's NIC joins the bridge with its private address and, when it has one, its
 * public address, so the harness reaches a VM at its public IP and VMs reach each other at their
 * private ones, as on one Azure virtual network.
 */
export const cloudBridge = "adh-cloud";
export const harnessAddress = "203.0.113.1";
export const publicPrefix = "203.0.113";

/** The namespace and interface names of one VM: short, as Linux wants interface names. */
export function interfaceNames(vmName: string): { namespace: string; hostSide: string } {
    const digest = crypto.createHash("sha256").update(vmName).digest("hex").slice(0, 8);
    return { namespace: `adh-${digest}`, hostSide: `adh${digest}` };
}

export function namespaceExists(namespace: string): boolean {
    return run("ip", ["netns", "list"])
        .stdout.split("\n")
        .some((line) => line.split(" ")[0] === namespace);
}

/** Creates the VM's network namespace with its NIC on the cloud bridge; addresses are `a.b.c.d/len`. */
export function plugIn(vmName: string, addresses: readonly string[]): string {
    const { namespace, hostSide } = interfaceNames(vmName);
    unplug(vmName);
    run("ip", ["netns", "add", namespace]);
    run("ip", ["link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", namespace]);
    run("ip", ["link", "set", hostSide, "master", cloudBridge]);
    run("ip", ["link", "set", hostSide, "up"]);
    const inside = (...args: string[]) => run("ip", ["-n", namespace, ...args]);
    inside("link", "set", "lo", "up");
    for (const address of addresses) {
        inside("addr", "add", address, "dev", "eth0");
    }
    inside("link", "set", "eth0", "up");
    return namespace;
}

/** Removes the namespace and its NIC; whatever ran in it must have been stopped first. */
export function unplug(vmName: string): void {
    const { namespace, hostSide } = interfaceNames(vmName);
    run("ip", ["link", "del", hostSide], { check: false });
    if (namespaceExists(namespace)) {
        run("ip", ["netns", "del", namespace]);
    }
}

/**
 * Wraps a command so that it runs in the VM's network namespace and nothing else of its own: unlike
 * `ip netns exec`, nsenter leaves the mount namespace alone, so the data disk's mount and dockerd's
 * own mounts are the harness's to see and clean up.
 */
export function inNamespace(namespace: string, command: string, args: readonly string[]): [string, string[]] {
    return ["nsenter", [`--net=/run/netns/${namespace}`, "--", command, ...args]];
}
