/**
 * A Docker image reference pinned by tag, with an optional digest: `[registry/]repo:tag[@sha256:hex]`.
 * Untagged references and `latest` are refused: they change under a running stack without a diff.
 */
const pinnedReference =
    /^(?<repository>[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*):(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})(?:@(?<digest>sha256:[0-9a-f]{64}))?$/;

export interface PinnedImage {
    /** The reference as configured, e.g. `redis:7.4.2-bookworm@sha256:...`. */
    readonly reference: string;
    readonly repository: string;
    readonly tag: string;
    readonly digest: string | undefined;
}

export const pinnedImageRules =
    "an image reference pinned by tag, e.g. redis:7.4.2-bookworm, optionally with @sha256:<64 hex digits>; not latest";

export function parsePinnedImage(reference: string): PinnedImage | undefined {
    const groups = pinnedReference.exec(reference)?.groups;
    if (!groups || groups.tag === "latest") {
        return undefined;
    }
    return { reference, repository: groups.repository ?? "", tag: groups.tag ?? "", digest: groups.digest };
}

/** The last path segment of the repository: `redis` for `registry.example:5000/lib/redis`. */
export function imageBaseName(image: PinnedImage): string {
    return image.repository.split("/").pop() ?? image.repository;
}
