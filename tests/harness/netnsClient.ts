/**
 * A client run as a child process inside a rehearsal daemon's network namespace (see
 * LocalDockerd.run). It reads one JSON request on stdin and prints one JSON answer on stdout.
 *
 * - `dynamic`: loads a serialized dynamic provider exactly as Pulumi's provider host does
 *   (require-from-string, then `.handler()`) and calls its create or update.
 * - `https`: one GET over TLS with the given trust and (optional) client material.
 * - `http`: one plain-text GET, to show the TLS port refuses it.
 * - `batch`: several of the above in turn, to pay for one Node start instead of many.
 */
import * as http from "http";
import * as https from "https";

interface DynamicRequest {
    readonly kind: "dynamic";
    readonly provider: string;
    readonly method: "create" | "update";
    readonly inputs: Record<string, unknown>;
}

interface HttpsRequest {
    readonly kind: "https" | "http";
    readonly host: string;
    readonly port: number;
    readonly path: string;
    readonly ca?: string;
    readonly cert?: string;
    readonly key?: string;
}

interface BatchRequest {
    readonly kind: "batch";
    readonly requests: readonly (DynamicRequest | HttpsRequest)[];
}

type Answer = { ok: true; [key: string]: unknown } | { ok: false; error: string; code?: string };

async function handle(request: DynamicRequest | HttpsRequest | BatchRequest): Promise<Answer> {
    if (request.kind === "batch") {
        const answers: Answer[] = [];
        for (const each of request.requests) {
            answers.push(await handle(each).catch((error: Error) => ({ ok: false as const, error: error.message })));
        }
        return { ok: true, answers };
    }
    if (request.kind === "dynamic") {
        const requireFromString = require(
            require.resolve("require-from-string", { paths: [require.resolve("@pulumi/pulumi")] }),
        );
        const provider = requireFromString(request.provider).handler();
        const result =
            request.method === "create"
                ? await provider.create(request.inputs)
                : await provider.update("id", {}, request.inputs);
        return { ok: true, result };
    }
    return get(request);
}

function get(request: HttpsRequest): Promise<Answer> {
    return new Promise((resolve) => {
        const options = {
            host: request.host,
            port: request.port,
            path: request.path,
            timeout: 10_000,
            agent: false as const,
        };
        const onResponse = (response: http.IncomingMessage) => {
            let body = "";
            response.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
            response.on("end", () => resolve({ ok: true, status: response.statusCode, body }));
        };
        const client =
            request.kind === "https"
                ? https.get(
                      { ...options, ca: request.ca, cert: request.cert, key: request.key, rejectUnauthorized: true },
                      onResponse,
                  )
                : http.get(options, onResponse);
        client.on("timeout", () => client.destroy(new Error("timed out")));
        client.on("error", (error: NodeJS.ErrnoException) =>
            resolve({ ok: false, error: error.message, code: error.code }),
        );
    });
}

let input = "";
process.stdin.on("data", (chunk: Buffer) => (input += chunk.toString("utf8")));
process.stdin.on("end", () => {
    handle(JSON.parse(input))
        .catch((error: Error) => ({ ok: false as const, error: error.message }))
        .then((answer) => process.stdout.write(`${JSON.stringify(answer)}\n`));
});
