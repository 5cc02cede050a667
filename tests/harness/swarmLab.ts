import { PrivateNetwork } from "./privateNetwork";

/** One machine of the lab: its own network namespace, and its address on the shared segment. */
export interface LabNode {
    readonly network: PrivateNetwork;
    readonly address: string;
}

/**
 * Several hosts on one private segment, as VMs on one subnet: a namespace holding a bridge (the
 * switch) and one namespace per node, each wired to the bridge with a veth pair and given an
 * address in 10.99.0.0/24. Nothing leaves the lab: no route out, no NAT.
 */
export class SwarmLab {
    private constructor(
        private readonly fabric: PrivateNetwork,
        readonly nodes: readonly LabNode[],
    ) {}

    static async create(count: number): Promise<SwarmLab> {
        const fabric = await PrivateNetwork.create();
        const nodes: LabNode[] = [];
        try {
            await must(fabric, ["ip", "link", "add", "br0", "type", "bridge"]);
            await must(fabric, ["ip", "link", "set", "br0", "up"]);
            for (let index = 1; index <= count; index++) {
                const network = await PrivateNetwork.create(`node-${index}`);
                const address = `10.99.0.${index}`;
                nodes.push({ network, address });
                await must(fabric, [
                    "ip",
                    "link",
                    "add",
                    `port${index}`,
                    "type",
                    "veth",
                    "peer",
                    "name",
                    "eth0",
                    "netns",
                    String(network.pid),
                ]);
                await must(fabric, ["ip", "link", "set", `port${index}`, "master", "br0"]);
                await must(fabric, ["ip", "link", "set", `port${index}`, "up"]);
                await must(network, ["ip", "addr", "add", `${address}/24`, "dev", "eth0"]);
                await must(network, ["ip", "link", "set", "eth0", "up"]);
            }
        } catch (error) {
            await Promise.all([...nodes.map((node) => node.network.close()), fabric.close()]);
            throw error;
        }
        return new SwarmLab(fabric, nodes);
    }

    async close(): Promise<void> {
        await Promise.all([...this.nodes.map((node) => node.network.close()), this.fabric.close()]);
    }
}

async function must(network: PrivateNetwork, [command, ...args]: string[]): Promise<void> {
    const result = await network.run(command!, args);
    if (result.status !== 0) {
        throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}`);
    }
}

/**
 * Whether this kernel can run Docker's encrypted overlay: it programs IPsec (ESP) states with the
 * rfc4106(gcm(aes)) AEAD, which some kernels are built without.
 */
export async function kernelHasOverlayEncryption(): Promise<boolean> {
    const probe = await PrivateNetwork.create();
    try {
        const result = await probe.run("ip", [
            "xfrm",
            "state",
            "add",
            "src",
            "10.0.0.1",
            "dst",
            "10.0.0.2",
            "proto",
            "esp",
            "spi",
            "0x100",
            "reqid",
            "1",
            "mode",
            "transport",
            "aead",
            "rfc4106(gcm(aes))",
            "0x0102030405060708090a0b0c0d0e0f1011121314",
            "128",
        ]);
        return result.status === 0;
    } finally {
        await probe.close();
    }
}
