#!/usr/bin/env node
// The command-line tool's entry point, usable from any directory: it loads the TypeScript sources
// of the project it belongs to, whatever the caller's working directory.
"use strict";
const path = require("path");

const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
    process.stderr.write(
        `azure-docker-host: Node ${process.versions.node} is too old; this project needs Node 22 or newer (24 LTS recommended: nvm install 24)\n`,
    );
    process.exit(2);
}
const projectDir = path.resolve(__dirname, "..");
require(require.resolve("ts-node", { paths: [projectDir] })).register({
    transpileOnly: true,
    project: path.join(projectDir, "tsconfig.json"),
});
const { run } = require(path.join(projectDir, "cli", "main.ts"));
const { CliContext } = require(path.join(projectDir, "cli", "context.ts"));
run(process.argv.slice(2), new CliContext(process.cwd(), process.env, projectDir)).then((code) => {
    process.exitCode = code;
});
