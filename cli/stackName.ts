import { CliError } from "./errors";

/** This project's name, as Pulumi.yaml declares it: fully qualified stack names must carry it. */
export const project = "azure-docker-host";

/** A stack as the operator named it, and the names derived from it for files and docker contexts. */
export interface StackName {
    /** What the Pulumi CLI takes: `dev`, `org/dev`, `org/azure-docker-host/dev`. */
    readonly pulumi: string;
    /**
     * One path segment and one docker context suffix: `/` becomes `+`, which no Pulumi stack or
     * organisation name may hold, so two stacks never share a folder or a context.
     */
    readonly local: string;
}

const segment = /^[A-Za-z0-9_.-]+$/;

/**
 * Checks a stack name before anything is read or written. Pulumi's stack names are letters, digits,
 * `_`, `.` and `-`, optionally behind an organisation (`org/dev`) or an organisation and this project
 * (`org/azure-docker-host/dev`); anything else, `..` and `.` included, is refused here.
 */
export function parseStackName(text: string | undefined, flag = "--stack"): StackName {
    if (text === undefined || text === "") {
        throw new CliError(`${flag} <name> is required, e.g. ${flag} dev`);
    }
    const parts = text.split("/");
    const accepted = `letters, digits, _, . and -, as in dev, org/dev or org/${project}/dev`;
    if (parts.length > 3 || parts.some((part) => !segment.test(part) || part === "." || part === "..")) {
        throw new CliError(`${flag} ${JSON.stringify(text)} is not a stack name: ${accepted}`);
    }
    if (parts.length === 3 && parts[1] !== project) {
        throw new CliError(
            `${flag} ${JSON.stringify(text)} names project ${JSON.stringify(parts[1])}, not ${project}: use org/${project}/${parts[2]} or org/${parts[2]}`,
        );
    }
    const local = (parts.length === 3 ? [parts[0], parts[2]] : parts).join("+");
    return { pulumi: text, local };
}
