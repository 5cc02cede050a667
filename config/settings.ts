import { Provisioner, provisioners } from "../catalogue/provisioners";
import { PublishMode } from "../catalogue/publishModes";
import { PinnedImage } from "../catalogue/imageReference";

/** What a stack may ask for: a provisioner, or `auto`, which the preflight resolves (sticky once the host exists). */
export const provisionerSettings: readonly ProvisionerSetting[] = ["auto", ...provisioners];
export type ProvisionerSetting = "auto" | Provisioner;

export interface NetworkSettings {
    /** Programmatic Azure region name, e.g. `eastasia`. */
    readonly location: string;
    /**
     * False for a region this release's list does not know, taken as written because the config
     * is checked against Azure's own list, which must then name it.
     */
    readonly locationListed: boolean;
    readonly vnetAddressSpace: string;
    readonly subnetAddressPrefix: string;
    /** Normalised CIDRs, sorted, without duplicates. Never empty and never the whole internet. */
    readonly allowedSourceRanges: readonly string[];
    /** Undefined: derive one from the stack name. */
    readonly dnsLabel: string | undefined;
}

export interface HostSettings {
    readonly vmSize: string;
    readonly adminUsername: string;
    /** Undefined: generate an RSA 4096 key pair. */
    readonly sshPublicKey: string | undefined;
    readonly provisioner: ProvisionerSetting;
    readonly dockerPort: number;
    readonly dataDiskSizeGb: number;
    /** A snapshot or disk the data disk is copied from; undefined: an empty disk. */
    readonly dataDiskSource: string | undefined;
    readonly readinessTimeoutSeconds: number;
    /** A daily deallocation, or undefined for none. */
    readonly autoShutdown: { readonly time: string; readonly timeZone: string } | undefined;
}

/**
 * Bumping a generation replaces that key and its certificate: the config switch behind forced
 * renewal, as docker-machine's regenerate-certs was. Early renewal needs no switch.
 */
export interface CertificateGenerations {
    readonly ca: number;
    readonly server: number;
    readonly client: number;
}

export interface CertificateSettings {
    readonly caValidityHours: number;
    readonly validityHours: number;
    readonly earlyRenewalHours: number;
    readonly generations: CertificateGenerations;
}

export interface ServiceSettings {
    readonly enabled: boolean;
    /** A pinned image: redis's image, or the base mongodb's image is built from. */
    readonly image: PinnedImage;
    readonly memoryMb: number;
    readonly publish: PublishMode;
}

export interface ServicesSettings {
    readonly redis: ServiceSettings;
    readonly mongodb: ServiceSettings;
}

/** A swarm grows out of the host when it has workers; the host is its one manager. */
export interface SwarmSettings {
    /** 0: no swarm at all. */
    readonly workers: number;
    readonly workerVmSize: string;
}

/** Azure Backup of the data disk. */
export interface BackupSettings {
    /** Days a daily snapshot is kept; 0: no backups at all. */
    readonly retentionDays: number;
}

export interface StackConfig {
    readonly project: string;
    readonly stack: string;
    /** Whether Azure's catalogue is checked before anything is declared. */
    readonly preflight: boolean;
    readonly network: NetworkSettings;
    readonly host: HostSettings;
    readonly certificates: CertificateSettings;
    readonly services: ServicesSettings;
    readonly swarm: SwarmSettings;
    readonly backup: BackupSettings;
}

export interface StackIdentity {
    readonly project: string;
    readonly stack: string;
}
