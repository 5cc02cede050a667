import * as assert from "assert";
import { validate } from "dockerfile-utils";
import * as fs from "fs";
import * as path from "path";
import { mongodbCommand, wiredTigerCacheGb } from "../../components/services/mongodbConfig";
import { configSchema } from "../../config/schema";

const context = path.resolve(__dirname, "..", "..", "images", "mongodb");
const dockerfile = fs.readFileSync(path.join(context, "Dockerfile"), "utf8");

/** Problems dockerfile-utils (the validator behind the Dockerfile language server) finds. */
const lint = (text: string) =>
    validate(text).map((diagnostic) => `${diagnostic.range.start.line + 1}: ${diagnostic.message}`);

describe("images/mongodb", () => {
    it("passes the Dockerfile linter", () => {
        assert.deepStrictEqual(lint(dockerfile), []);
    });

    it("is a linter that catches a broken Dockerfile", () => {
        const broken = dockerfile
            .replace(/^FROM .*$/m, "FROM")
            .replace(/^EXPOSE 27017$/m, "EXPOSE mongodb")
            .replace(/^CMD \[.*\]$/m, "HEALTHCHECK CMD");
        const problems = lint(broken);
        assert.ok(
            problems.some((problem) => /no arguments/.test(problem)),
            problems.join("\n"),
        );
        assert.ok(
            problems.some((problem) => /Invalid containerPort: mongodb/.test(problem)),
            problems.join("\n"),
        );
        assert.ok(
            problems.some((problem) => /Missing command after HEALTHCHECK CMD/.test(problem)),
            problems.join("\n"),
        );
    });

    it("defaults its base to the same pinned official image as the stack config", () => {
        assert.match(dockerfile, new RegExp(`^ARG MONGO_BASE_IMAGE=${configSchema.mongodbBaseImage.default}$`, "m"));
        assert.match(dockerfile, /^FROM \$\{MONGO_BASE_IMAGE\}$/m);
    });

    it("ships a mongod.conf with authorization on and data in /data/db", () => {
        const config = fs.readFileSync(path.join(context, "mongod.conf"), "utf8");
        assert.match(config, /authorization: enabled/);
        assert.match(config, /dbPath: \/data\/db/);
        assert.match(dockerfile, /^COPY .*mongod\.conf \/etc\/mongod\.conf$/m);
    });

    it("sizes WiredTiger's cache to the container's memory limit, not the host's", () => {
        assert.strictEqual(wiredTigerCacheGb(1024), 0.37);
        assert.strictEqual(wiredTigerCacheGb(4096), 1.87);
        assert.strictEqual(wiredTigerCacheGb(512), 0.25);
        assert.deepStrictEqual(mongodbCommand(2048).slice(-2), ["--wiredTigerCacheSizeGB", "0.87"]);
    });
});
