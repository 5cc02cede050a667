import { createHash } from "crypto";
import { canDial, dialState, reconciledProvider } from "../dynamic/reconciled";
import { DialInputs, engineClientOf, readVolumeFile, writeVolumeFiles } from "../engine";

export interface FileInputs extends DialInputs {
    readonly volume: string;
    readonly image: string;
    readonly fileName: string;
    readonly content: string;
    readonly uid: number;
    readonly gid: number;
    readonly mode: number;
}

/** What stays in state: where the file is and a digest of it, never the content. */
interface FileOutputs extends DialInputs {
    readonly volume: string;
    readonly image: string;
    readonly fileName: string;
    readonly uid: number;
    readonly gid: number;
    readonly mode: number;
    /** Changes with the content; containers that read the file carry it, so they restart with it. */
    readonly revision: string;
}

const revisionOf = (content: string | Buffer) => createHash("sha256").update(content).digest("hex").slice(0, 16);

/**
 * Another volume or file name is another file: the resource is replaced. A refresh reads the file
 * back (its digest, owner and mode), so an edit made on the host shows, and the next `pulumi up`
 * writes it again.
 */
export const volumeFileProvider = reconciledProvider<FileInputs, FileOutputs>({
    identity: ["volume", "fileName"],
    compared: ["host", "port", "image", "uid", "gid", "mode"],
    changed: (olds, news) => olds.revision !== revisionOf(news.content),
    idOf: (outs) => `${outs.volume}/${outs.fileName}`,
    async apply(inputs) {
        await writeVolumeFiles(engineClientOf(inputs), { volume: inputs.volume, image: inputs.image }, [
            { name: inputs.fileName, content: inputs.content, uid: inputs.uid, gid: inputs.gid, mode: inputs.mode },
        ]);
        const { volume, image, fileName, uid, gid, mode } = inputs;
        return { ...dialState(inputs), volume, image, fileName, uid, gid, mode, revision: revisionOf(inputs.content) };
    },
    async observe(_id, state) {
        if (!canDial(state) || !state.image) {
            return state;
        }
        const found = await readVolumeFile(engineClientOf(state), state, state.fileName);
        return found === undefined
            ? undefined
            : { ...state, uid: found.uid, gid: found.gid, mode: found.mode, revision: revisionOf(found.content) };
    },
    // The volume goes with the stack (or stays, retained, with its data); the file needs nothing more.
});

/** What Pulumi's dynamic-provider host calls on this module once it has loaded it from the state. */
export const handler = () => volumeFileProvider;
