import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dockerSocket, rooted, VmPaths } from "./dockerService";
import { inNamespace } from "./network";
import { CommandResult, shellWord, sleep } from "./shell";

/** What a script's `systemctl` asks of the VM's service manager; answered with an exit status and output. */
export type ServiceManager = (args: readonly string[]) => Promise<{ status: number; output: string }>;

/**
 * The stand-in for systemctl on the VM: it hands its arguments to the machine's service manager
 * (this process) through a request file and waits for the answer, so `systemctl restart docker`
 * really restarts the VM's daemon before the script's next line runs.
 */
function systemctlStub(queue: string): string {
    return `#!/bin/sh
request="${queue}/$(date +%s%N)-$$"
printf '%s\\n' "$@" > "$request.tmp" && mv "$request.tmp" "$request"
while [ ! -e "$request.done" ]; do sleep 0.1; done
cat "$request.out" 2>/dev/null
status=$(cat "$request.done")
rm -f "$request.taken" "$request.done" "$request.out"
exit "$status"
`;
}

/** cloud-init has finished by the time an extension runs: the VM's agent waits for it. */
const cloudInitStub = `#!/bin/sh
case "$1" in
  status) echo "status: done"; exit 0 ;;
  *) echo "cloud-init $*: not available in the emulated VM" >&2; exit 1 ;;
esac
`;

/**
 * mount and umount as the VM has them, for its data disk's mount point: fstab's mount of
 * /var/lib/docker is the machine's (its service manager does it), seen here through a bind. Any
 * other use goes to this machine's own mount and umount.
 */
const mountStub = (tool: "mount" | "umount", queue: string) =>
    [
        "#!/bin/sh",
        'if [ "$#" -eq 1 ] && [ "$1" = /var/lib/docker ]; then',
        // This shell's own views of the disk go first (the bind, and the copy of the machine's mount
        // this namespace was made with), so the disk is free once the machine's mount goes.
        ...(tool === "umount"
            ? [
                  "  /usr/bin/umount /var/lib/docker || exit 32",
                  '  /usr/bin/umount "$ADH_VM_DATA_ROOT" 2>/dev/null || true',
              ]
            : []),
        `  request="${queue}/$(date +%s%N)-$$"`,
        `  printf '%s\\n' "${tool}-data-disk" > "$request.tmp" && mv "$request.tmp" "$request"`,
        '  while [ ! -e "$request.done" ]; do sleep 0.1; done',
        '  status=$(cat "$request.done")',
        // The machine answers a mount with the device it mounted; this shell sees it too.
        ...(tool === "mount"
            ? ['  if [ "$status" -eq 0 ]; then /usr/bin/mount "$(cat "$request.out")" /var/lib/docker; fi']
            : ['  cat "$request.out" 2>/dev/null']),
        '  rm -f "$request.taken" "$request.done" "$request.out"',
        '  exit "$status"',
        "fi",
        `exec /usr/bin/${tool} "$@"`,
        "",
    ].join("\n");

/** journalctl prints the VM's dockerd log, which is what `journalctl -u docker.service` shows. */
const journalctlStub = (log: string) => `#!/bin/sh
tail -n 50 '${log}' 2>/dev/null
`;

/**
 * The folders a script on the VM writes its files into (the daemon's configuration, systemd's
 * units and drop-ins, the project's own scripts): inside the VM's shell each is the VM's folder.
 */
const vmOwnedFolders = ["/etc/docker", "/etc/systemd/system", "/usr/local/lib/azure-docker-host"] as const;

/**
 * Runs a shell command as root on the emulated VM: in its network namespace, and in a private mount
 * namespace where /etc/docker, /etc/systemd/system and our scripts' folder are the VM's, /var/lib/docker its data disk, /run holds its Docker
 * socket (for /run/docker.sock and /var/run/docker.sock alike), and systemctl, cloud-init and journalctl are the VM's. `cwd` is a
 * folder under the VM's root. Everything else (the shell, coreutils, curl, python3) is this machine's.
 */
export async function runOnVm(
    paths: VmPaths,
    command: string,
    manager: ServiceManager,
    options: {
        readonly cwd?: string;
        readonly stdoutFile?: string;
        readonly stderrFile?: string;
        /** The VM's /var/lib/docker (the data disk's mount), seen at that path by the script. */
        readonly dataRoot?: string;
        /** Variables the script inherits beyond this process's own, as a handler sets them. */
        readonly environment?: Readonly<Record<string, string>>;
    } = {},
): Promise<CommandResult> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "adh-vm-shell-"));
    const queue = path.join(work, "systemctl");
    const stubs = path.join(work, "bin");
    fs.mkdirSync(queue);
    fs.mkdirSync(stubs);
    fs.writeFileSync(path.join(stubs, "systemctl"), systemctlStub(queue), { mode: 0o755 });
    fs.writeFileSync(path.join(stubs, "cloud-init"), cloudInitStub, { mode: 0o755 });
    fs.writeFileSync(path.join(stubs, "journalctl"), journalctlStub(paths.log), { mode: 0o755 });
    fs.writeFileSync(path.join(stubs, "mount"), mountStub("mount", queue), { mode: 0o755 });
    fs.writeFileSync(path.join(stubs, "umount"), mountStub("umount", queue), { mode: 0o755 });
    for (const folder of vmOwnedFolders) {
        fs.mkdirSync(rooted(paths, folder), { recursive: true });
    }
    const socket = rooted(paths, dockerSocket);
    fs.mkdirSync(path.dirname(socket), { recursive: true });
    const setup = [
        // Every folder the VM's scripts install into is the VM's own, never this machine's.
        ...vmOwnedFolders.map(
            (folder) =>
                `mkdir -p ${shellWord(folder)} && mount --bind ${shellWord(rooted(paths, folder))} ${shellWord(folder)}`,
        ),
        'if [ -n "$6" ] && mountpoint -q "$6"; then mount --bind "$6" /var/lib/docker; fi',
        // The VM's /run, with its Docker socket: a restarted daemon's new socket shows there too.
        'mount --bind "$2" /run',
        'cd "$3"',
        'PATH="$4:$PATH"',
        'ADH_VM_DATA_ROOT="$6"',
        "export ADH_VM_DATA_ROOT",
        'exec /bin/sh -c "$5"',
    ].join(" && ");
    const [wrapper, wrapped] = inNamespace(paths.namespace, "unshare", [
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        setup,
        "vm-shell",
        "",
        path.dirname(socket),
        options.cwd ?? paths.root,
        stubs,
        command,
        options.dataRoot ?? "",
    ]);
    const child = spawn(wrapper, wrapped, {
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, ...options.environment },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const exited = new Promise<number | null>((resolve, reject) => {
        child.on("error", reject);
        child.on("close", resolve);
    });
    const outcome: { status?: number | null } = {};
    void exited.then((code) => (outcome.status = code));
    try {
        // Answer systemctl's requests until the script is done.
        while (!("status" in outcome)) {
            for (const name of fs.readdirSync(queue).filter((entry) => /^\d+-\d+$/.test(entry))) {
                const request = path.join(queue, name);
                const args = fs.readFileSync(request, "utf8").split("\n").filter(Boolean);
                fs.renameSync(request, `${request}.taken`);
                const answer = await manager(args).catch((error: Error) => ({
                    status: 1,
                    output: `${error.message}\n`,
                }));
                fs.writeFileSync(`${request}.out`, answer.output);
                fs.writeFileSync(`${request}.done`, String(answer.status));
            }
            await sleep(50);
        }
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
    if (options.stdoutFile) {
        fs.writeFileSync(options.stdoutFile, stdout);
    }
    if (options.stderrFile) {
        fs.writeFileSync(options.stderrFile, stderr);
    }
    return { status: outcome.status ?? null, stdout, stderr };
}
