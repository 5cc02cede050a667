import { playCloudInit, resolveLikeSystemd } from "./cloudInitLaunch";
import { decodeBase64, parseCloudConfig } from "./declaredInputs";
import { DockerExtensionHandler } from "./dockerExtensionHandler";
import { DaemonLaunch, RootFile } from "./localDockerd";
import { unwrapSecret } from "./mocks";
import { ProgramRun } from "./program";

export const provisioners = ["docker-extension", "cloud-init"] as const;
export type Provisioner = (typeof provisioners)[number];

const vmType = "azure-native:compute:VirtualMachine";
const extensionType = "azure-native:compute:VirtualMachineExtension";

/** What a provisioning step did to the daemon: the launch systemd would now use, and whether it restarted. */
export interface Provisioned {
    readonly launch: DaemonLaunch;
    readonly restarted: boolean;
}

/**
 * The VM's Docker daemon as each provisioner configures it from what the program declared: the
 * extension handler's model (Docker extension), or cloud-init's files plus the CustomScript's real
 * certificate script. `apply` plays a later `pulumi up`'s extension update on the same VM.
 */
export interface ProvisionedHost {
    readonly provisioner: Provisioner;
    /** The dockerd the unit's ExecStart resolves to on this machine. */
    readonly executable: string;
    readonly first: Provisioned & { readonly details: ReturnType<typeof playCloudInit> | undefined };
    apply(later: ProgramRun): Provisioned;
}

export function extensionName(provisioner: Provisioner): string {
    return provisioner === "docker-extension" ? "docker-provisioning-extension" : "docker-provisioning-certificates";
}

function userDataOf(run: ProgramRun): string {
    return decodeBase64((run.one(vmType, "docker-vm").inputs.osProfile as { customData: string }).customData);
}

/** The files cloud-init writes under /etc/docker, as the daemon finds them. */
function etcDockerFiles(userData: string): RootFile[] {
    const config = parseCloudConfig<{ write_files: { path: string; permissions: string; content: string }[] }>(
        userData,
    );
    return config.write_files
        .filter((file) => file.path.startsWith("/etc/docker/"))
        .map((file) => ({ path: file.path, mode: file.permissions, content: file.content }));
}

export function provisionHost(provisioner: Provisioner, run: ProgramRun): ProvisionedHost {
    const userData = userDataOf(run);
    const extension = (from: ProgramRun) => from.one(extensionType, extensionName(provisioner)).inputs;
    if (provisioner === "docker-extension") {
        const handler = new DockerExtensionHandler();
        const enable = (from: ProgramRun): Provisioned => {
            const inputs = extension(from);
            const { restarted } = handler.enable(inputs.settings, unwrapSecret(inputs.protectedSettings));
            return { launch: handler.launch(etcDockerFiles(userData)), restarted };
        };
        // docker-ce's dockerd is /usr/bin/dockerd on the VM; the rehearsal's own dockerd stands in for it.
        return { provisioner, executable: "dockerd", first: { ...enable(run), details: undefined }, apply: enable };
    }
    const play = (from: ProgramRun) =>
        playCloudInit(
            userData,
            decodeBase64(unwrapSecret<{ script: string }>(extension(from).protectedSettings).script),
        );
    const details = play(run);
    const command = details.execStart.split(" ")[0] ?? "";
    const executable = resolveLikeSystemd(command);
    if (executable === undefined) {
        throw new Error(`systemd would find no ${command} for the drop-in's ExecStart on this machine`);
    }
    return {
        provisioner,
        executable,
        first: { launch: details.launch, restarted: true, details },
        apply(later) {
            const again = play(later);
            return { launch: again.launch, restarted: again.serviceCalls.includes("systemctl restart docker.service") };
        },
    };
}
