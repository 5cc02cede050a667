import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ContainerPidsLimit } from "./containerPidsLimit";
import { ServiceTarget } from "./service";

/**
 * Kubernetes' pause image: one static binary that sleeps until it is signalled, made to hold a
 * network namespace open and to do nothing else. Pinned by tag, as the services' defaults are.
 */
export const overlayAnchorImage = "registry.k8s.io/pause:3.10";
/** The anchor's name on the daemon. */
export const overlayAnchorName = "azure-docker-host-overlay-anchor";
/** The image's own unprivileged user. */
export const overlayAnchorUser = "65535:65535";
/** pause and its health check's one process; room to spare, none for a runaway. */
export const overlayAnchorPidsLimit = 8;

/**
 * A container that only sits on the overlay, so that the manager's attachment to it outlives
 * every replacement of the services' containers.
 *
 * dockerd keeps an attachable overlay's sandbox on a node only while a container there is on it.
 * Each service's container goes before its replacement is made (its name is fixed), so raising
 * both image pins in one `up` left, for a moment, no container on the overlay: dockerd tore the
 * sandbox down while the new mongodb container was starting on it, and that start failed with
 * "network ... not found" (moby's attach retries, daemon/container_operations.go, do not cover a
 * teardown that is still under way). With the anchor there, the sandbox stays, whatever is replaced.
 *
 * Its inputs hold nothing the services' settings change, so it is made once with the overlay and
 * goes with it. It is hardened as the services are, and its health check runs the binary itself.
 */
export function declareOverlayAnchor(
    name: string,
    overlay: docker.Network,
    target: ServiceTarget,
    parent: pulumi.Resource,
): docker.Container {
    const onDaemon = { parent, provider: target.provider };
    const image = new docker.RemoteImage(
        `${name}-overlay-anchor-image`,
        { name: overlayAnchorImage, keepLocally: true },
        onDaemon,
    );
    const anchor = new docker.Container(
        `${name}-overlay-anchor`,
        {
            name: overlayAnchorName,
            image: image.imageId,
            user: overlayAnchorUser,
            networksAdvanced: [{ name: overlay.name }],
            healthcheck: {
                tests: ["CMD", "/pause", "-v"],
                interval: "30s",
                timeout: "5s",
                retries: 3,
                startPeriod: "5s",
            },
            wait: true,
            waitTimeout: 60,
            restart: "unless-stopped",
            memory: 16,
            memorySwap: 16,
            capabilities: { drops: ["ALL"], adds: [] },
            readOnly: true,
            securityOpts: ["no-new-privileges:true"],
            privileged: false,
            // pause is made to be a namespace's first process: it reaps what it is left.
            init: false,
            destroyGraceSeconds: 10,
        },
        onDaemon,
    );
    new ContainerPidsLimit(
        `${name}-overlay-anchor-pids`,
        {
            endpoint: target.endpoint,
            client: target.client,
            containerId: anchor.id,
            pidsLimit: overlayAnchorPidsLimit,
        },
        { parent },
    );
    return anchor;
}
