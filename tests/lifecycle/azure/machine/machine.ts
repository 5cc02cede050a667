import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import * as YAML from "yaml";
import { DockerExtensionHandler, packagedUnit as dockerCeUnit } from "../../../harness/dockerExtensionHandler";
import { killAll } from "./cgroup";
import {
    AttachedDisk,
    attachImage,
    deviceWithLabel,
    detach,
    DiskController,
    fileSystemSize,
    refreshCapacity,
    runBootCommand,
    unmountUnder,
} from "./disks";
import {
    dockerActive,
    dockerInstalled,
    dockerSocket,
    dockerUnitPath,
    postStartCommands,
    rooted,
    startDocker,
    stopDocker,
    unmetCondition,
    VmPaths,
} from "./dockerService";
import { interfaceNames, plugIn, unplug } from "./network";
import { run, shellWord } from "./shell";
import { runOnVm, ServiceManager } from "./vmShell";

/** What Azure knows of one VM (or scale set instance) that decides how it boots. */
export interface MachineSpec {
    /** The VM's resource name, or the scale set instance's: unique in the world. */
    readonly name: string;
    /** The host name cloud-init gives the VM (osProfile.computerName): what its daemon reports. */
    readonly computerName: string;
    /** `10.20.1.4/24`, and the public address too when the NIC has one. */
    readonly addresses: readonly string[];
    /** customData, decoded: the cloud-config the VM boots with. */
    readonly userData: string;
    readonly dataDisks: readonly { readonly lun: number; readonly image: string }[];
    readonly controller: DiskController;
}

/** What the VM keeps between boots and between provider processes. */
interface MachineState {
    spec: MachineSpec;
    power: "running" | "deallocated";
    /** cloud-init's per-instance modules (write_files, packages, runcmd) ran once already. */
    firstBootDone: boolean;
    attached: AttachedDisk[];
    /** The CustomScript handler's sequence number, one up on each enable. */
    customScriptSequence: number;
    /** The Run Command handler's sequence number per run command, one up on each PUT. */
    runCommandSequences?: Record<string, number>;
    /** Every boot and what it did, for the harness to read. */
    journal: string[];
}

/** The VM's well-known places: the docker-ce and docker.io packages put dockerd in /usr/bin. */
const packagedDockerd = "/usr/bin/dockerd";
const ubuntuDockerIoUnit = [
    "[Unit]",
    "Description=Docker Application Container Engine",
    "After=network-online.target docker.socket firewalld.service containerd.service",
    "",
    "[Service]",
    "Type=notify",
    "ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock",
    "ExecReload=/bin/kill -s HUP $MAINPID",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
].join("\n");
const dockerWanted = "/etc/systemd/system/multi-user.target.wants/docker.service";
export const dataRootOnVm = "/var/lib/docker";

/**
 * One emulated VM: a network namespace on the cloud bridge, its data disks on loop devices, an OS
 * disk that is a folder, cloud-init's modules and the VM extensions' handlers played by models, and
 * whatever daemon systemd would start from what they left on disk, for real.
 */
export class Machine {
    private constructor(
        readonly folder: string,
        private state: MachineState,
    ) {}

    get paths(): VmPaths {
        return {
            root: path.join(this.folder, "root"),
            run: path.join(this.folder, "run"),
            log: path.join(this.folder, "dockerd.log"),
            namespace: interfaceNames(this.state.spec.name).namespace,
        };
    }

    get spec(): MachineSpec {
        return this.state.spec;
    }

    get power(): "running" | "deallocated" {
        return this.state.power;
    }

    /** The operator's socket on the VM (`docker -H unix://...` as root on the VM). */
    get adminSocket(): string {
        return rooted(this.paths, dockerSocket);
    }

    get dataRoot(): string {
        return rooted(this.paths, dataRootOnVm);
    }

    static exists(folder: string): boolean {
        return fs.existsSync(path.join(folder, "machine.json"));
    }

    static load(folder: string): Machine {
        return new Machine(
            folder,
            JSON.parse(fs.readFileSync(path.join(folder, "machine.json"), "utf8")) as MachineState,
        );
    }

    /** A new VM from its spec, booted. */
    static async create(folder: string, spec: MachineSpec): Promise<Machine> {
        fs.mkdirSync(path.join(folder, "root"), { recursive: true });
        const machine = new Machine(folder, {
            spec,
            power: "deallocated",
            firstBootDone: false,
            attached: [],
            customScriptSequence: 0,
            journal: [],
        });
        machine.save();
        await machine.powerOn();
        return machine;
    }

    private save(): void {
        const file = path.join(this.folder, "machine.json");
        fs.writeFileSync(`${file}.tmp`, JSON.stringify(this.state, null, 2));
        fs.renameSync(`${file}.tmp`, file);
    }

    private note(line: string): void {
        this.state.journal.push(`${new Date().toISOString()} ${line}`);
        this.save();
    }

    /** Azure changed the VM's model (a resize, a disk attached): the next boot uses the new spec. */
    respec(spec: MachineSpec): void {
        this.state.spec = spec;
        this.save();
    }

    /** Boots: the NIC, the disks, cloud-init's boot modules, then what systemd starts. */
    async powerOn(): Promise<void> {
        if (this.state.power === "running") {
            return;
        }
        const { spec } = this.state;
        plugIn(spec.name, spec.addresses);
        this.state.attached = spec.dataDisks.map((disk) => attachImage(disk.image, disk.lun));
        this.state.power = "running";
        this.note(
            `boot: ${spec.addresses.join(", ")}; disks ${this.state.attached.map((disk) => `lun${disk.lun}=${disk.device}`).join(", ") || "none"}`,
        );
        const config = cloudConfigOf(spec.userData);
        this.runBootCommands(config);
        this.mountFileSystems(config);
        if (!this.state.firstBootDone) {
            this.writeFiles(config);
            await this.installPackages(config);
            await this.runCommands(config);
            this.state.firstBootDone = true;
            this.save();
        } else if (fs.existsSync(rooted(this.paths, dockerWanted))) {
            // multi-user.target pulls in docker.service, subject to its conditions.
            await this.serviceManager(["start", "docker.service"]);
        }
    }

    /** Power off, as Azure's deallocate or stop does: nothing the VM ran survives. */
    async powerOff(): Promise<void> {
        if (this.state.power !== "running") {
            return;
        }
        await stopDocker(this.paths);
        await killAll(this.paths.namespace);
        unmountUnder(this.paths.run);
        unmountUnder(this.paths.root);
        for (const disk of this.state.attached) {
            detach(disk);
        }
        this.state.attached = [];
        unplug(this.state.spec.name);
        this.state.power = "deallocated";
        this.note("powered off");
    }

    async reboot(): Promise<void> {
        await this.powerOff();
        await this.powerOn();
    }

    /** The VM deleted: powered off, its OS disk gone (deleteOption Delete); data disks stay. */
    async destroy(): Promise<void> {
        await this.powerOff();
        fs.rmSync(this.folder, { recursive: true, force: true });
    }

    /** Azure grew an attached disk: the guest sees the new size at once; its file system does not grow by itself. */
    diskGrown(image: string): void {
        for (const disk of this.state.attached.filter((candidate) => candidate.image === image)) {
            refreshCapacity(disk);
            this.note(`lun${disk.lun} grown`);
        }
    }

    /** The data disk's file system as `df` on the VM reports it. */
    dataRootSize(): { sizeKb: number; availableKb: number } {
        return fileSystemSize(this.dataRoot);
    }

    get dockerRunning(): boolean {
        return dockerActive(this.paths);
    }

    /** The VM's journal: what each boot and extension did. */
    get journal(): readonly string[] {
        return this.state.journal;
    }

    /** What explains a failure on this VM: its journal's last lines and its dockerd's log's. */
    diagnostics(lines = 40): string {
        const daemonLog = fs.existsSync(this.paths.log)
            ? fs.readFileSync(this.paths.log, "utf8").trim().split("\n")
            : [];
        return [
            `VM ${this.state.spec.name}, journal:`,
            ...this.state.journal.slice(-lines),
            "dockerd's log:",
            ...daemonLog.slice(-lines),
        ].join("\n");
    }

    // -- cloud-init's modules, in the order its stages run them -------------------------------

    /** bootcmd (init stage, every boot): as root, with the data disk presented as the controller shows it. */
    private runBootCommands(config: CloudConfig): void {
        for (const entry of config.bootcmd ?? []) {
            const result = runBootCommand(entry, this.state.attached[0], this.state.spec.controller);
            this.note(`bootcmd exited ${result.status}: ${(result.stderr + result.stdout).trim()}`);
        }
    }

    /** mounts (init stage): fstab entries by LABEL=; `nofail` ones may be missing. */
    private mountFileSystems(config: CloudConfig): void {
        for (const [spec = "", mountPoint = "", type = "auto", options = "defaults"] of config.mounts ?? []) {
            const label = /^LABEL=(.+)$/.exec(spec)?.[1];
            const device = label ? deviceWithLabel(this.state.attached, label) : spec;
            const optional = options.split(",").includes("nofail");
            if (!device) {
                this.note(`mount ${spec} on ${mountPoint}: no such device${optional ? " (nofail)" : ""}`);
                continue;
            }
            const target = rooted(this.paths, mountPoint);
            fs.mkdirSync(target, { recursive: true });
            const mountOptions = options
                .split(",")
                .filter((option) => option !== "nofail" && option !== "defaults")
                .join(",");
            run("mount", ["-t", type, ...(mountOptions ? ["-o", mountOptions] : []), device, target]);
            this.note(`mounted ${spec} (${device}) on ${mountPoint}`);
        }
    }

    /** write_files (init stage, first boot). */
    private writeFiles(config: CloudConfig): void {
        for (const file of config.write_files ?? []) {
            const target = rooted(this.paths, file.path);
            fs.mkdirSync(path.dirname(target), { recursive: true });
            const mode = Number.parseInt(file.permissions ?? "0644", 8);
            fs.writeFileSync(target, file.content ?? "", { mode });
            fs.chmodSync(target, mode);
        }
    }

    /** packages (final stage, first boot): Ubuntu's docker.io installs, enables and starts Docker. */
    private async installPackages(config: CloudConfig): Promise<void> {
        for (const name of config.packages ?? []) {
            if (name === "docker.io") {
                await this.installDocker(ubuntuDockerIoUnit);
            } else {
                // Everything else the VM runs is this machine's own binary (curl, python3).
                this.note(`package ${name}: this machine's own`);
            }
        }
    }

    private async installDocker(unit: string): Promise<void> {
        const unitFile = rooted(this.paths, dockerUnitPath);
        fs.mkdirSync(path.dirname(unitFile), { recursive: true });
        fs.writeFileSync(unitFile, unit);
        const binary = rooted(this.paths, packagedDockerd);
        fs.mkdirSync(path.dirname(binary), { recursive: true });
        fs.writeFileSync(binary, "#!/bin/sh\n# docker's dockerd, played by this machine's own\n", { mode: 0o755 });
        await this.serviceManager(["enable", "docker.service"]);
        // The package's postinst starts the daemon at once.
        await this.serviceManager(["start", "docker.service"]);
        this.note("Docker installed");
    }

    /** runcmd (final stage, first boot), each entry as root on the VM. */
    private async runCommands(config: CloudConfig): Promise<void> {
        for (const entry of config.runcmd ?? []) {
            const command = typeof entry === "string" ? entry : entry.map(shellWord).join(" ");
            const result = await runOnVm(this.paths, command, (args) => this.serviceManager(args), {
                dataRoot: this.dataRoot,
            });
            this.note(`runcmd exited ${result.status}: ${(result.stderr + result.stdout).trim()}`);
        }
    }

    // -- systemd, for what the scripts ask of it ----------------------------------------------

    /** `systemctl <args>` on the VM. Only docker.service is run for real; other units are only enabled. */
    readonly serviceManager: ServiceManager = async (args) => {
        const words = args.filter((arg) => !arg.startsWith("-"));
        const quiet = args.includes("--quiet") || args.includes("-q");
        const [verb = "", ...units] = words;
        const isDocker = (unit: string) => unit === "docker" || unit === "docker.service";
        const paths = this.paths;
        switch (verb) {
            case "daemon-reload":
                return { status: 0, output: "" };
            case "umount-data-disk":
                // fstab's mount of the data disk, as systemd's var-lib-docker.mount holds it.
                return run("umount", [this.dataRoot], { check: false }).status === 0
                    ? { status: 0, output: "" }
                    : { status: 32, output: `umount: ${dataRootOnVm}: target is busy.\n` };
            case "mount-data-disk": {
                this.mountFileSystems(cloudConfigOf(this.state.spec.userData));
                const device = run("findmnt", ["-n", "-o", "SOURCE", this.dataRoot], { check: false }).stdout.trim();
                return device ? { status: 0, output: device } : { status: 32, output: "" };
            }
            case "cat":
                if (units.every(isDocker) && dockerInstalled(paths)) {
                    return { status: 0, output: fs.readFileSync(rooted(paths, dockerUnitPath), "utf8") };
                }
                return { status: 1, output: `No files found for ${units.join(" ")}.\n` };
            case "is-active":
                return units.every(isDocker) && dockerActive(paths)
                    ? { status: 0, output: quiet ? "" : "active\n" }
                    : { status: 3, output: quiet ? "" : "inactive\n" };
            case "enable":
                for (const unit of units) {
                    if (isDocker(unit)) {
                        const wanted = rooted(paths, dockerWanted);
                        fs.mkdirSync(path.dirname(wanted), { recursive: true });
                        fs.writeFileSync(wanted, dockerUnitPath);
                    } else {
                        this.note(`systemctl enable ${unit}: recorded; the emulation runs no unit but docker.service`);
                    }
                }
                if (args.includes("--now")) {
                    return this.serviceManager(["start", ...units]);
                }
                return { status: 0, output: "" };
            case "start":
            case "restart":
            case "stop": {
                for (const unit of units) {
                    if (!isDocker(unit)) {
                        this.note(`systemctl ${verb} ${unit}: not run by the emulation`);
                        continue;
                    }
                    if (verb !== "start") {
                        await stopDocker(paths);
                    }
                    if (verb !== "stop") {
                        const outcome = await startDocker(paths, this.dataRoot, this.state.spec.computerName);
                        this.note(`systemctl ${verb} docker.service: ${outcome}`);
                        if (outcome === "started") {
                            const failed = await this.runPostStart();
                            if (failed) {
                                return { status: 1, output: failed };
                            }
                        }
                    }
                }
                return { status: 0, output: "" };
            }
            default:
                return { status: 1, output: `systemctl ${verb}: not emulated\n` };
        }
    };

    /**
     * docker.service's ExecStartPost commands, as systemd runs them once the daemon is up: in order,
     * as root on the VM, the executable from the VM's own disk. A failure fails the start unless the
     * command is marked `-`; the answer is the failure's message.
     */
    private async runPostStart(): Promise<string | undefined> {
        for (const { command, failureIgnored } of postStartCommands(this.paths)) {
            const [executable = "", ...args] = command.trim().split(/\s+/);
            const onVm = rooted(this.paths, executable);
            if (!fs.existsSync(onVm)) {
                const message = `docker.service: ExecStartPost ${executable} is not on the VM`;
                this.note(message);
                if (failureIgnored) {
                    continue;
                }
                return `${message}\n`;
            }
            const quoted = [onVm, ...args].map(shellWord).join(" ");
            const result = await runOnVm(this.paths, quoted, (request) => this.serviceManager(request), {
                dataRoot: this.dataRoot,
            });
            this.note(`ExecStartPost ${executable} exited ${result.status}: ${(result.stdout + result.stderr).trim()}`);
            if (result.status !== 0 && !failureIgnored) {
                return `Job for docker.service failed: ExecStartPost ${executable} exited ${result.status}\n`;
            }
        }
        return undefined;
    }

    // -- the VM extensions' handlers ----------------------------------------------------------

    /**
     * The Docker VM extension's enable (model in tests/harness/dockerExtensionHandler.ts): installs
     * Docker with get.docker.com when it is missing, writes the certificates, rewrites ExecStart,
     * and restarts Docker only when the unit changed.
     */
    async enableDockerExtension(settings: unknown, protectedSettings: unknown): Promise<void> {
        const paths = this.paths;
        if (!dockerInstalled(paths)) {
            await this.installDocker(dockerCeUnit);
        }
        const unitFile = rooted(paths, dockerUnitPath);
        const certificateFiles = ["/etc/docker/ca.pem", "/etc/docker/cert.pem", "/etc/docker/key.pem"]
            .filter((file) => fs.existsSync(rooted(paths, file)))
            .map((file) => ({
                path: file,
                mode: (fs.statSync(rooted(paths, file)).mode & 0o777).toString(8).padStart(4, "0"),
                content: fs.readFileSync(rooted(paths, file), "utf8"),
            }));
        const handler = new DockerExtensionHandler(fs.readFileSync(unitFile, "utf8"), certificateFiles);
        const { restarted } = handler.enable(settings, protectedSettings);
        for (const file of handler.installedCertificates) {
            const target = rooted(paths, file.path);
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.writeFileSync(target, file.content, { mode: Number.parseInt(file.mode, 8) });
        }
        fs.writeFileSync(unitFile, handler.unitText);
        const answer = await this.serviceManager([restarted ? "restart" : "start", "docker.service"]);
        this.note(`DockerExtension enable: ${restarted ? "unit changed, Docker restarted" : "unit unchanged"}`);
        if (!dockerActive(paths)) {
            throw new Error(
                `Enable failed: docker.service is not running (${unmetCondition(paths) ?? answer.output.trim()}); see ${paths.log}`,
            );
        }
    }

    /**
     * The CustomScript extension's enable (2.1): the script from protected settings, or public ones
     * (base64, maybe gzip), saved as download/<n>/script.sh (0500) and run once with `/bin/sh -c`
     * from that folder, its output kept beside it; a non-zero exit fails the extension with that output.
     */
    async runCustomScript(
        settings: { script?: string } | undefined,
        protectedSettings: { script?: string } | undefined,
        extensionName: string,
    ): Promise<void> {
        const encoded = protectedSettings?.script ?? settings?.script;
        if (!encoded) {
            throw new Error(`Enable failed: the ${extensionName} extension has no script in its protected settings`);
        }
        let script = Buffer.from(encoded, "base64");
        if (script[0] === 0x1f && script[1] === 0x8b) {
            script = zlib.gunzipSync(script);
        }
        const sequence = this.state.customScriptSequence++;
        this.save();
        const download = rooted(this.paths, `/var/lib/waagent/custom-script/download/${sequence}`);
        fs.mkdirSync(download, { recursive: true, mode: 0o700 });
        const file = path.join(download, "script.sh");
        fs.writeFileSync(file, script, { mode: 0o500 });
        const result = await runOnVm(this.paths, `/bin/sh -c '${file}'`, (args) => this.serviceManager(args), {
            dataRoot: this.dataRoot,
            cwd: download,
            stdoutFile: path.join(download, "stdout"),
            stderrFile: path.join(download, "stderr"),
        });
        this.note(`CustomScript ${extensionName} #${sequence} exited ${result.status}`);
        if (result.status !== 0) {
            throw new Error(
                `VM has reported a failure when processing extension '${extensionName}'. Error message: "Enable failed: ` +
                    `failed to execute command: command terminated with exit status=${result.status}\n[stdout]\n` +
                    `${result.stdout.trim()}\n[stderr]\n${result.stderr.trim()}"`,
            );
        }
    }

    /**
     * A managed run command, as the Run Command v2 handler (RunCommandHandlerLinux) runs one: the
     * inline script saved as download/<name>/<sequence>/script.sh (0500, folder 0700) and run as
     * root with `/bin/bash -c <path>` from that folder; named parameters, public then protected,
     * become environment variables exactly as named, unnamed ones words after the path; stdout and
     * stderr go to files beside it, whose tails the instance view reports.
     */
    async runCommand(
        name: string,
        script: string,
        parameters: readonly RunCommandParameter[],
        protectedParameters: readonly RunCommandParameter[],
    ): Promise<RunCommandOutcome> {
        const sequences = (this.state.runCommandSequences ??= {});
        const sequence = (sequences[name] = (sequences[name] ?? -1) + 1);
        this.save();
        const download = rooted(this.paths, `/var/lib/waagent/run-command-handler/download/${name}/${sequence}`);
        fs.mkdirSync(download, { recursive: true, mode: 0o700 });
        const file = path.join(download, "script.sh");
        fs.writeFileSync(file, script, { mode: 0o500 });
        const given = [...parameters, ...protectedParameters].filter((parameter) => parameter.value);
        const environment = Object.fromEntries(
            given.filter((parameter) => parameter.name).map((parameter) => [parameter.name!, parameter.value!]),
        );
        const words = given
            .filter((parameter) => !parameter.name)
            .map((parameter) => ` ${parameter.value}`)
            .join("");
        const result = await runOnVm(
            this.paths,
            `/bin/bash -c '${file}${words}'`,
            (args) => this.serviceManager(args),
            {
                dataRoot: this.dataRoot,
                cwd: download,
                stdoutFile: path.join(download, "stdout"),
                stderrFile: path.join(download, "stderr"),
                environment,
            },
        );
        this.note(`RunCommand ${name} #${sequence} exited ${result.status}`);
        const tail = (text: string) => text.slice(-4096);
        return {
            executionState: result.status === 0 ? "Succeeded" : "Failed",
            exitCode: result.status ?? -1,
            output: tail(result.stdout),
            error: tail(result.stderr),
        };
    }
}

/** A name and a value, as a run command's parameters and protected parameters are given. */
export interface RunCommandParameter {
    readonly name?: string;
    readonly value?: string;
}

/** What a managed run command reports in its instance view once the handler is done. */
export interface RunCommandOutcome {
    readonly executionState: "Succeeded" | "Failed";
    readonly exitCode: number;
    readonly output: string;
    readonly error: string;
}

interface CloudConfig {
    readonly bootcmd?: (string | string[])[];
    readonly mounts?: string[][];
    readonly write_files?: { path: string; permissions?: string; content?: string }[];
    readonly packages?: string[];
    readonly runcmd?: (string | string[])[];
}

/** User data as cloud-init reads it: a `#cloud-config` YAML document. */
export function cloudConfigOf(userData: string): CloudConfig {
    if (!userData.startsWith("#cloud-config")) {
        throw new Error("the user data is not a #cloud-config document; the emulation plays no other kind");
    }
    return (YAML.parse(userData) ?? {}) as CloudConfig;
}
