import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PrivateNetwork } from "./privateNetwork";
import { ToolResult } from "./tools";

export interface CustomScriptRun extends ToolResult {
    /** What the handler's download folder holds afterwards. */
    readonly leftInDownloadFolder: readonly string[];
    /** Every call the script made to the stubbed commands, one per line. */
    readonly stubCalls: readonly string[];
}

/** How a handler starts the script it saved. */
export interface HandlerLaunch {
    /** The shell given the script's path with `-c`: CustomScript's /bin/sh, Run Command's /bin/bash. */
    readonly shell: "/bin/sh" | "/bin/bash";
    /** Variables the handler sets for the script (Run Command's named parameters). */
    readonly environment?: Readonly<Record<string, string>>;
}

/** The CustomScript handler's way: `/bin/sh -c <path>`, nothing added to the environment. */
export const customScriptLaunch: HandlerLaunch = { shell: "/bin/sh" };

/**
 * Runs a script as an extension handler runs it on a VM (saved as download/<n>/script.sh, 0500, run
 * as root with `<shell> -c <path>` from that folder), inside a lab node's network namespace and a
 * private mount namespace in which /run/docker.sock is `dockerSocket` (the node's daemon) and
 * `stubbed` commands (cloud-init, systemctl) only record their arguments.
 */
export async function runAsCustomScript(
    network: PrivateNetwork,
    script: string,
    dockerSocket: string,
    stubbed: readonly string[] = ["cloud-init", "systemctl"],
    launch: HandlerLaunch = customScriptLaunch,
): Promise<CustomScriptRun> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "adh-custom-script-"));
    try {
        const download = path.join(work, "download", "0");
        const stubs = path.join(work, "stubs");
        const calls = path.join(work, "calls.log");
        fs.mkdirSync(download, { recursive: true, mode: 0o700 });
        fs.mkdirSync(stubs);
        for (const command of stubbed) {
            fs.writeFileSync(path.join(stubs, command), `#!/bin/sh\necho "${command} $*" >> '${calls}'\n`, {
                mode: 0o755,
            });
        }
        const file = path.join(download, "script.sh");
        fs.writeFileSync(file, script, { mode: 0o500 });
        const result = await network.run(
            "unshare",
            [
                "--mount",
                "--propagation",
                "private",
                "sh",
                "-c",
                'mount -t tmpfs tmpfs /run && touch /run/docker.sock && mount --bind "$1" /run/docker.sock && cd "$2" && PATH="$3:$PATH" "$5" -c "$4"',
                "sh",
                dockerSocket,
                download,
                stubs,
                file,
                launch.shell,
            ],
            undefined,
            { ...process.env, ...launch.environment },
        );
        return {
            ...result,
            leftInDownloadFolder: fs.readdirSync(download),
            stubCalls: fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n") : [],
        };
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}
