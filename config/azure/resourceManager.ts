import * as https from "https";

/** Where Resource Manager is for the cloud the azure-native provider uses. */
export interface ResourceManagerCloud {
    /** `https://management.azure.com` and the like, without a trailing slash. */
    readonly endpoint: string;
    /** How the cloud was chosen, for messages. */
    readonly source: string;
}

/** The provider's well-known clouds (pulumi-azure-native's cloud.FromName), by every name it accepts. */
const knownClouds: Readonly<Record<string, string>> = {
    public: "https://management.azure.com",
    azurecloud: "https://management.azure.com",
    usgovernment: "https://management.usgovcloudapi.net",
    usgov: "https://management.usgovcloudapi.net",
    azureusgovernment: "https://management.usgovcloudapi.net",
    azureusgovernmentcloud: "https://management.usgovcloudapi.net",
    usgovernmentl4: "https://management.usgovcloudapi.net",
    china: "https://management.chinacloudapi.cn",
    azurechinacloud: "https://management.chinacloudapi.cn",
};

/** The provider's cloud settings, from `azure-native:` config or its environment variables. */
export interface CloudSettings {
    readonly metadataHost: string | undefined;
    readonly environment: string | undefined;
}

export interface ArmRequest {
    /** What the call is for, in words: it names the call in every error. */
    readonly description: string;
    readonly url: string;
    /** Bearer token; absent for the unauthenticated metadata endpoint. */
    readonly token?: string;
}

export interface ArmResponse {
    readonly status: number;
    readonly body: unknown;
}

export interface ArmLimits {
    /** Each attempt's limit, response body included. */
    readonly timeoutMs: number;
    /** A 429's Retry-After is honoured once, up to this; a longer one is reported instead of waited for. */
    readonly maxRetryAfterSeconds: number;
}

export const defaultArmLimits: ArmLimits = { timeoutMs: 10_000, maxRetryAfterSeconds: 15 };

/**
 * Resolves Resource Manager's endpoint as the azure-native provider does, so the preflight asks the
 * cloud the provider will deploy to: a metadata host (`metadataHost`, ARM_METADATA_HOSTNAME) is asked
 * for its endpoints and wins over `environment` (public, usgovernment, china and their aliases;
 * an unknown name means public, as it does for the provider).
 */
export async function resolveCloud(
    settings: CloudSettings,
    limits: ArmLimits = defaultArmLimits,
): Promise<ResourceManagerCloud> {
    if (settings.metadataHost) {
        const base = /^https?:\/\//.test(settings.metadataHost)
            ? settings.metadataHost
            : `https://${settings.metadataHost}`;
        const url = `${base.replace(/\/+$/, "")}/metadata/endpoints?api-version=2022-09-01`;
        const response = await armGet({ description: "the cloud's metadata endpoints", url }, limits);
        const endpoint = (response.body as { resourceManager?: unknown }).resourceManager;
        if (response.status !== 200 || typeof endpoint !== "string") {
            throw new Error(
                `GET ${url} (the cloud's metadata endpoints) answered HTTP ${response.status} without a resourceManager ` +
                    "endpoint: check azure-native:metadataHost or ARM_METADATA_HOSTNAME",
            );
        }
        return { endpoint: endpoint.replace(/\/+$/, ""), source: `metadata host ${settings.metadataHost}` };
    }
    const name = (settings.environment ?? "public").toLowerCase();
    return {
        endpoint: knownClouds[name] ?? (knownClouds.public as string),
        source: `environment ${knownClouds[name] ? name : "public"}`,
    };
}

/** An error that names the call, what Azure answered, and what to check. */
function callError(request: ArmRequest, what: string, check: string): Error {
    return new Error(`GET ${request.url.split("?")[0]} (${request.description}) ${what}: ${check}`);
}

/** Azure's error envelope, `{ error: { code, message } }`, or the same fields unwrapped (Compute's throttling). */
export function azureError(body: unknown): { code: string; message: string } {
    const envelope = (body as { error?: unknown } | undefined)?.error ?? body;
    const { code, message } = (envelope ?? {}) as { code?: unknown; message?: unknown };
    return { code: typeof code === "string" ? code : "", message: typeof message === "string" ? message : "" };
}

/** Seconds from a Retry-After header: delta-seconds or an HTTP date. */
export function retryAfterSeconds(header: string | undefined, now = Date.now()): number | undefined {
    if (header === undefined || header.trim() === "") {
        return undefined;
    }
    if (/^\d+$/.test(header.trim())) {
        return Number(header.trim());
    }
    const date = Date.parse(header);
    return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * One GET against Resource Manager, bounded in time: each attempt, body included, ends within
 * `timeoutMs`; a 429 is retried once after its Retry-After when that is short, and reported when
 * it is long; nothing else is retried, so a broken network or login fails within seconds. 2xx and
 * 404 resolve (a 404 means "not in this region" to the catalogue calls); 401, 403 and every other
 * answer reject with the call, Azure's code and message, and what to check.
 */
export async function armGet(request: ArmRequest, limits: ArmLimits = defaultArmLimits): Promise<ArmResponse> {
    for (let attempt = 1; ; attempt++) {
        const answer = await attemptGet(request, limits.timeoutMs).catch((error: NodeJS.ErrnoException) => {
            const reason =
                error.code && !error.message.includes(error.code) ? `${error.code}: ${error.message}` : error.message;
            throw callError(
                request,
                `failed (${reason})`,
                "check this machine's network, proxy and DNS, or turn the preflight off (pulumi config set preflight false)",
            );
        });
        if (answer.status >= 200 && answer.status < 300) {
            return { status: answer.status, body: parseJson(request, answer.text) };
        }
        const error = azureError(tryParseJson(answer.text));
        const said = `answered HTTP ${answer.status}${error.code ? ` ${error.code}` : ""}${error.message ? ` (${error.message})` : ""}`;
        if (answer.status === 404) {
            return { status: 404, body: tryParseJson(answer.text) };
        }
        if (answer.status === 429) {
            const wait = retryAfterSeconds(answer.retryAfter);
            if (attempt === 1 && wait !== undefined && wait <= limits.maxRetryAfterSeconds) {
                await new Promise((resolve) => setTimeout(resolve, wait * 1000));
                continue;
            }
            throw callError(
                request,
                `${said}${attempt > 1 ? " again after one retry" : ""}`,
                `Azure is throttling this subscription's reads${wait === undefined ? "" : `; it asks to wait ${wait} s`}: run again later`,
            );
        }
        if (answer.status === 401 || answer.status === 403) {
            throw callError(
                request,
                said,
                answer.status === 401
                    ? "the azure-native provider's credentials were refused: run `az login` (or check ARM_CLIENT_ID and friends) and `az account show`"
                    : "the identity may not read this subscription: check `az account show` and its role (Reader is enough)",
            );
        }
        throw callError(
            request,
            said,
            "Azure refused the call; run again, or turn the preflight off (pulumi config set preflight false)",
        );
    }
}

interface RawAnswer {
    readonly status: number;
    readonly text: string;
    readonly retryAfter: string | undefined;
}

function attemptGet(request: ArmRequest, timeoutMs: number): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
        const call = https.get(
            request.url,
            {
                headers: {
                    Accept: "application/json",
                    "User-Agent": "azure-docker-host-preflight",
                    ...(request.token ? { Authorization: `Bearer ${request.token}` } : {}),
                },
                agent: false,
            },
            (response) => {
                let text = "";
                response.setEncoding("utf8");
                response.on("data", (chunk: string) => (text += chunk));
                response.on("end", () => {
                    clearTimeout(timer);
                    const retryAfter = response.headers["retry-after"];
                    resolve({
                        status: response.statusCode ?? 0,
                        text,
                        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
                    });
                });
                response.on("error", reject);
            },
        );
        const timer = setTimeout(
            () =>
                call.destroy(
                    Object.assign(new Error(`no complete answer within ${timeoutMs / 1000} s`), { code: "ETIMEDOUT" }),
                ),
            timeoutMs,
        );
        call.on("error", (error) => {
            clearTimeout(timer);
            reject(error);
        });
    });
}

function tryParseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

function parseJson(request: ArmRequest, text: string): unknown {
    const parsed = tryParseJson(text);
    if (parsed === undefined) {
        throw callError(
            request,
            "answered with something that is not JSON",
            "run again; a proxy may be rewriting the answer",
        );
    }
    return parsed;
}
