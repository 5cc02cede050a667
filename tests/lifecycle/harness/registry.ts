import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { generatePrivateKeyPem, publicKeyPemOf, selfSignedCertPem, signedCertPem } from "../../harness/realPki";
import { publishName } from "../azure/behaviours/hosts";
import { harnessAddress } from "../azure/machine/network";
import { run } from "../azure/machine/shell";
import { anchorRegistryHost, buildStandInImages } from "../images/standInImages";

/**
 * The machine's trust store. dockerd verifies Docker Hub against the system's roots only (moby's
 * registry service gives the official index no certs.d), as Docker Hub's certificate is publicly
 * trusted; so the stand-in's CA joins the bundle, bound over it in the lifecycle's mount namespace.
 * The same stand-in answers for the registry of the swarm overlay's anchor image.
 */
const systemBundle = "/etc/ssl/certs/ca-certificates.crt";
const hubHosts = ["registry-1.docker.io", "index.docker.io", anchorRegistryHost];

/**
 * Docker Hub, as the emulated cloud's VMs see it: the registry stand-in (built with the toolchain)
 * at registry-1.docker.io, over TLS under a CA that the VMs' dockerd trusts for that host, holding
 * the stand-in images at the tags the lifecycle pulls.
 */
export class HubStandIn {
    private constructor(
        private readonly process: ChildProcess,
        private readonly work: string,
    ) {}

    static async start(
        binary: string,
        tags: { redis: readonly string[]; mongo: readonly string[] },
    ): Promise<HubStandIn> {
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "adh-hub-"));
        const caKey = await generatePrivateKeyPem({ algorithm: "ECDSA", ecdsaCurve: "P256" });
        const caCert = await selfSignedCertPem(caKey, {
            subject: { commonName: "registry stand-in CA" },
            isCaCertificate: true,
            allowedUses: ["cert_signing", "digital_signature"],
            validityPeriodHours: 24,
        });
        const key = await generatePrivateKeyPem({ algorithm: "ECDSA", ecdsaCurve: "P256" });
        const cert = await signedCertPem(
            publicKeyPemOf(key),
            {
                subject: { commonName: hubHosts[0] },
                dnsNames: hubHosts,
                allowedUses: ["digital_signature", "server_auth"],
                validityPeriodHours: 24,
            },
            { certPem: caCert, keyPem: caKey },
        );
        fs.writeFileSync(path.join(work, "cert.pem"), cert);
        fs.writeFileSync(path.join(work, "key.pem"), key);
        const bundle = path.join(work, "ca-certificates.crt");
        fs.writeFileSync(bundle, `${fs.readFileSync(systemBundle, "utf8")}\n${caCert}`);
        run("mount", ["--bind", bundle, systemBundle]);
        for (const host of hubHosts) {
            publishName(process.env.ADH_AZURE_HOSTS ?? "/etc/hosts", host, harnessAddress);
        }
        const images = buildStandInImages(tags);
        const child = spawn(
            binary,
            [
                `-listen=${harnessAddress}:443`,
                `-cert=${path.join(work, "cert.pem")}`,
                `-key=${path.join(work, "key.pem")}`,
                ...images.images.map((image) => `-image=${image.reference}=${image.rootfs},${image.config}`),
            ],
            { stdio: ["ignore", "pipe", "pipe"] },
        );
        let errors = "";
        child.stderr?.on("data", (chunk: Buffer) => (errors = (errors + chunk.toString("utf8")).slice(-4000)));
        await new Promise<void>((resolve, reject) => {
            child.stdout?.once("data", () => resolve());
            child.once("exit", (code) => reject(new Error(`the registry stand-in exited (${code}): ${errors}`)));
        });
        images.dispose();
        return new HubStandIn(child, work);
    }

    stop(): void {
        this.process.kill("SIGKILL");
        run("umount", [systemBundle], { check: false });
        fs.rmSync(this.work, { recursive: true, force: true });
    }
}
