import { ConfigProblem } from "../errors";

/** One VM size as Resource SKUs (`Microsoft.Compute/skus`, api-version 2021-07-01) describes it in one region. */
export interface VmSize {
    readonly name: string;
    readonly vCpus: number;
    readonly memoryGb: number;
    /** `x64` or `Arm64`. */
    readonly architecture: string;
    /** `V1`, `V2`. */
    readonly hyperVGenerations: readonly string[];
    /** `SCSI`, `NVMe`; a size that states none takes SCSI. */
    readonly diskControllers: readonly string[];
    readonly trustedLaunch: boolean;
    /** Why this subscription cannot have it in the region (`NotAvailableForSubscription`, `QuotaId`), if it cannot. */
    readonly restriction: string | undefined;
}

/** What the host needs of its size: the services' memory limits plus room for the OS and Docker. */
export interface SizeNeeds {
    readonly vCpus: number;
    readonly memoryGb: number;
}

/** Memory for Ubuntu, dockerd, containerd and the Azure agent, beside the containers' limits. */
export const hostOverheadMb = 1024;
/** Two vCPUs: two databases, the image build on the daemon, and the OS beside them. */
export const minimumVCpus = 2;

export function sizeNeeds(serviceMemoryMb: readonly number[]): SizeNeeds {
    const totalMb = serviceMemoryMb.reduce((sum, memory) => sum + memory, hostOverheadMb);
    return { vCpus: minimumVCpus, memoryGb: Math.ceil((totalMb / 1024) * 100) / 100 };
}

interface RawSku {
    readonly resourceType?: string;
    readonly name?: string;
    readonly locations?: readonly string[];
    readonly capabilities?: readonly { readonly name?: string; readonly value?: string }[];
    readonly restrictions?: readonly {
        readonly type?: string;
        readonly values?: readonly string[];
        readonly restrictionInfo?: { readonly locations?: readonly string[] };
        readonly reasonCode?: string;
    }[];
}

const same = (a: string | undefined, b: string) => (a ?? "").toLowerCase() === b.toLowerCase();

/**
 * The VM sizes of one region from Resource SKUs entries (every resource type comes back; only
 * `virtualMachines` count). Capability values are strings; a missing one takes Azure's default.
 * Only a `Location` restriction for this region keeps a size from the subscription: a `Zone`
 * restriction leaves it usable without a zone, which is how the host is placed.
 */
export function readVmSizes(entries: readonly RawSku[], location: string): VmSize[] {
    return entries
        .filter(
            (sku) =>
                same(sku.resourceType, "virtualMachines") && (sku.locations ?? []).some((at) => same(at, location)),
        )
        .map((sku) => {
            const capability = (name: string) => sku.capabilities?.find((entry) => same(entry.name, name))?.value;
            const list = (name: string, fallback: string) =>
                (capability(name) ?? fallback)
                    .split(",")
                    .map((item) => item.trim())
                    .filter(Boolean);
            const restriction = sku.restrictions?.find(
                (entry) =>
                    same(entry.type, "Location") &&
                    [...(entry.restrictionInfo?.locations ?? []), ...(entry.values ?? [])].some((at) =>
                        same(at, location),
                    ),
            );
            return {
                name: sku.name ?? "",
                vCpus: Number(capability("vCPUs") ?? 0),
                memoryGb: Number(capability("MemoryGB") ?? 0),
                architecture: capability("CpuArchitectureType") ?? "x64",
                hyperVGenerations: list("HyperVGenerations", "V1"),
                diskControllers: list("DiskControllerTypes", "SCSI"),
                trustedLaunch: !same(capability("TrustedLaunchDisabled"), "True"),
                restriction: restriction ? (restriction.reasonCode ?? "restricted") : undefined,
            };
        });
}

/** Why a size cannot carry the host, or nothing when it can. */
export function unsuitability(size: VmSize, needs: SizeNeeds): string[] {
    const reasons: string[] = [];
    if (size.architecture.toLowerCase() !== "x64") {
        reasons.push(`it is ${size.architecture}, and the images, the Docker extension and the mongodb build are x64`);
    }
    if (!size.hyperVGenerations.includes("V2")) {
        reasons.push("it runs generation 1 VMs only, and the Ubuntu images here are generation 2");
    }
    if (!size.trustedLaunch) {
        reasons.push("it does not support Trusted Launch, which the VM uses (secure boot and vTPM)");
    }
    if (size.vCpus < needs.vCpus) {
        reasons.push(`it has ${size.vCpus} vCPU(s); the host needs ${needs.vCpus}`);
    }
    if (size.memoryGb < needs.memoryGb) {
        reasons.push(
            `it has ${size.memoryGb} GB of memory; the services' limits and the host need ${needs.memoryGb} GB`,
        );
    }
    return reasons;
}

/** Up to `limit` sizes this subscription can have in the region that carry the host, smallest first. */
export function fittingSizes(sizes: readonly VmSize[], needs: SizeNeeds, limit = 3): string[] {
    return sizes
        .filter((size) => size.restriction === undefined && unsuitability(size, needs).length === 0)
        .sort((a, b) => a.vCpus - b.vCpus || a.memoryGb - b.memoryGb || a.name.localeCompare(b.name))
        .slice(0, limit)
        .map((size) => size.name);
}

const restrictionWords: Readonly<Record<string, string>> = {
    NotAvailableForSubscription: "Azure does not offer it to this subscription there (NotAvailableForSubscription)",
    QuotaId: "this subscription's offer type does not include it (QuotaId)",
};

/** The disk controller the VM must declare: NVMe for NVMe-only sizes; Azure's default (SCSI) otherwise. */
export type DiskControllerType = "NVMe" | undefined;

export interface SizeVerdict {
    readonly problems: ConfigProblem[];
    readonly diskControllerType: DiskControllerType;
    /** One line on what was found, for the run's log. */
    readonly summary: string;
}

/** Judges the configured size against the region's catalogue, naming sizes that fit when it does not. */
export function judgeVmSize(
    sizes: readonly VmSize[],
    vmSize: string,
    location: string,
    needs: SizeNeeds,
    key: "vmSize" | "swarmWorkerVmSize" = "vmSize",
): SizeVerdict {
    const size = sizes.find((candidate) => same(candidate.name, vmSize));
    const alternatives = () => {
        const fitting = fittingSizes(sizes, needs);
        return fitting.length > 0
            ? `sizes that fit: ${fitting.join(", ")}; run: pulumi config set ${key} ${fitting[0]}`
            : `no size in ${location} fits (${needs.vCpus} vCPUs, ${needs.memoryGb} GB): lower the services' memory or choose another location`;
    };
    const refuse = (accepted: string): SizeVerdict => ({
        problems: [{ key, value: vmSize, accepted, hint: alternatives() }],
        diskControllerType: undefined,
        summary: `${key} ${vmSize} refused`,
    });
    if (!size) {
        return refuse(`a VM size offered in ${location}; Azure lists no ${vmSize} there`);
    }
    if (size.restriction !== undefined) {
        return refuse(
            `a size this subscription can deploy in ${location}; ${restrictionWords[size.restriction] ?? size.restriction}`,
        );
    }
    const reasons = unsuitability(size, needs);
    if (reasons.length > 0) {
        return refuse(`a size that can carry the host; ${reasons.join("; ")}`);
    }
    const nvmeOnly = size.diskControllers.includes("NVMe") && !size.diskControllers.includes("SCSI");
    return {
        problems: [],
        diskControllerType: nvmeOnly ? "NVMe" : undefined,
        summary:
            `${size.name}: ${size.vCpus} vCPUs, ${size.memoryGb} GB, disk controller ${nvmeOnly ? "NVMe" : "SCSI"}` +
            (nvmeOnly ? " (the data disk is found as NVMe namespace LUN + 2, or /dev/disk/azure/data/by-lun/0)" : ""),
    };
}
