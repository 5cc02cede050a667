import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { DialInputs, DockerEndpoint, engineClientOf, writeVolumeFiles } from "../engine";
import { ClientTlsBundle, dialInputs } from "../pki/bundles";

export interface VolumeFileArgs {
    readonly endpoint: pulumi.Input<DockerEndpoint>;
    readonly client: ClientTlsBundle;
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

interface FileInputs extends DialInputs {
    readonly volume: string;
    readonly image: string;
    readonly fileName: string;
    readonly content: string;
    readonly uid: number;
    readonly gid: number;
    readonly mode: number;
}

/** What stays in state: where the file is and a digest of it, never the content or the key. */
interface FileOutputs {
    readonly host: string;
    readonly port: number;
    readonly volume: string;
    readonly fileName: string;
    readonly uid: number;
    readonly gid: number;
    readonly mode: number;
    /** Changes with the content; containers that read the file carry it, so they restart with it. */
    readonly revision: string;
}

const revisionOf = (content: string) => createHash("sha256").update(content).digest("hex").slice(0, 16);

async function write(inputs: FileInputs): Promise<FileOutputs> {
    await writeVolumeFiles(engineClientOf(inputs), { volume: inputs.volume, image: inputs.image }, [
        { name: inputs.fileName, content: inputs.content, uid: inputs.uid, gid: inputs.gid, mode: inputs.mode },
    ]);
    return {
        host: inputs.host,
        port: inputs.port,
        volume: inputs.volume,
        fileName: inputs.fileName,
        uid: inputs.uid,
        gid: inputs.gid,
        mode: inputs.mode,
        revision: revisionOf(inputs.content),
    };
}

export const volumeFileProvider: pulumi.dynamic.ResourceProvider<FileInputs, FileOutputs> = {
    async create(inputs) {
        const outs = await write(inputs);
        return { id: `${outs.volume}/${outs.fileName}`, outs };
    },
    async diff(_id, olds, news) {
        const placed = (["host", "port", "volume", "fileName", "uid", "gid", "mode"] as const).some(
            (key) => olds[key] !== news[key],
        );
        return { changes: placed || olds.revision !== revisionOf(news.content) };
    },
    async update(_id, _olds, news) {
        return { outs: await write(news) };
    },
    // The volume goes with the stack (or stays, retained, with its data); the file needs nothing more.
};

/**
 * A file a service reads, written into a named volume through the Engine API with its owner and
 * mode before the service's container starts, so that container can mount the volume read-only
 * on a read-only root. The content is a secret in state; only its revision is an output.
 */
export class VolumeFile extends pulumi.dynamic.Resource {
    declare readonly revision: pulumi.Output<string>;

    constructor(name: string, args: VolumeFileArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            volumeFileProvider,
            name,
            {
                ...dialInputs(args.endpoint, args.client),
                volume: args.volume,
                image: args.image,
                fileName: args.fileName,
                content: pulumi.secret(args.content),
                uid: args.uid,
                gid: args.gid,
                mode: args.mode,
                revision: undefined,
            },
            { ...opts, additionalSecretOutputs: ["clientKeyPem", "content"] },
            "azure-docker-host",
            "VolumeFile",
        );
    }
}
