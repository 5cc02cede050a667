import * as fs from "fs";
import * as path from "path";
import { World } from "../world";

/**
 * Azure's DNS for cloudapp.azure.com, as the lifecycle harness sees it: a hosts file that the
 * harness binds over /etc/hosts in its own mount namespace, so the names resolve there and nowhere
 * else. Written in place, never renamed, so the bind keeps pointing at it.
 */
export function hostsFile(world: World): string {
    return process.env.ADH_AZURE_HOSTS ?? path.join(world.root, "hosts");
}

function entries(file: string): Map<string, string> {
    const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    return new Map(
        text
            .split("\n")
            .map((line) => line.trim().split(/\s+/))
            .filter((words) => words.length === 2 && !words[0]!.startsWith("#"))
            .map(([address, name]) => [name!, address!]),
    );
}

function write(file: string, names: Map<string, string>): void {
    const lines = [
        "127.0.0.1 localhost",
        ...[...names].filter(([name]) => name !== "localhost").map(([name, address]) => `${address} ${name}`),
    ];
    fs.writeFileSync(file, `${lines.join("\n")}\n`);
}

/** Makes `name` resolve to `address` in the emulated cloud's DNS. */
export function publishName(world: World | string, name: string, address: string): void {
    const file = typeof world === "string" ? world : hostsFile(world);
    const names = entries(file);
    names.set(name, address);
    write(file, names);
}

export function withdrawName(world: World | string, name: string): void {
    const file = typeof world === "string" ? world : hostsFile(world);
    const names = entries(file);
    names.delete(name);
    write(file, names);
}
