import * as pulumi from "@pulumi/pulumi";
import { DaemonArgs, DaemonResource } from "../dynamic/resource";

export interface VolumeFileArgs extends DaemonArgs {
    /** The volume to write into; it must exist. */
    readonly volume: pulumi.Input<string>;
    /** An image on the daemon to create the throwaway writer container from (the service's own). */
    readonly image: pulumi.Input<string>;
    /** The file's name in the volume. */
    readonly fileName: string;
    /** A secret. */
    readonly content: pulumi.Input<string>;
    readonly uid: number;
    readonly gid: number;
    readonly mode: number;
}

/**
 * A file a service reads, written into a named volume through the Engine API with its owner and
 * mode before the service's container starts, so that container can mount the volume read-only
 * on a read-only root. The content is a secret in state; only its revision is an output.
 */
export class VolumeFile extends DaemonResource {
    declare readonly revision: pulumi.Output<string>;

    constructor(name: string, args: VolumeFileArgs, opts?: pulumi.CustomResourceOptions) {
        const own = {
            volume: args.volume,
            image: args.image,
            fileName: args.fileName,
            content: pulumi.secret(args.content),
            uid: args.uid,
            gid: args.gid,
            mode: args.mode,
            revision: undefined,
        };
        super(require.resolve("./volumeFileProvider"), "VolumeFile", name, args, own, opts, ["content"]);
    }
}
