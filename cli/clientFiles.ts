import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DockerClientOutputs } from "./outputs";

/**
 * ~/.docker, or DOCKER_CONFIG when set: where the docker CLI keeps its own configuration and
 * contexts. Always absolute: a relative DOCKER_CONFIG is taken from the caller's directory, so the
 * DOCKER_CERT_PATH printed from it still holds after a `cd`.
 */
export function dockerConfigDir(environment: NodeJS.ProcessEnv = process.env): string {
    return path.resolve(environment.DOCKER_CONFIG || path.join(os.homedir(), ".docker"));
}

/**
 * `<docker config>/azure-docker-host/<stack>`, the folder DOCKER_CERT_PATH names; `stack` is a
 * validated stack name's local form (one path segment, never `.` or `..`).
 */
export function certificateDir(project: string, stack: string, environment: NodeJS.ProcessEnv = process.env): string {
    return path.join(dockerConfigDir(environment), project, stack);
}

/** Removes a stack's certificate folder, as `rm` does; nothing else. */
export function removeClientFiles(directory: string): boolean {
    const existed = fs.existsSync(directory);
    fs.rmSync(directory, { recursive: true, force: true });
    return existed;
}

/**
 * Writes ca.pem, cert.pem and key.pem as the docker CLI expects them, in a folder only the user can
 * enter and with the key readable by the user alone; modes are set explicitly, whatever the umask,
 * and files from an earlier run are replaced.
 */
export function writeClientFiles(directory: string, outputs: DockerClientOutputs): void {
    fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
    fs.chmodSync(directory, 0o700);
    const files: [string, string, number][] = [
        ["ca.pem", outputs.caCertPem, 0o644],
        ["cert.pem", outputs.clientCertPem, 0o644],
        ["key.pem", outputs.clientKeyPem, 0o600],
    ];
    for (const [name, content, mode] of files) {
        const file = path.join(directory, name);
        const staged = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(staged, content, { mode });
        fs.chmodSync(staged, mode);
        fs.renameSync(staged, file);
    }
}
