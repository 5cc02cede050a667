import { publicPrefix } from "./machine/network";
import { World } from "./world";

/** The next free public address, as Azure allocates a static one: any unused address of the region. */
export function allocatePublicAddress(world: World): string {
    const used = new Set(
        world
            .ofType("azure-native:network:PublicIPAddress")
            .map((resource) => resource.outputs.ipAddress as string | undefined),
    );
    for (let host = 10; host < 250; host++) {
        const address = `${publicPrefix}.${host}`;
        if (!used.has(address)) {
            return address;
        }
    }
    throw new Error("the emulated region has no public address left");
}

/** Every private address in use: NICs' and scale set instances'. */
function usedPrivateAddresses(world: World): Set<string> {
    const nics = world
        .ofType("azure-native:network:NetworkInterface")
        .flatMap((nic) =>
            ((nic.outputs.ipConfigurations as { privateIPAddress?: string }[] | undefined) ?? []).map(
                (c) => c.privateIPAddress,
            ),
        );
    const instances = world.ofType(scaleSetInstanceType).map((instance) => instance.outputs.privateIPAddress as string);
    return new Set([...nics, ...instances].filter((address): address is string => typeof address === "string"));
}

/** Scale set instances are not resources of the program's, but Azure's own, listed under the scale set. */
export const scaleSetInstanceType = "stand-in:compute:VirtualMachineScaleSetInstance";

/**
 * The next free private address of a subnet, as Azure assigns a dynamic one: the lowest unused, the
 * first four (network, gateway, two DNS) and the last (broadcast) reserved.
 */
export function allocatePrivateAddress(world: World, prefix: string): { address: string; length: number } {
    const [network = "", lengthText = ""] = prefix.split("/");
    const length = Number(lengthText);
    const base = network.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
    const size = 2 ** (32 - length);
    const used = usedPrivateAddresses(world);
    for (let offset = 4; offset < size - 1; offset++) {
        const value = base + offset;
        const address = [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join(".");
        if (!used.has(address)) {
            return { address, length };
        }
    }
    throw new Error(`subnet ${prefix} has no address left`);
}
