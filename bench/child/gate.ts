// Child process, run inside a network namespace of its own (unshare --net, loopback up): measures how
// soon the readiness gate's wait notices a daemon that starts at a random moment, and how often it
// knocks while waiting, for the gate's steady one-second poll and, side by side, the backoff the gate
// used before (2 s doubling to 30 s). A real dockerd with mutual TLS starts at a uniformly random
// moment; a prober pinging /_ping every 20 ms marks when the daemon first answers.
// Prints one JSON line: { bench: "gate", trials: [...] }.
import { certificateFingerprint, defaultPoll, EngineClient, pingDocker, waitForDocker } from "../../components/engine";
import { DaemonLaunch, LocalDockerd } from "../../tests/harness/localDockerd";
import { generatePrivateKeyPem, publicKeyPemOf, selfSignedCertPem, signedCertPem } from "../../tests/harness/realPki";

const port = 2376;
const trials = Number(process.env.BENCH_GATE_TRIALS ?? "12");
const here = { wrap: (command: string, args: readonly string[]): [string, string[]] => [command, [...args]] };

interface Trial {
    readonly policy: "poll" | "backoff";
    readonly startDelayMs: number;
    /** From the daemon's first answer to the gate's. */
    readonly detectionMs: number;
    readonly attempts: number;
    readonly waitedMs: number;
}

async function material() {
    const ecdsa = { algorithm: "ECDSA", ecdsaCurve: "P256" } as const;
    const caKey = await generatePrivateKeyPem(ecdsa);
    const ca = {
        keyPem: caKey,
        certPem: await selfSignedCertPem(caKey, {
            subject: { commonName: "bench CA" },
            isCaCertificate: true,
            allowedUses: ["cert_signing"],
        }),
    };
    const leaf = async (uses: string[]) => {
        const keyPem = await generatePrivateKeyPem(ecdsa);
        const spec = { subject: { commonName: "bench" }, allowedUses: uses, ipAddresses: ["127.0.0.1"] };
        return { keyPem, certPem: await signedCertPem(publicKeyPemOf(keyPem), spec, ca) };
    };
    return {
        ca,
        server: await leaf(["digital_signature", "server_auth"]),
        client: await leaf(["digital_signature", "client_auth"]),
    };
}

/** The wait the gate used before: 2 s, doubling to 30 s between attempts. */
async function backoffWait(client: EngineClient, fingerprint: string): Promise<number> {
    let delay = 2_000;
    for (let attempt = 1; ; attempt++) {
        try {
            await pingDocker(client, 5_000, fingerprint);
            return attempt;
        } catch {
            await new Promise((resolve) => setTimeout(resolve, delay));
            delay = Math.min(delay * 2, 30_000);
        }
    }
}

async function main(): Promise<void> {
    const tls = await material();
    const client: EngineClient = {
        endpoint: { host: "127.0.0.1", port },
        tls: { caCertPem: tls.ca.certPem, certPem: tls.client.certPem, keyPem: tls.client.keyPem },
    };
    const fingerprint = certificateFingerprint(tls.server.certPem);
    const launch: DaemonLaunch = ({ rooted, adminSocket }) => ({
        files: [
            { path: "/etc/docker/ca.pem", mode: "0600", content: tls.ca.certPem },
            { path: "/etc/docker/cert.pem", mode: "0600", content: tls.server.certPem },
            { path: "/etc/docker/key.pem", mode: "0600", content: tls.server.keyPem },
        ],
        flags: [
            `-H=unix://${adminSocket}`,
            "--tlsverify",
            `--tlscacert=${rooted("/etc/docker/ca.pem")}`,
            `--tlscert=${rooted("/etc/docker/cert.pem")}`,
            `--tlskey=${rooted("/etc/docker/key.pem")}`,
            `-H=0.0.0.0:${port}`,
        ],
    });
    const results: Trial[] = [];
    for (let trial = 0; trial < trials; trial++) {
        for (const policy of ["poll", "backoff"] as const) {
            const startDelayMs = Math.round(500 + Math.random() * 7_500);
            const started = performance.now();
            let firstAnswer: number | undefined;
            let daemon: LocalDockerd | undefined;
            const waiting =
                policy === "poll"
                    ? waitForDocker(client, { ...defaultPoll, timeoutMs: 120_000 }, fingerprint).then(
                          (result) => result.attempts,
                      )
                    : backoffWait(client, fingerprint);
            const prober = (async () => {
                await new Promise((resolve) => setTimeout(resolve, startDelayMs));
                const starting = LocalDockerd.start(here, launch).then((started) => (daemon = started));
                while (firstAnswer === undefined) {
                    try {
                        await pingDocker(client, 1_000, fingerprint);
                        firstAnswer = performance.now();
                    } catch {
                        await new Promise((resolve) => setTimeout(resolve, 20));
                    }
                }
                await starting;
            })();
            const attempts = await waiting;
            const done = performance.now();
            await prober;
            results.push({
                policy,
                startDelayMs,
                detectionMs: Math.max(0, done - (firstAnswer ?? done)),
                attempts,
                waitedMs: done - started,
            });
            process.stderr.write(
                `(d) gate trial ${trial + 1}/${trials} ${policy}: ${Math.round(done - (firstAnswer ?? done))} ms\n`,
            );
            await daemon?.stop();
        }
    }
    process.stdout.write(`${JSON.stringify({ bench: "gate", trials: results })}\n`, () => process.exit(0));
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
