import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { checkModes } from "../../bench/tsnode";

const root = path.resolve(__dirname, "..", "..");

describe("npm run bench's ts-node modes", () => {
    it("type-check in the one and only transpile in the other, under the project's own tsconfig", async function () {
        this.timeout(120_000);
        const workDir = path.join(root, ".bench");
        fs.mkdirSync(workDir, { recursive: true });
        // The check the bench runs first: it throws when the type-checking mode does not refuse a type error.
        const seen = await checkModes(root, workDir, process.execPath);
        assert.match(seen.typeCheckingReported, /TS2322/);
        assert.match(seen.transpileOnlyPrinted, /probe ran/);
    });
});
