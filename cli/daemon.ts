import { dockerApiRequest } from "../components/engine/request";
import { DockerClientOutputs } from "./outputs";

/** The services the stack runs, by container name. */
export const serviceContainers = ["redis", "mongodb"] as const;

/** What the daemon says about itself over mutual TLS, or why it did not. */
export type DaemonReport =
    | {
          readonly answers: true;
          readonly version: string;
          /** When the certificate the daemon serves expires. */
          readonly certificateExpiry: Date;
          /** Each service container's state and health (`running (healthy)`, `exited`, `absent`). */
          readonly services: Readonly<Record<string, string>>;
      }
    | { readonly answers: false; readonly error: string };

/** Asks the daemon for its version and the services' containers, as the docker CLI would. */
export async function probeDaemon(outputs: DockerClientOutputs, timeoutMs = 5_000): Promise<DaemonReport> {
    const client = {
        endpoint: outputs.endpoint,
        tls: { caCertPem: outputs.caCertPem, certPem: outputs.clientCertPem, keyPem: outputs.clientKeyPem },
    };
    try {
        const version = await dockerApiRequest(client, { method: "GET", path: "/version", timeoutMs });
        if (version.status !== 200) {
            return { answers: false, error: `HTTP ${version.status} from /version` };
        }
        const listed = await dockerApiRequest(client, { method: "GET", path: "/containers/json?all=1", timeoutMs });
        const containers = (JSON.parse(listed.body) as { Names?: string[]; State?: string; Status?: string }[]) ?? [];
        const services: Record<string, string> = {};
        for (const name of serviceContainers) {
            const container = containers.find((each) => (each.Names ?? []).includes(`/${name}`));
            const health = /\((healthy|unhealthy|health: starting)\)/.exec(container?.Status ?? "")?.[1];
            services[name] = container ? `${container.State ?? "unknown"}${health ? ` (${health})` : ""}` : "absent";
        }
        return {
            answers: true,
            version: String((JSON.parse(version.body) as { Version?: unknown }).Version ?? "unknown"),
            certificateExpiry: new Date(version.servedValidTo),
            services,
        };
    } catch (error) {
        return { answers: false, error: (error as Error).message };
    }
}
