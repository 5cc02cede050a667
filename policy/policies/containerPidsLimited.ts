import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { containerType } from "./containerHardened";

/** The program's dynamic resource that sets a container's cgroup pids limit through the Engine API. */
export const pidsLimitType = "pulumi-nodejs:dynamic/azure-docker-host:ContainerPidsLimit";

function limitsContainer(limit: PolicyResource, container: PolicyResource): boolean {
    // The engine records which resources containerId was built from: this needs no value, so it also
    // holds during preview, when the container's id is still unknown.
    const sources = limit.propertyDependencies.containerId ?? [];
    if (sources.some((source) => source.urn === container.urn)) {
        return true;
    }
    // A containerId given as a literal has no dependency; compare it with the container's id instead.
    return "containerId" in limit.props && "id" in container.props && limit.props.containerId === container.props.id;
}

function positive(limit: PolicyResource): boolean {
    // Docker reads 0 and -1 as "no limit".
    const pidsLimit: unknown = limit.props.pidsLimit;
    return typeof pidsLimit === "number" && pidsLimit > 0;
}

export const containerPidsLimited: StackValidationPolicy = {
    name: "container-pids-limited",
    description:
        "Every container has a positive cgroup pids limit (a ContainerPidsLimit resource), so a fork bomb cannot exhaust the host.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Give the container a ContainerPidsLimit resource with containerId: container.id and a pidsLimit above 0.",
    validateStack: (args, reportViolation) => {
        const limits = args.resources.filter((resource) => resource.type === pidsLimitType);
        for (const container of args.resources.filter((resource) => resource.type === containerType)) {
            const own = limits.filter((limit) => limitsContainer(limit, container));
            if (own.length === 0) {
                reportViolation(`container "${container.name}" has no ContainerPidsLimit`, container.urn);
            } else if (!own.some(positive)) {
                reportViolation(`container "${container.name}" has a pids limit that is not above 0`, container.urn);
            }
        }
    },
};
