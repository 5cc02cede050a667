import "../harness/mocks";
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { verbs } from "../../cli/main";
import { ArmStandIn } from "../harness/armStandIn";
import { toolCliAsync, toolEntry } from "../harness/dockerEnvCli";
import { armStandIn, runProgram, validConfig } from "../harness/program";
import { recordedOutputs } from "../harness/recordedOutputs";
import { StubTools } from "../harness/stubTools";
import { hasTool } from "../harness/tools";

const projectDir = path.resolve(__dirname, "..", "..");

describe("the azure-docker-host command-line tool", function () {
    this.timeout(120_000);
    let outputs: Record<string, unknown>;
    let standIn: ArmStandIn;
    let stubs: StubTools;
    let home: string;
    let vmKey: string;

    /** The caller's environment: stub pulumi and az first on PATH, the stand-in as Resource Manager. */
    const environment = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
        const caFile = path.join(home, "stand-in-ca.pem");
        fs.writeFileSync(caFile, standIn.certPem);
        return {
            PATH: `${stubs.bin}:${process.env.PATH}`,
            HOME: home,
            SHELL: "/bin/bash",
            AZURE_TOKEN_CREDENTIALS: "AzureCliCredential",
            AZURE_RESOURCE_MANAGER_ENDPOINT: standIn.url,
            NODE_EXTRA_CA_CERTS: caFile,
            ...extra,
        };
    };
    const cli = (args: string[], extra: NodeJS.ProcessEnv = {}, cwd?: string) =>
        toolCliAsync(args, environment(extra), cwd === undefined ? {} : { cwd });
    const certDir = (stack = "dev") => path.join(home, ".docker", "azure-docker-host", stack);
    /** A refusal: exit 2, its reason on stderr, nothing on stdout, nothing written for the client. */
    const refused = async (pending: ReturnType<typeof cli>, reason: RegExp) => {
        const result = await pending;
        assert.strictEqual(result.status, 2, result.stderr);
        assert.strictEqual(result.stdout, "");
        assert.match(result.stderr, reason);
        assert.ok(!fs.existsSync(path.join(home, ".docker", "azure-docker-host")), "client files were written");
    };

    before(async () => {
        outputs = await recordedOutputs(await runProgram(validConfig(), { realTls: true }));
        standIn = await armStandIn();
    });

    beforeEach(() => {
        home = fs.mkdtempSync(path.join(os.tmpdir(), "adh-cli-"));
        stubs = StubTools.create();
        stubs.setOutputs("dev", outputs);
        standIn.reset();
        vmKey = String(outputs.vmId).toLowerCase();
        standIn.powerStates.set(vmKey, "running");
    });

    afterEach(() => {
        stubs.dispose();
        fs.rmSync(home, { recursive: true, force: true });
    });

    describe("help and bad input", () => {
        it("lists every verb, and gives each its own help", async () => {
            const help = await cli(["--help"]);
            assert.strictEqual(help.status, 0);
            for (const verb of verbs) {
                assert.match(help.stdout, new RegExp(`^  ${verb.name} `, "m"));
                const own = await cli([verb.name, "--help"]);
                assert.strictEqual(own.status, 0, own.stderr);
                assert.ok(own.stdout.startsWith(`azure-docker-host ${verb.name}`), own.stdout);
            }
        });

        it("refuses an unknown verb or flag, and extra arguments, with exit 2 and nothing on stdout", async () => {
            await refused(cli(["machine"]), /unknown verb "machine": one of create, ls, status, env/);
            await refused(
                cli(["env", "--stack", "dev", "--tls"]),
                /Unknown option '--tls'[\s\S]*usage: azure-docker-host env/,
            );
            await refused(cli(["ip", "--stack", "dev", "extra"]), /ip takes no arguments, got "extra"/);
            await refused(
                cli(["start", "--stack", "dev", "--wait", "soon"]),
                /--wait "soon" is not a whole number of seconds \(0 or more\)/,
            );
            assert.deepStrictEqual(standIn.requests, [], "Azure was called before the flags were checked");
        });

        for (const [name, reason] of [
            ["../x", /--stack "\.\.\/x" is not a stack name/],
            ["a b", /--stack "a b" is not a stack name/],
            ["org/project/dev", /names project "project", not azure-docker-host/],
        ] as const) {
            it(`refuses the stack name ${JSON.stringify(name)} before reading or writing anything`, async () => {
                await refused(cli(["env", "--stack", name]), reason);
                assert.deepStrictEqual(stubs.calls(), []);
            });
        }

        it("refuses missing, hidden, malformed or mismatched outputs, writing nothing", async () => {
            const file = (name: string, content: unknown) => {
                const written = path.join(home, name);
                fs.writeFileSync(written, typeof content === "string" ? content : JSON.stringify(content));
                return written;
            };
            const withOutputs = (outputsFile: string) => cli(["env", "-s", "dev", "--outputs-file", outputsFile]);
            const cases: [string, RegExp][] = [
                [path.join(home, "none.json"), /does not exist/],
                [home, /is not a file/],
                [file("text.json", "not json"), /is not JSON/],
                [
                    file("hidden.json", { ...outputs, clientKeyPem: "[secret]" }),
                    /clientKeyPem is hidden: the outputs were read without --show-secrets/,
                ],
                [
                    file("garbage.json", {
                        ...outputs,
                        caCertPem: "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n",
                    }),
                    /caCertPem is not a PEM certificate/,
                ],
                [
                    file("swapped.json", { ...outputs, clientCertPem: outputs.caCertPem }),
                    /clientKeyPem is not the key of clientCertPem/,
                ],
            ];
            for (const [outputsFile, reason] of cases) {
                await refused(withOutputs(outputsFile), reason);
            }
            await refused(
                cli(["env", "-s", "staging"]),
                /reading the outputs of stack staging failed: error: no stack named 'staging' found/,
            );
        });

        it("says what to run when there is no Azure login, and touches nothing", async () => {
            stubs.dispose();
            stubs = StubTools.create({ loggedIn: false });
            stubs.setOutputs("dev", outputs);
            await refused(cli(["stop", "-s", "dev"]), /no Azure login was found; run `az login`/);
            assert.strictEqual(standIn.powerStates.get(vmKey), "running");
        });

        it("refuses to run on a Node older than 22, saying what to install", async function () {
            const old = ["/usr/bin/node", "/usr/local/bin/node"].find((candidate) => {
                const version = spawnSync(candidate, ["--version"], { encoding: "utf8" }).stdout ?? "";
                return /^v(1\d|2[01])\./.test(version);
            });
            if (!old) {
                this.skip();
            }
            const result = spawnSync(old!, [toolEntry, "env", "--unset"], { encoding: "utf8" });
            assert.strictEqual(result.status, 2);
            assert.strictEqual(result.stdout, "");
            assert.match(result.stderr, /needs Node 22 or newer \(24 LTS recommended: nvm install 24\)/);
        });
    });

    it("npm ci on a Node older than 22 fails at once, naming the version it needs", async function () {
        const oldNpm = ["/usr/bin/npm", "/usr/local/bin/npm"].find((candidate) => fs.existsSync(candidate));
        const oldNode = spawnSync("/usr/bin/env", ["node", "--version"], {
            encoding: "utf8",
            env: { PATH: "/usr/bin:/bin" },
        });
        if (!oldNpm || !/^v(1\d|2[01])\./.test(oldNode.stdout ?? "")) {
            this.skip();
        }
        const copy = fs.mkdtempSync(path.join(os.tmpdir(), "adh-engine-"));
        try {
            for (const file of ["package.json", "package-lock.json", ".npmrc"]) {
                fs.copyFileSync(path.join(projectDir, file), path.join(copy, file));
            }
            const result = spawnSync(oldNpm!, ["ci", "--ignore-scripts", "--dry-run"], {
                cwd: copy,
                encoding: "utf8",
                env: { PATH: "/usr/bin:/bin", HOME: home },
                timeout: 60_000,
            });
            assert.notStrictEqual(result.status, 0);
            assert.match(result.stderr, /Required: \{"node":">=22"\}/);
            assert.strictEqual(fs.readFileSync(path.join(projectDir, ".nvmrc"), "utf8").trim(), "24");
        } finally {
            fs.rmSync(copy, { recursive: true, force: true });
        }
    });

    describe("env", () => {
        it("unsets without a stack, and without reading outputs", async () => {
            const result = await cli(["env", "--unset"]);
            assert.strictEqual(result.status, 0, result.stderr);
            assert.strictEqual(result.stdout.split("\n")[0], "unset DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_CERT_PATH");
            assert.deepStrictEqual(stubs.calls(), []);
        });

        it("reads outputs through Pulumi in the project's folder, from any directory", async () => {
            const result = await cli(["env", "-s", "dev", "--no-context"], {}, os.tmpdir());
            assert.strictEqual(result.status, 0, result.stderr);
            const stackCalls = stubs.calls().filter((call) => call.args[0] !== "version");
            assert.deepStrictEqual(
                stackCalls.map((call) => call.args.slice(0, 4).join(" ")),
                ["stack output --json --stack", "stack output --json --show-secrets"],
            );
            assert.ok(stackCalls.every((call) => call.cwd === projectDir && call.args.includes("dev")));
            assert.match(result.stdout, new RegExp(`^export DOCKER_CERT_PATH='${certDir()}'$`, "m"));
        });

        it("resolves a relative --outputs-file and DOCKER_CONFIG against the caller's directory, and repeats both", async () => {
            const caller = fs.mkdtempSync(path.join(home, "caller-"));
            fs.writeFileSync(path.join(caller, "out.json"), JSON.stringify(outputs));
            const result = await cli(
                ["env", "-s", "dev", "--outputs-file", "out.json", "--no-context"],
                { DOCKER_CONFIG: "cfg" },
                caller,
            );
            assert.strictEqual(result.status, 0, result.stderr);
            const certPath = path.join(caller, "cfg", "azure-docker-host", "dev");
            assert.match(result.stdout, new RegExp(`^export DOCKER_CERT_PATH='${certPath}'$`, "m"));
            assert.ok(fs.existsSync(path.join(certPath, "key.pem")));
            assert.match(
                result.stdout,
                new RegExp(`--stack 'dev' --shell bash --outputs-file '${path.join(caller, "out.json")}'`),
            );
        });

        it("maps an organisation's stack to one folder and one docker context", async function () {
            if (!hasTool("docker")) {
                this.skip();
            }
            stubs.setOutputs("acme/dev", outputs);
            const result = await cli(["env", "-s", "acme/dev"]);
            assert.strictEqual(result.status, 0, result.stderr);
            assert.ok(fs.existsSync(path.join(certDir("acme+dev"), "key.pem")));
            const context = spawnSync("docker", ["context", "inspect", "azure-docker-host-acme+dev"], {
                encoding: "utf8",
                env: { ...process.env, HOME: home, DOCKER_CONFIG: path.join(home, ".docker") },
            });
            assert.strictEqual(context.status, 0, context.stderr);
        });
    });

    describe("ip, url and ssh", () => {
        it("print the public IP and the Docker URL", async () => {
            assert.strictEqual((await cli(["ip", "-s", "dev"])).stdout, `${outputs.publicIp}\n`);
            assert.strictEqual((await cli(["url", "-s", "dev"])).stdout, `${outputs.dockerHost}\n`);
        });

        it("opens ssh with the stack's key, readable by the user alone and gone after the session", async () => {
            const record = path.join(home, "ssh.json");
            const fakeSsh = path.join(home, "ssh");
            fs.writeFileSync(
                fakeSsh,
                `#!${process.execPath}\nconst fs = require("fs"); const args = process.argv.slice(2); const key = args[args.indexOf("-i") + 1];\n` +
                    `const stat = fs.statSync(key); const folder = fs.statSync(require("path").dirname(key));\n` +
                    `fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args, key, mode: stat.mode & 0o777, folderMode: folder.mode & 0o777, content: fs.readFileSync(key, "utf8") }));\nprocess.exit(7);\n`,
                { mode: 0o755 },
            );
            const result = await cli(["ssh", "-s", "dev", "--", "docker", "ps"], { AZURE_DOCKER_HOST_SSH: fakeSsh });
            assert.strictEqual(result.status, 7, "ssh's own exit status is the tool's");
            const seen = JSON.parse(fs.readFileSync(record, "utf8"));
            assert.deepStrictEqual([seen.mode, seen.folderMode], [0o600, 0o700]);
            assert.strictEqual(seen.content.trim(), String(outputs.sshPrivateKey).trim());
            const target = String(outputs.sshCommand).replace(/^ssh /, "");
            assert.deepStrictEqual(seen.args.slice(-3), [target, "docker", "ps"]);
            assert.ok(seen.args.includes("IdentitiesOnly=yes"));
            assert.ok(!fs.existsSync(seen.key), "the key outlived the session");
        });
    });

    describe("start, stop, restart and status, through Azure's SDK", () => {
        it("deallocates with stop, says what is still billed, starts again, and restarts", async () => {
            const stopped = await cli(["stop", "-s", "dev"]);
            assert.strictEqual(stopped.status, 0, stopped.stderr);
            assert.strictEqual(standIn.powerStates.get(vmKey), "deallocated");
            assert.match(stopped.stderr, /Still billed while deallocated: the OS and data disks, the static public IP/);
            const calls = standIn.requests.filter((request) => request.path.toLowerCase().startsWith(vmKey));
            assert.ok(calls.some((request) => request.path.endsWith("/deallocate")));
            assert.ok(calls.every((request) => request.authorization === "Bearer stand-in-arm-token"));
            const started = await cli(["start", "-s", "dev", "--wait", "0"]);
            assert.strictEqual(started.status, 0, started.stderr);
            assert.strictEqual(standIn.powerStates.get(vmKey), "running");
            assert.match(started.stderr, /VM \S+ is now running/);
            const restarted = await cli(["restart", "-s", "dev", "--wait", "0"]);
            assert.strictEqual(restarted.status, 0, restarted.stderr);
            assert.ok(standIn.requests.some((request) => request.path.toLowerCase() === `${vmKey}/restart`));
        });

        it("ls lists a stack whose first pulumi up did not finish, beside the others", async () => {
            stubs.setOutputs("half", { fqdn: outputs.fqdn, vmId: outputs.vmId });
            standIn.powerStates.set(vmKey, "deallocated");
            const result = await cli(["ls"]);
            assert.strictEqual(result.status, 0, result.stderr);
            assert.match(result.stdout, /^dev +eastasia +\S+ +deallocated /m);
            assert.match(
                result.stdout,
                /^half +eastasia +- +deallocated +- +no client: stack half has no dockerHost output/m,
            );
        });

        it("status says a deallocated VM's daemon cannot answer, and exits 1", async () => {
            standIn.powerStates.set(vmKey, "deallocated");
            const result = await cli(["status", "-s", "dev"]);
            assert.strictEqual(result.status, 1, result.stderr);
            assert.match(result.stdout, /^vm: +deallocated$/m);
            assert.match(result.stdout, /^docker: +no answer: the VM is deallocated$/m);
            assert.match(result.stdout, /^region: +eastasia$/m);
        });
    });

    describe("create, rm and regenerate-certs, through the Pulumi CLI", () => {
        /** The calls that change something, as the Automation API makes them (each also non-interactive). */
        const reads = [
            "version",
            "stack output",
            "stack ls",
            "stack history",
            "stack export",
            "stack select",
            "config get",
        ];
        const mutating = (calls: { args: string[] }[]) =>
            calls
                .map((call) => call.args.filter((arg) => arg !== "--non-interactive").join(" "))
                .filter((call) => !reads.some((read) => call === read || call.startsWith(`${read} `)));

        it("create selects the stack, sets region and ranges, runs pulumi up, and writes the client", async () => {
            const result = await cli(
                [
                    "create",
                    "dev",
                    "--location",
                    "East Asia",
                    "--allow",
                    "203.0.113.7",
                    "--allow",
                    "198.51.100.0/24",
                    "--yes",
                    "--no-context",
                ].filter((arg) => arg !== "--no-context"),
            );
            assert.strictEqual(result.status, 0, result.stderr);
            assert.deepStrictEqual(mutating(stubs.calls()), [
                "config set location --stack dev --plaintext -- East Asia",
                "config rm allowedSourceRanges --stack dev",
                "config set --path allowedSourceRanges[0] --stack dev --plaintext -- 203.0.113.7",
                "config set --path allowedSourceRanges[1] --stack dev --plaintext -- 198.51.100.0/24",
                "up --yes --skip-preview --exec-kind auto.local --stack dev",
            ]);
            assert.ok(fs.existsSync(path.join(certDir(), "key.pem")));
            // Pulumi's own output streams to the terminal, never to stdout.
            assert.match(result.stderr, /^Updating \(dev\): done$/m);
            assert.doesNotMatch(result.stdout, /Updating/);
            assert.match(result.stderr, /next: eval "\$\(npx azure-docker-host env --stack dev\)" && docker ps/);
        });

        it("create refuses the internet, or a name no region could have, before calling Pulumi", async () => {
            await refused(
                cli(["create", "dev", "--allow", "0.0.0.0/0", "--yes"]),
                /--allow "0\.0\.0\.0\/0": specific IPv4 addresses or CIDR ranges/,
            );
            await refused(cli(["create", "dev", "--location", "atlantis!", "--yes"]), /--location "atlantis!"/);
            assert.deepStrictEqual(stubs.calls(), []);
        });

        it("create without --yes and without a terminal refuses before setting anything", async () => {
            await refused(
                cli(["create", "dev", "--location", "eastasia", "--allow", "203.0.113.7"]),
                /Deploy these changes to stack dev\? needs an answer and there is no terminal to ask on: add --yes/,
            );
            assert.deepStrictEqual(stubs.calls(), []);
        });

        it("create passes a region this release does not know on to Pulumi, whose preflight asks Azure's list", async () => {
            const result = await cli([
                "create",
                "dev",
                "--location",
                "atlantiscentral",
                "--allow",
                "203.0.113.7",
                "--yes",
            ]);
            assert.strictEqual(result.status, 0, result.stderr);
            assert.ok(
                mutating(stubs.calls()).includes("config set location --stack dev --plaintext -- atlantiscentral"),
            );
        });

        it("create --allow-my-ip asks an HTTPS echo service, and needs a yes", async () => {
            const echo = { AZURE_DOCKER_HOST_IP_ECHO_URL: `${standIn.url}/echo-ip` };
            await refused(
                cli(["create", "dev", "--location", "eastasia", "--allow-my-ip"], echo),
                /needs an answer and there is no terminal to ask on: add --yes/,
            );
            const result = await cli(["create", "dev", "--location", "eastasia", "--allow-my-ip", "--yes"], echo);
            assert.strictEqual(result.status, 0, result.stderr);
            assert.match(result.stderr, /sees this machine as 198\.51\.100\.23/);
            assert.ok(
                mutating(stubs.calls()).includes(
                    "config set --path allowedSourceRanges[0] --stack dev --plaintext -- 198.51.100.23/32",
                ),
            );
        });

        it("rm snapshots the data disk into its own group, unprotects, destroys, and removes the client", async () => {
            assert.strictEqual((await cli(["env", "-s", "dev"])).status, 0);
            stubs.setConfig("dev", { location: "eastasia" });
            const disk = "urn:pulumi:dev::azure-docker-host::azure-native:compute:Disk::docker-data";
            stubs.setState("dev", [{ urn: disk, protect: true }, { urn: "urn:pulumi:dev::azure-docker-host::other" }]);
            const result = await cli(["rm", "dev", "--yes"]);
            assert.strictEqual(result.status, 0, result.stderr);
            assert.deepStrictEqual(
                mutating(stubs.calls()).map((call) => call.replace(/--file \S+/, "--file F")),
                [
                    "stack import --file F --stack dev",
                    "destroy --yes --skip-preview --exec-kind auto.local --stack dev",
                ],
            );
            assert.deepStrictEqual(
                stubs.state("dev").deployment.resources,
                [{ urn: disk }, { urn: "urn:pulumi:dev::azure-docker-host::other" }],
                "every resource unprotected, nothing else changed",
            );
            const group = [...standIn.created.keys()].find((key) =>
                /\/resourcegroups\/azure-docker-host-dev-kept-data$/.test(key),
            );
            const snapshot = [...standIn.created.entries()].find(([key]) => key.includes("/snapshots/"));
            assert.ok(group, [...standIn.created.keys()].join("\n"));
            assert.deepStrictEqual((snapshot?.[1] as any).properties.creationData, {
                createOption: "Copy",
                sourceResourceId: outputs.dataDiskId,
            });
            assert.ok(!fs.existsSync(certDir()), "the client files outlived the stack");
            assert.match(
                result.stderr,
                /pulumi config set dataDiskSource \/subscriptions\/.+\/snapshots\/dev-data-\d+ --stack <stack>/,
            );
        });

        it("rm asks before destroying, and without an answer changes nothing", async () => {
            await refused(cli(["rm", "dev"]), /Destroy every resource of stack dev.*needs an answer.*add --yes/);
            await refused(cli(["rm", "dev", "--keep-data", "--no-snapshot", "--yes"]), /contradict/);
            assert.deepStrictEqual(mutating(stubs.calls()), []);
        });

        it("regenerate-certs raises the generation, runs pulumi up, and refreshes the client", async () => {
            stubs.setConfig("dev", { clientCertGeneration: "2" });
            const result = await cli(["regenerate-certs", "-s", "dev", "--client", "--yes"]);
            assert.strictEqual(result.status, 0, result.stderr);
            assert.deepStrictEqual(mutating(stubs.calls()), [
                "config set clientCertGeneration --stack dev --plaintext -- 3",
                "up --yes --skip-preview --exec-kind auto.local --stack dev",
            ]);
            assert.ok(fs.existsSync(path.join(certDir(), "cert.pem")));
        });
    });
});
