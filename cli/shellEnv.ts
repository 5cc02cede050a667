export const shells = ["bash", "zsh", "fish", "powershell"] as const;
export type Shell = (typeof shells)[number];

/** The variables docker-machine's `env` set, which every docker CLI and SDK reads. */
export interface DockerEnvironment {
    readonly DOCKER_HOST: string;
    readonly DOCKER_TLS_VERIFY: string;
    readonly DOCKER_CERT_PATH: string;
}

export const dockerVariables: readonly (keyof DockerEnvironment)[] = [
    "DOCKER_HOST",
    "DOCKER_TLS_VERIFY",
    "DOCKER_CERT_PATH",
];

/** Quotes a value so the shell takes it literally, whatever it holds. */
export function quote(shell: Shell, value: string): string {
    switch (shell) {
        case "fish":
            return `'${value.replace(/[\\']/g, "\\$&")}'`;
        case "powershell":
            return `'${value.replace(/'/g, "''")}'`;
        default:
            return `'${value.replace(/'/g, `'"'"'`)}'`;
    }
}

/** Lines that set the variables in `shell`. */
export function setLines(shell: Shell, environment: DockerEnvironment): string[] {
    return dockerVariables.map((name) => {
        const value = quote(shell, environment[name]);
        switch (shell) {
            case "fish":
                return `set -gx ${name} ${value};`;
            case "powershell":
                return `$Env:${name} = ${value}`;
            default:
                return `export ${name}=${value}`;
        }
    });
}

/** Lines that remove the variables in `shell`, for `--unset`. */
export function unsetLines(shell: Shell): string[] {
    switch (shell) {
        case "fish":
            return dockerVariables.map((name) => `set -e ${name};`);
        case "powershell":
            return dockerVariables.map((name) => `Remove-Item Env:\\${name} -ErrorAction SilentlyContinue`);
        default:
            return [`unset ${dockerVariables.join(" ")}`];
    }
}

/** The comment docker-machine printed last: how to apply the output to the current shell. */
export function usageComment(shell: Shell, command: string): string {
    switch (shell) {
        case "fish":
            return `# Run this command to configure your shell:\n# eval (${command})`;
        case "powershell":
            return `# Run this command to configure your shell:\n# & ${command} | Invoke-Expression`;
        default:
            return `# Run this command to configure your shell:\n# eval "$(${command})"`;
    }
}

/** The user's shell from $SHELL (or PowerShell on Windows), bash when it cannot tell. */
export function detectShell(environment: NodeJS.ProcessEnv, platform: NodeJS.Platform): Shell {
    if (platform === "win32") {
        return "powershell";
    }
    const name = (environment.SHELL ?? "").split("/").pop() ?? "";
    const known = shells.find((shell) => shell === name || (shell === "powershell" && name === "pwsh"));
    return known ?? "bash";
}
