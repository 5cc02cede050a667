import * as fs from "fs";
import * as https from "https";
import { AddressInfo } from "net";
import * as path from "path";
import * as tls from "tls";
import { azureRegions } from "../../config/regions";
import { generatePrivateKeyPem, selfSignedCertPem } from "./realPki";

const fixtures = path.join(__dirname, "..", "fixtures", "arm");
const readFixture = <T>(name: string): T => JSON.parse(fs.readFileSync(path.join(fixtures, name), "utf8")) as T;

import { standInSubscription, standInToken } from "./standInIdentity";

/** The token the mocked azure-native provider hands out, which the stand-in insists on. */
export { standInSubscription, standInToken };

/** What Resource Manager knows, as Azure's documented responses carry it. */
export interface ArmCatalogue {
    /** Resource SKUs entries of eastasia (restated for any region asked for). */
    readonly skus: readonly Record<string, any>[];
    /** `publisher:offer:sku` to version names. */
    readonly images: Readonly<Record<string, readonly string[]>>;
    /** `publisher/type` to version names. */
    readonly extensions: Readonly<Record<string, readonly string[]>>;
    /** Snapshots and disks by resource id (as a restore source names them), as GET answers them. */
    readonly diskSources: Readonly<Record<string, Record<string, unknown>>>;
    /** The subscription's locations, as `GET /subscriptions/{id}/locations` lists them. */
    readonly regions: readonly Record<string, any>[];
}

/** Every region this release knows, as Azure lists them, and a logical one, which holds no VM. */
function listedRegions(): Record<string, any>[] {
    return [
        ...Object.entries(azureRegions).map(([name, displayName]) => ({
            name,
            displayName,
            metadata: { regionType: "Physical", regionCategory: "Recommended" },
        })),
        { name: "asia", displayName: "Asia", metadata: { regionType: "Logical", regionCategory: "Other" } },
    ];
}

/**
 * The emulated subscription behind the stand-in, when the lifecycle tests run it: VMs, disks and
 * snapshots are the world's, and power calls act on its machines.
 */
export interface ArmBackend {
    /** `running`, `deallocated`, or undefined for no such VM. */
    powerState(vmId: string): string | undefined;
    power(vmId: string, action: "start" | "deallocate" | "restart"): Promise<void>;
    /** A disk or snapshot as GET answers it, or undefined. */
    diskSource(id: string): Record<string, unknown> | undefined;
    /** The VMs of a resource group (a Flexible scale set's instances among them), as List answers them. */
    listVms(resourceGroupId: string): Record<string, unknown>[];
    /** PUT of a snapshot (`az snapshot create`): copies its source disk. */
    putSnapshot(id: string, body: Record<string, any>): Promise<Record<string, unknown>>;
}

/** A failure the stand-in plays on the requests whose path matches. */
export interface ArmFault {
    readonly path: RegExp;
    /** 401 with Azure's token error; a stall longer than any client waits; 429s with Retry-After. */
    readonly kind: "unauthorized" | "stall" | "throttled";
    /** For `throttled`: how many answers are 429 before the real one. */
    readonly times?: number;
    readonly retryAfterSeconds?: number;
}

export interface ArmRequestRecord {
    readonly path: string;
    readonly query: URLSearchParams;
    readonly authorization: string | undefined;
    readonly at: number;
}

export function defaultCatalogue(): ArmCatalogue {
    return {
        skus: readFixture<{ value: Record<string, any>[] }>("skus.eastasia.json").value,
        images: readFixture("images.json"),
        extensions: readFixture("extensions.json"),
        diskSources: {},
        regions: listedRegions(),
    };
}

/**
 * A local HTTPS stand-in for Azure Resource Manager and the cloud metadata endpoint, answering the
 * preflight's calls with fixtures shaped like Azure's documented responses (resource SKUs, image and
 * extension versions, `{ error: { code, message } }` envelopes), so the program's own client makes
 * real HTTPS round trips. Its certificate is added to this process's trusted CAs.
 */
export class ArmStandIn {
    readonly requests: ArmRequestRecord[] = [];
    catalogue: ArmCatalogue = defaultCatalogue();
    faults: ArmFault[] = [];
    private readonly served = new Map<ArmFault, number>();

    /** What `/echo-ip` answers: the caller's public address as an echo service sees it. */
    echoedAddress = "198.51.100.23";
    /** Power states of VMs by resource id (lowercase), as their instance views report them. */
    readonly powerStates = new Map<string, string>();
    /** Resources created through PUT (resource groups, snapshots), by path (lowercase), with their bodies. */
    readonly created = new Map<string, unknown>();
    /** Set by the lifecycle tests: VMs, disks and snapshots come from the emulated subscription. */
    backend: ArmBackend | undefined;

    private constructor(
        private readonly server: https.Server,
        readonly url: string,
        /** Its certificate, for a child process to trust (NODE_EXTRA_CA_CERTS). */
        readonly certPem: string,
    ) {}

    static async start(): Promise<ArmStandIn> {
        const keyPem = await generatePrivateKeyPem({ algorithm: "ECDSA", ecdsaCurve: "P256" });
        const certPem = await selfSignedCertPem(keyPem, {
            subject: { commonName: "arm stand-in" },
            ipAddresses: ["127.0.0.1"],
            dnsNames: ["localhost"],
            allowedUses: ["digital_signature", "server_auth"],
        });
        tls.setDefaultCACertificates([...tls.getCACertificates("default"), certPem]);
        // The handler needs the instance, and the instance needs the listening server's port.
        const holder: { standIn?: ArmStandIn } = {};
        const server = https.createServer({ key: keyPem, cert: certPem }, (request, response) =>
            holder.standIn?.answer(request, response),
        );
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        server.unref();
        holder.standIn = new ArmStandIn(server, `https://127.0.0.1:${(server.address() as AddressInfo).port}`, certPem);
        return holder.standIn;
    }

    /** Back to the full catalogue, no faults, no recorded requests. */
    reset(): void {
        this.catalogue = defaultCatalogue();
        this.faults = [];
        this.served.clear();
        this.requests.length = 0;
        this.powerStates.clear();
        this.created.clear();
    }

    close(): void {
        this.server.closeAllConnections();
        this.server.close();
    }

    private answer(request: import("http").IncomingMessage, response: import("http").ServerResponse): void {
        const url = new URL(request.url ?? "/", this.url);
        this.requests.push({
            path: url.pathname,
            query: url.searchParams,
            authorization: request.headers.authorization,
            at: Date.now(),
        });
        const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
            response.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
            response.end(JSON.stringify(body));
        };
        const azureError = (status: number, code: string, message: string, headers?: Record<string, string>) =>
            send(status, { error: { code, message } }, headers);

        if (url.pathname === "/echo-ip") {
            // An HTTPS echo service, as api.ipify.org answers: the caller's address as plain text.
            response.writeHead(200, { "Content-Type": "text/plain" });
            response.end(this.echoedAddress);
            return;
        }
        if (url.pathname === "/metadata/endpoints") {
            // The 2022-09-01 shape, with this stand-in as the cloud's Resource Manager.
            return send(200, {
                name: "AzureStandIn",
                resourceManager: `${this.url}/`,
                authentication: {
                    loginEndpoint: "https://login.invalid",
                    audiences: [`${this.url}/`],
                    tenant: "common",
                    identityProvider: "AAD",
                },
            });
        }
        for (const fault of this.faults.filter((candidate) => candidate.path.test(url.pathname))) {
            const count = this.served.get(fault) ?? 0;
            if (fault.kind === "stall") {
                return; // Never answers; the client's own limit must end the wait.
            }
            if (fault.kind === "unauthorized") {
                return azureError(
                    401,
                    "ExpiredAuthenticationToken",
                    "The access token expiry UTC time '11/29/2026 10:00:00 AM' is earlier than current UTC time.",
                    { "WWW-Authenticate": 'Bearer authorization_uri="https://login.invalid", error="invalid_token"' },
                );
            }
            if (count < (fault.times ?? 1)) {
                this.served.set(fault, count + 1);
                return azureError(
                    429,
                    "SubscriptionRequestsThrottled",
                    "Number of 'read' requests for subscription exceeded. Please try again after some time.",
                    { "Retry-After": String(fault.retryAfterSeconds ?? 1) },
                );
            }
        }
        if (request.headers.authorization !== `Bearer ${standInToken}`) {
            return azureError(
                401,
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
            );
        }
        // Image and extension versions: a bare array, ids with capitalised segments; NotFound when absent.
        const versions = (location: string, names: readonly string[] | undefined, idPath: string, artifact: string) =>
            names
                ? send(
                      200,
                      names.map((name) => ({
                          location,
                          name,
                          id: `/Subscriptions/${standInSubscription}/Providers/Microsoft.Compute/Locations/${location}/${idPath}/Versions/${name}`,
                      })),
                  )
                : azureError(404, "NotFound", `Artifact: ${artifact} was not found.`);
        const vmList =
            /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)\/providers\/Microsoft\.Compute\/virtualMachines$/i.exec(
                url.pathname,
            );
        if (vmList && request.method === "GET") {
            return send(200, { value: this.backend ? this.backend.listVms(vmList[1]!) : [] });
        }
        const vm =
            /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Compute\/virtualMachines\/[^/]+)(?:\/(instanceView|start|deallocate|restart))?$/i.exec(
                url.pathname,
            );
        if (vm) {
            return this.answerVm(vm[1]!.toLowerCase(), vm[2], request.method ?? "GET", send, azureError);
        }
        const operation = /^\/operations\/(start|deallocate|restart)$/.exec(url.pathname);
        if (operation) {
            return send(200, { status: "Succeeded", name: operation[1] });
        }
        if (
            request.method === "PUT" &&
            this.backend &&
            /\/providers\/Microsoft\.Compute\/snapshots\/[^/]+$/i.test(url.pathname)
        ) {
            let body = "";
            request.setEncoding("utf8");
            request.on("data", (chunk: string) => (body += chunk));
            request.on("end", () => {
                this.backend!.putSnapshot(url.pathname, JSON.parse(body || "{}") as Record<string, any>).then(
                    (created) => send(201, created),
                    (error: Error) => azureError(400, "BadRequest", error.message),
                );
            });
            return;
        }
        if (request.method === "PUT") {
            let body = "";
            request.setEncoding("utf8");
            request.on("data", (chunk: string) => (body += chunk));
            request.on("end", () => {
                const parsed = JSON.parse(body || "{}") as Record<string, any>;
                const id = url.pathname;
                this.created.set(id.toLowerCase(), parsed);
                send(201, {
                    ...parsed,
                    id,
                    name: id.split("/").pop(),
                    properties: { ...parsed.properties, provisioningState: "Succeeded" },
                });
            });
            return;
        }
        // A snapshot or disk, in any subscription and group; ids compare case-insensitively, as Azure's do.
        if (
            /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Compute\/(snapshots|disks)\/[^/]+$/i.test(
                url.pathname,
            )
        ) {
            const known = this.backend
                ? ([url.pathname, this.backend.diskSource(url.pathname)] as const)
                : Object.entries(this.catalogue.diskSources).find(
                      ([id]) => id.toLowerCase() === url.pathname.toLowerCase(),
                  );
            return known?.[1]
                ? send(200, known[1])
                : azureError(
                      404,
                      "ResourceNotFound",
                      `The Resource '${url.pathname.split("/providers/")[1]}' was not found.`,
                  );
        }
        if (url.pathname === `/subscriptions/${standInSubscription}/locations`) {
            return send(200, { value: this.catalogue.regions });
        }
        const compute = new RegExp(`^/subscriptions/${standInSubscription}/providers/Microsoft\\.Compute/`);
        if (!compute.test(url.pathname)) {
            return azureError(404, "SubscriptionNotFound", "The subscription could not be found.");
        }
        const rest = url.pathname.replace(compute, "");
        if (rest === "skus") {
            const location = /^location eq '([^']+)'$/.exec(url.searchParams.get("$filter") ?? "")?.[1];
            if (!location) {
                return azureError(400, "InvalidFilter", "Only location eq '<location>' is supported.");
            }
            const entries = JSON.parse(
                JSON.stringify(this.catalogue.skus).replaceAll('"eastasia"', JSON.stringify(location)),
            );
            // Two pages, so the client must follow nextLink.
            const half = Math.ceil(entries.length / 2);
            const second = url.searchParams.get("$skiptoken") === "2";
            const next = new URL(url.toString());
            next.searchParams.set("$skiptoken", "2");
            return send(
                200,
                second ? { value: entries.slice(half) } : { value: entries.slice(0, half), nextLink: next.toString() },
            );
        }
        const image =
            /^locations\/([^/]+)\/publishers\/([^/]+)\/artifacttypes\/vmimage\/offers\/([^/]+)\/skus\/([^/]+)\/versions$/.exec(
                rest,
            );
        if (image) {
            const [, location, publisher, offer, sku] = image.map((part) => decodeURIComponent(part));
            return versions(
                location!,
                this.catalogue.images[`${publisher}:${offer}:${sku}`],
                `Publishers/${publisher}/ArtifactTypes/VMImage/Offers/${offer}/Skus/${sku}`,
                "VMImage",
            );
        }
        const extension =
            /^locations\/([^/]+)\/publishers\/([^/]+)\/artifacttypes\/vmextension\/types\/([^/]+)\/versions$/.exec(
                rest,
            );
        if (extension) {
            const [, location, publisher, type] = extension.map((part) => decodeURIComponent(part));
            return versions(
                location!,
                this.catalogue.extensions[`${publisher}/${type}`],
                `Publishers/${publisher}/ArtifactTypes/VMExtension/Types/${type}`,
                "VMExtension",
            );
        }
        return azureError(404, "InvalidResourceType", `The resource type could not be found: ${rest}`);
    }

    /** A VM's instance view, and its power operations as long-running operations (202, then polled). */
    private answerVm(
        id: string,
        action: string | undefined,
        method: string,
        send: (status: number, body: unknown, headers?: Record<string, string>) => void,
        azureError: (status: number, code: string, message: string) => void,
    ): void {
        const state = this.backend ? this.backend.powerState(id) : this.powerStates.get(id);
        if (state === undefined) {
            return azureError(404, "ResourceNotFound", `The Resource '${id.split("/providers/")[1]}' was not found.`);
        }
        if (action === "instanceView" && method === "GET") {
            return send(200, {
                computerName: id.split("/").pop(),
                statuses: [
                    { code: "ProvisioningState/succeeded", level: "Info", displayStatus: "Provisioning succeeded" },
                    { code: `PowerState/${state}`, level: "Info", displayStatus: `VM ${state}` },
                ],
            });
        }
        if (action && method === "POST") {
            const poll = `${this.url}/operations/${action}?api-version=2024-07-01`;
            const accepted = () => send(202, "", { "Azure-AsyncOperation": poll, Location: poll, "Retry-After": "0" });
            if (this.backend) {
                // The operation completes before it is acknowledged, so the first poll finds it done.
                this.backend
                    .power(id, action as "start" | "deallocate" | "restart")
                    .then(accepted, (error: Error) => azureError(409, "OperationNotAllowed", error.message));
                return;
            }
            this.powerStates.set(id, action === "deallocate" ? "deallocated" : "running");
            return accepted();
        }
        return azureError(405, "MethodNotAllowed", `${method} ${action ?? ""} is not answered here`);
    }
}
