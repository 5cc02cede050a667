import type { ResourceValidationPolicy } from "@pulumi/policy";
import { asList, asProps, asText, Props } from "../lib/props";

export const containerType = "docker:index/container:Container";

/** Host paths that are, or contain, the Docker socket: mounting any of them hands the container the daemon. */
const socketDirectories = new Set(["/", "/run", "/var", "/var/run"]);

function exposesDockerSocket(hostPath: string): boolean {
    const normalized = hostPath.trim().replace(/\/+$/, "") || "/";
    return normalized.includes("docker.sock") || socketDirectories.has(normalized);
}

function healthcheckGaps(props: Props): string[] {
    const [kind, ...command] = asList(asProps(props.healthcheck)?.tests);
    // Docker runs ["CMD", ...argv] or ["CMD-SHELL", command]; ["NONE"] or an empty list runs nothing.
    const runsSomething =
        (kind === "CMD" || kind === "CMD-SHELL") &&
        command.some((part) => typeof part === "string" && part.trim() !== "");
    return runsSomething ? [] : ["has no health check; set healthcheck.tests to a CMD or CMD-SHELL command"];
}

function memoryGaps(props: Props): string[] {
    const memory = props.memory;
    return typeof memory === "number" && memory > 0
        ? []
        : ["has no memory limit; set memory (MiB) above 0 so it cannot starve the host"];
}

function privilegeGaps(props: Props): string[] {
    return props.privileged === true ? ["is privileged, which gives it root over the host; drop privileged"] : [];
}

function socketGaps(props: Props): string[] {
    const hostPaths = [
        ...asList(props.volumes).map((volume) => asText(asProps(volume)?.hostPath)),
        ...asList(props.mounts).map((mount) => asText(asProps(mount)?.source)),
    ].filter((path): path is string => path !== undefined);
    return hostPaths
        .filter(exposesDockerSocket)
        .map((path) => `mounts ${path}, which exposes the Docker socket and with it the whole host`);
}

function publishingGaps(props: Props): string[] {
    const gaps = asList(props.ports).flatMap((value) => {
        const port = asProps(value);
        const ip = asText(port?.ip);
        if (ip === "127.0.0.1") {
            return [];
        }
        const number = port?.external ?? port?.internal ?? "?";
        return [`publishes port ${String(number)} on ${ip ?? "every interface"}; publish on 127.0.0.1 only`];
    });
    // On the host's network every port the container listens on is open wherever the host is.
    if (asText(props.networkMode)?.toLowerCase() === "host") {
        gaps.push("uses the host's network, so it listens on every interface; use a bridge network");
    }
    return gaps;
}

/** CIS Docker Benchmark 5.3: every capability dropped; what a service needs comes back one by one. */
function capabilityGaps(props: Props): string[] {
    const drops = asList(asProps(props.capabilities)?.drops).map((capability) => asText(capability)?.toUpperCase());
    return drops.includes("ALL")
        ? []
        : ['keeps Docker\'s default capabilities; set capabilities.drops to ["ALL"] and add back only what it needs'];
}

/** CIS Docker Benchmark 5.12: nothing but its volumes and tmpfs is writable. */
function rootFsGaps(props: Props): string[] {
    return props.readOnly === true
        ? []
        : ["has a writable root file system; set readOnly and give it tmpfs where it writes"];
}

/** The image's own unprivileged user from the first process on, not a root entrypoint stepping down. */
function userGaps(props: Props): string[] {
    const user = asText(props.user)?.trim() ?? "";
    const name = user.split(":")[0] ?? "";
    return name !== "" && name !== "0" && name !== "root"
        ? []
        : [
              `runs as ${user === "" ? "the image's default user (root for most)" : user}; set user to the image's unprivileged uid:gid`,
          ];
}

/** Each way the container falls short of the hardening every service container gets. */
export function containerGaps(props: Props): string[] {
    return [
        healthcheckGaps,
        memoryGaps,
        privilegeGaps,
        capabilityGaps,
        rootFsGaps,
        userGaps,
        socketGaps,
        publishingGaps,
    ].flatMap((check) => check(props));
}

export const containerHardened: ResourceValidationPolicy = {
    name: "container-hardened",
    description:
        "Containers have a health check and a memory limit, are not privileged, drop every capability, run as a non-root user on a read-only root, never mount the Docker socket and publish ports on 127.0.0.1 only.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Declare the container as the program's services are declared: a healthcheck, memory, capabilities.drops [\"ALL\"], readOnly with tmpfs where it writes, the image's non-root user, ports on 127.0.0.1 only, no Docker socket.",
    validateResource: (args, reportViolation) => {
        if (args.type === containerType) {
            containerGaps(args.props).forEach((gap) => reportViolation(`container "${args.name}" ${gap}`));
        }
    },
};
