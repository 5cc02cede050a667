import { imageBaseName, parsePinnedImage, PinnedImage, pinnedImageRules } from "../../catalogue/imageReference";
import { publishModes } from "../../catalogue/publishModes";
import { ConfigReader } from "../reader";
import { ConfigKey } from "../schema";
import { ServicesSettings } from "../settings";

/** redis and mongodb: on or off, image, memory, where the port is published. */
export function readServices(reader: ConfigReader): ServicesSettings {
    return {
        redis: {
            enabled: reader.boolean("redisEnabled"),
            image: readImage(reader, "redisImage", "redis"),
            memoryMb: reader.integer("redisMemoryMb", 64, 65536),
            publish: reader.oneOf("redisPublish", publishModes),
        },
        mongodb: {
            enabled: reader.boolean("mongodbEnabled"),
            image: readImage(reader, "mongodbBaseImage", "mongo"),
            memoryMb: reader.integer("mongodbMemoryMb", 512, 262144),
            publish: reader.oneOf("mongodbPublish", publishModes),
        },
    };
}

/** A pinned image of the expected kind: the services' config files and users are written for it. */
function readImage(reader: ConfigReader, key: ConfigKey, expected: string): PinnedImage {
    const reference = (reader.string(key) ?? "").trim();
    const image = parsePinnedImage(reference);
    if (image === undefined) {
        reader.report(key, reference, pinnedImageRules);
        return { reference, repository: "", tag: "", digest: undefined };
    }
    if (imageBaseName(image) !== expected) {
        reader.report(
            key,
            reference,
            `a ${expected} image (the repository must end in /${expected} or be ${expected})`,
        );
    }
    return image;
}
