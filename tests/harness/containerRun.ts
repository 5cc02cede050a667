/** A docker:index/container:Container's declared inputs, as far as `docker create` has flags for them. */
export interface DeclaredContainer {
    readonly memory: number;
    readonly memorySwap: number;
    readonly restart: string;
    readonly securityOpts: readonly string[];
    readonly init: boolean;
    readonly user: string;
    readonly capabilities: { readonly drops: readonly string[]; readonly adds: readonly string[] };
    readonly readOnly: boolean;
    readonly tmpfs?: Readonly<Record<string, string>>;
    readonly volumes: readonly {
        readonly volumeName: string;
        readonly containerPath: string;
        readonly readOnly?: boolean;
    }[];
    readonly labels?: readonly { readonly label: string; readonly value: string }[];
    readonly ports: readonly { readonly ip: string; readonly external: number; readonly internal: number }[];
    readonly networksAdvanced: readonly { readonly name: string }[];
    readonly healthcheck: {
        readonly interval: string;
        readonly timeout: string;
        readonly retries: number;
        readonly startPeriod: string;
    };
}

/**
 * `docker create` flags for exactly the options the program declared for a container: limits,
 * restart policy, security options, init, user, capabilities, read-only root and tmpfs, volumes,
 * loopback ports and its network. Health check timing comes along; the test command is the
 * caller's, since a stand-in image cannot run the service's own.
 */
export function dockerCreateFlags(declared: DeclaredContainer): string[] {
    return [
        `--memory=${declared.memory}m`,
        `--memory-swap=${declared.memorySwap}m`,
        `--restart=${declared.restart}`,
        ...declared.securityOpts.map((option) => `--security-opt=${option}`),
        ...(declared.init ? ["--init"] : []),
        `--user=${declared.user}`,
        ...declared.capabilities.drops.map((capability) => `--cap-drop=${capability}`),
        ...declared.capabilities.adds.map((capability) => `--cap-add=${capability}`),
        ...(declared.readOnly ? ["--read-only"] : []),
        ...Object.entries(declared.tmpfs ?? {}).map(([mount, options]) => `--tmpfs=${mount}:${options}`),
        ...declared.volumes.map(
            (volume) => `--volume=${volume.volumeName}:${volume.containerPath}${volume.readOnly ? ":ro" : ""}`,
        ),
        ...(declared.labels ?? []).map((label) => `--label=${label.label}=${label.value}`),
        ...declared.ports.map((port) => `--publish=${port.ip}:${port.external}:${port.internal}`),
        ...declared.networksAdvanced.map((network) => `--network=${network.name}`),
        `--health-interval=${declared.healthcheck.interval}`,
        `--health-timeout=${declared.healthcheck.timeout}`,
        `--health-retries=${declared.healthcheck.retries}`,
        `--health-start-period=${declared.healthcheck.startPeriod}`,
    ];
}
