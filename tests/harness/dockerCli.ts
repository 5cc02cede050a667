import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PrivateNetwork } from "./privateNetwork";
import { ToolResult } from "./tools";

export interface ClientMaterial {
    readonly caCertPem: string;
    readonly certPem: string;
    readonly keyPem: string;
}

/**
 * The docker CLI as an operator runs it with `--tlsverify`, from inside a rehearsal daemon's
 * namespace, with a private DOCKER_CONFIG and nothing inherited from the developer's shell.
 */
export class TlsDockerCli {
    readonly certDir: string;

    constructor(
        private readonly network: PrivateNetwork,
        private readonly host: string,
        material: ClientMaterial,
    ) {
        this.certDir = fs.mkdtempSync(path.join(os.tmpdir(), "adh-docker-cli-"));
        fs.writeFileSync(path.join(this.certDir, "ca.pem"), material.caCertPem, { mode: 0o644 });
        fs.writeFileSync(path.join(this.certDir, "cert.pem"), material.certPem, { mode: 0o644 });
        fs.writeFileSync(path.join(this.certDir, "key.pem"), material.keyPem, { mode: 0o600 });
    }

    /** `stdinFile` is read as the command's standard input (e.g. a tar for `docker cp -`). */
    run(args: readonly string[], stdinFile?: string): Promise<ToolResult> {
        const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: this.certDir, DOCKER_CONFIG: this.certDir };
        const tls = [
            "--tlsverify",
            ...["ca", "cert", "key"].flatMap((name) => [
                `--tls${name === "ca" ? "cacert" : name}`,
                path.join(this.certDir, `${name}.pem`),
            ]),
        ];
        return this.network.run(
            "docker",
            [...tls, "-H", this.host, ...args],
            stdinFile === undefined ? undefined : { file: stdinFile },
            env,
        );
    }

    async json<T>(args: readonly string[]): Promise<T> {
        const result = await this.run(args);
        if (result.status !== 0) {
            throw new Error(`docker ${args.join(" ")} failed: ${result.stderr}`);
        }
        return JSON.parse(result.stdout) as T;
    }

    dispose(): void {
        fs.rmSync(this.certDir, { recursive: true, force: true });
    }
}
