import "../harness/mocks";
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dockerEnvCli } from "../harness/dockerEnvCli";
import { runProgram, validConfig } from "../harness/program";
import { recordedOutputs } from "../harness/recordedOutputs";
import { hasTool } from "../harness/tools";

describe("azure-docker-host env (npm run docker-env)", function () {
    this.timeout(60_000);
    let home: string;
    let outputsFile: string;
    let outputs: Record<string, unknown>;
    const certDir = () => path.join(home, ".docker", "azure-docker-host", "dev");

    /** An environment with nothing from the developer's own docker or shell setup. */
    const environment = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
        PATH: process.env.PATH,
        HOME: home,
        SHELL: "/bin/bash",
        ...extra,
    });
    const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
        dockerEnvCli(["--stack", "dev", ...args], environment(extra));

    before(async () => {
        // Real certificates: the docker CLI checks the material it is given for a context.
        const run = await runProgram(validConfig(), { realTls: true });
        outputs = await recordedOutputs(run);
    });

    beforeEach(() => {
        home = fs.mkdtempSync(path.join(os.tmpdir(), "adh-docker-env-"));
        outputsFile = path.join(home, "outputs.json");
        fs.writeFileSync(outputsFile, JSON.stringify(outputs));
    });

    afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

    it("writes ca.pem, cert.pem and key.pem for the stack, the folder 0700 and the key 0600", () => {
        const result = cli(["--outputs-file", outputsFile, "--no-context"]);
        assert.strictEqual(result.status, 0, result.stderr);
        const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);
        assert.strictEqual(mode(certDir()), "700");
        assert.strictEqual(mode(path.join(certDir(), "key.pem")), "600");
        assert.strictEqual(mode(path.join(certDir(), "cert.pem")), "644");
        assert.strictEqual(fs.readFileSync(path.join(certDir(), "ca.pem"), "utf8"), outputs.caCertPem);
        assert.strictEqual(fs.readFileSync(path.join(certDir(), "cert.pem"), "utf8"), outputs.clientCertPem);
        assert.strictEqual(fs.readFileSync(path.join(certDir(), "key.pem"), "utf8"), outputs.clientKeyPem);
    });

    it("tightens the modes of files left by an earlier run", () => {
        fs.mkdirSync(certDir(), { recursive: true, mode: 0o755 });
        fs.writeFileSync(path.join(certDir(), "key.pem"), "old", { mode: 0o644 });
        assert.strictEqual(cli(["--outputs-file", outputsFile, "--no-context"]).status, 0);
        assert.strictEqual((fs.statSync(path.join(certDir(), "key.pem")).mode & 0o777).toString(8), "600");
        assert.strictEqual((fs.statSync(certDir()).mode & 0o777).toString(8), "700");
    });

    it("prints bash lines that a shell can eval, and nothing else on stdout", () => {
        const result = cli(["--outputs-file", outputsFile, "--no-context", "--shell", "bash"]);
        const lines = result.stdout.trim().split("\n");
        assert.deepStrictEqual(lines.slice(0, 3), [
            `export DOCKER_HOST='${outputs.dockerHost}'`,
            "export DOCKER_TLS_VERIFY='1'",
            `export DOCKER_CERT_PATH='${certDir()}'`,
        ]);
        assert.match(
            lines.slice(3).join("\n"),
            /^# Run this command to configure your shell:\n# eval "\$\(npx azure-docker-host env --stack 'dev' --shell bash --outputs-file '[^']+outputs\.json'\)"$/,
        );
        const evaluated = spawnSync(
            "bash",
            ["-c", `eval "$1"; echo "$DOCKER_HOST|$DOCKER_TLS_VERIFY|$DOCKER_CERT_PATH"`, "bash", result.stdout],
            {
                encoding: "utf8",
            },
        );
        assert.strictEqual(evaluated.stdout.trim(), `${outputs.dockerHost}|1|${certDir()}`);
        assert.match(result.stderr, /wrote ca\.pem, cert\.pem and key\.pem/);
    });

    it("prints the same POSIX lines for zsh", () => {
        const bash = cli(["--outputs-file", outputsFile, "--no-context", "--shell", "bash"])
            .stdout.split("\n")
            .slice(0, 3);
        const zsh = cli(["--outputs-file", outputsFile, "--no-context", "--shell", "zsh"])
            .stdout.split("\n")
            .slice(0, 3);
        assert.deepStrictEqual(zsh, bash);
    });

    it("prints fish lines", () => {
        const result = cli(["--outputs-file", outputsFile, "--no-context", "--shell", "fish"]);
        assert.deepStrictEqual(result.stdout.split("\n").slice(0, 3), [
            `set -gx DOCKER_HOST '${outputs.dockerHost}';`,
            "set -gx DOCKER_TLS_VERIFY '1';",
            `set -gx DOCKER_CERT_PATH '${certDir()}';`,
        ]);
        assert.match(
            result.stdout,
            /# eval \(npx azure-docker-host env --stack 'dev' --shell fish --outputs-file '[^']+outputs\.json'\)/,
        );
    });

    it("prints PowerShell lines", () => {
        const result = cli(["--outputs-file", outputsFile, "--no-context", "--shell", "powershell"]);
        assert.deepStrictEqual(result.stdout.split("\n").slice(0, 3), [
            `$Env:DOCKER_HOST = '${outputs.dockerHost}'`,
            "$Env:DOCKER_TLS_VERIFY = '1'",
            `$Env:DOCKER_CERT_PATH = '${certDir()}'`,
        ]);
        assert.match(result.stdout, /\| Invoke-Expression/);
    });

    it("picks the shell from $SHELL when --shell is not given", () => {
        const result = cli(["--outputs-file", outputsFile, "--no-context"], { SHELL: "/usr/bin/fish" });
        assert.match(result.stdout, /^set -gx DOCKER_HOST /);
    });

    it("prints the --unset form for each shell, without reading outputs or writing files", () => {
        const unset = (shell: string) => cli(["--unset", "--shell", shell]);
        assert.strictEqual(unset("bash").stdout.split("\n")[0], "unset DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_CERT_PATH");
        assert.strictEqual(unset("zsh").stdout.split("\n")[0], "unset DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_CERT_PATH");
        assert.deepStrictEqual(unset("fish").stdout.split("\n").slice(0, 3), [
            "set -e DOCKER_HOST;",
            "set -e DOCKER_TLS_VERIFY;",
            "set -e DOCKER_CERT_PATH;",
        ]);
        assert.strictEqual(
            unset("powershell").stdout.split("\n")[0],
            "Remove-Item Env:\\DOCKER_HOST -ErrorAction SilentlyContinue",
        );
        assert.ok(!fs.existsSync(certDir()));
        const evaluated = spawnSync(
            "bash",
            ["-c", `export DOCKER_HOST=x; eval "$1"; echo "[$DOCKER_HOST]"`, "bash", unset("bash").stdout],
            {
                encoding: "utf8",
            },
        );
        assert.strictEqual(evaluated.stdout.trim(), "[]");
    });

    it("refuses a stack that has no outputs yet, saying what to run", () => {
        fs.writeFileSync(outputsFile, "{}");
        const result = cli(["--outputs-file", outputsFile]);
        assert.strictEqual(result.status, 2);
        assert.strictEqual(result.stdout, "");
        assert.match(
            result.stderr,
            /^azure-docker-host env: stack dev has no outputs yet: run `pulumi up --stack dev` first$/m,
        );
    });

    it("refuses outputs read without --show-secrets", () => {
        fs.writeFileSync(outputsFile, JSON.stringify({ ...outputs, clientKeyPem: "[secret]" }));
        const result = cli(["--outputs-file", outputsFile]);
        assert.strictEqual(result.status, 2);
        assert.match(result.stderr, /clientKeyPem is hidden: the outputs were read without --show-secrets/);
    });

    it("refuses clearly when the Pulumi CLI is missing", () => {
        const result = cli([], { PATH: path.dirname(process.execPath) });
        assert.strictEqual(result.status, 2);
        assert.match(result.stderr, /the Pulumi CLI \(pulumi\) is not on PATH/);
        assert.ok(!fs.existsSync(certDir()));
    });

    it("refuses a missing --stack and an unknown shell", () => {
        assert.match(dockerEnvCli([], environment()).stderr, /--stack <name> is required/);
        assert.match(cli(["--shell", "tcsh"]).stderr, /--shell "tcsh" is not one of bash, zsh, fish, powershell/);
    });

    describe("docker context", () => {
        before(function () {
            if (!hasTool("docker")) {
                this.skip();
            }
        });

        const inspect = (config: string) =>
            JSON.parse(
                spawnSync("docker", ["context", "inspect", "azure-docker-host-dev"], {
                    encoding: "utf8",
                    env: { ...environment(), DOCKER_CONFIG: config },
                }).stdout,
            )[0];

        it("creates a context named after project and stack, then updates it in place", () => {
            const config = path.join(home, "docker-config");
            const first = cli(["--outputs-file", outputsFile], { DOCKER_CONFIG: config });
            assert.strictEqual(first.status, 0, first.stderr);
            assert.match(first.stderr, /created docker context azure-docker-host-dev/);
            assert.strictEqual(inspect(config).Endpoints.docker.Host, outputs.dockerHost);
            // DOCKER_CONFIG is where the docker CLI keeps everything, so the certificates go there too.
            assert.ok(fs.existsSync(path.join(config, "azure-docker-host", "dev", "key.pem")));

            fs.writeFileSync(outputsFile, JSON.stringify({ ...outputs, dockerHost: "tcp://moved.example:2376" }));
            const second = cli(["--outputs-file", outputsFile], { DOCKER_CONFIG: config });
            assert.match(second.stderr, /updated docker context azure-docker-host-dev/);
            assert.strictEqual(inspect(config).Endpoints.docker.Host, "tcp://moved.example:2376");
        });
    });
});
