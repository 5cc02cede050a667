// Benchmark: what the program costs on top of the Pulumi packages it imports.
//  (a) tsc type-check time of the whole project vs a one-file program with the same @pulumi imports;
//  (b) wall time and peak memory of evaluating index.ts under mocks vs an empty program under mocks
//      that loads the same @pulumi modules, each beside the harness's Resource Manager stand-in;
//  (c) the same evaluation of index.ts with ts-node type-checking (Pulumi's default) vs transpile-only
//      (what tsconfig's `noCheck` selects), after checking that the type-checking mode really checks.
//  (e) the same evaluation with 0, 3 and 50 swarm workers: flat is the target, since the workers
//      are one scale set whose capacity is the count;
//  (f) the real engine (the lifecycle's Pulumi CLI, providers and emulated Azure): `pulumi preview`
//      of an unchanged stack and a no-op `pulumi up`, each against the same command on a floor
//      program that declares one provider of each package the program uses (needs root and the
//      toolchain: `npm run toolchain`, or a pulumi on PATH);
//  (d) the readiness gate against a real dockerd that starts at a random moment: how long after the
//      daemon first answers the gate notices (median, 95th percentile), and how often it knocks while
//      waiting, for the steady poll against the backoff it replaced (needs root and dockerd).
// Usage: npm run bench (BENCH_RUNS=n for n measured runs of each, default 3; BENCH_GATE_TRIALS=n
// for (d), default 12).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { EngineReport } from "./child/engine";
import { ChildReport } from "./child/report";
import { baselineSource, describeImport, discoverPulumiImports, emptyProgramSource, PulumiImport } from "./imports";
import { median, runChild } from "./measure";
import { formatTable } from "./table";
import { checkModes, describeMode, modeArgs, modeEnv, transpileOnly, TsNodeMode, typeChecking } from "./tsnode";

const root = path.resolve(__dirname, "..");
// Ignored by git, eslint and prettier: generated inputs and the results live here.
const workDir = path.join(root, ".bench");
// The bench's own Node runs every child, so PATH cannot pick a different version.
const node = process.execPath;
const tscArgs = (project: string) => ["node_modules/.bin/tsc", "-p", project, "--noEmit", "--noCheck", "false"];

// The first run of each pays for cold file-system caches; it is run and discarded before measuring.
const warmupRuns = 1;

interface Pair<T> {
    readonly subject: T;
    readonly baseline: T;
}

function runsFromEnv(): number {
    const raw = process.env.BENCH_RUNS ?? "3";
    const runs = Number(raw);
    if (!Number.isInteger(runs) || runs < 1) {
        throw new Error(`BENCH_RUNS must be a positive integer, got "${raw}"`);
    }
    return runs;
}

/** Writes the generated baselines: the one-file type-check program with its tsconfig, and the empty program. */
function writeBaselines(imports: readonly PulumiImport[]): void {
    fs.mkdirSync(workDir, { recursive: true });
    fs.writeFileSync(path.join(workDir, "baseline.ts"), baselineSource(imports));
    const tsconfig = {
        // Same compilerOptions as the project; only the file list differs. "include" is reset because
        // it would otherwise be inherited from ../tsconfig.json and pull in the project.
        extends: "../tsconfig.json",
        files: ["baseline.ts"],
        include: [],
    };
    fs.writeFileSync(path.join(workDir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
    fs.writeFileSync(path.join(workDir, "emptyProgram.ts"), emptyProgramSource(imports));
}

/**
 * Runs subject and baseline alternately, so that drift in the machine's load hits both alike.
 * Returns the measured samples of each, warm-up runs excluded.
 */
async function alternate<T>(label: string, runs: number, once: Pair<() => Promise<T>>): Promise<Pair<T[]>> {
    const subject: T[] = [];
    const baseline: T[] = [];
    for (let i = 0; i < warmupRuns + runs; i++) {
        const warm = i < warmupRuns;
        process.stderr.write(`${label}: ${warm ? "warm-up" : `run ${i - warmupRuns + 1}/${runs}`}\n`);
        const s = await once.subject();
        const b = await once.baseline();
        if (!warm) {
            subject.push(s);
            baseline.push(b);
        }
    }
    return { subject, baseline };
}

/** Like alternate, for more than two variants: each run measures every variant in turn. */
async function rotate<T>(
    label: string,
    runs: number,
    variants: readonly string[],
    once: (variant: string) => Promise<T>,
): Promise<Record<string, T[]>> {
    const samples: Record<string, T[]> = Object.fromEntries(variants.map((variant) => [variant, []]));
    for (let i = 0; i < warmupRuns + runs; i++) {
        const warm = i < warmupRuns;
        process.stderr.write(`${label}: ${warm ? "warm-up" : `run ${i - warmupRuns + 1}/${runs}`}\n`);
        for (const variant of variants) {
            const sample = await once(variant);
            if (!warm) {
                (samples[variant] ??= []).push(sample);
            }
        }
    }
    return samples;
}

async function typecheckMs(project: string): Promise<number> {
    return (await runChild(node, tscArgs(project), root)).wallMs;
}

async function evaluate(
    mode: TsNodeMode,
    script: string,
    args: readonly string[] = [],
    env: NodeJS.ProcessEnv = {},
): Promise<ChildReport> {
    const { stdout } = await runChild(node, modeArgs(mode, script, ...args), root, { ...modeEnv(mode), ...env });
    // The report is the last line; anything the SDK logged comes before it.
    const last = stdout.trim().split("\n").pop() ?? "";
    const report = parseReport(last);
    if (report === undefined) {
        throw new Error(`${script} printed no report; its stdout was:\n${stdout}`);
    }
    return report;
}

function parseReport(line: string): ChildReport | undefined {
    try {
        const parsed = JSON.parse(line) as Partial<ChildReport> | null;
        return parsed?.bench === "evaluation" ? (parsed as ChildReport) : undefined;
    } catch {
        return undefined;
    }
}

function summarize(reports: readonly ChildReport[]) {
    const counts = [...new Set(reports.map((report) => report.resources))];
    return {
        medianWallMs: median(reports.map((report) => report.wallMs)),
        medianMaxRssKb: median(reports.map((report) => report.maxRssKb)),
        resources: counts.length === 1 ? (counts[0] as number) : counts,
        samples: reports,
    };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mebibytes = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`;
const times = (ratio: number) => `${ratio.toFixed(2)}x`;

async function main(): Promise<void> {
    const runs = runsFromEnv();
    const imports = discoverPulumiImports(root);
    if (!imports.some((use) => use.specifier.startsWith("@pulumi/azure-native/"))) {
        throw new Error("found no @pulumi/azure-native/<submodule> import in the project: nothing to compare");
    }
    writeBaselines(imports);
    // First, so that a type-checking mode which does not check aborts the bench before minutes of timing.
    const sanityCheck = await checkModes(root, workDir, node);

    const typecheck = await alternate("(a) type-check", runs, {
        subject: () => typecheckMs("tsconfig.json"),
        baseline: () => typecheckMs(".bench/tsconfig.json"),
    });
    const evaluation = await alternate("(b) evaluation", runs, {
        subject: () => evaluate(transpileOnly, "bench/child/program.ts"),
        baseline: () => evaluate(transpileOnly, "bench/child/empty.ts", [".bench/emptyProgram.ts"]),
    });
    const tsNode = await alternate("(c) ts-node mode", runs, {
        subject: () => evaluate(typeChecking, "bench/child/program.ts"),
        baseline: () => evaluate(transpileOnly, "bench/child/program.ts"),
    });

    const swarm = await rotate("(e) swarm workers", runs, ["0", "3", "50"], (workers) =>
        evaluate(transpileOnly, "bench/child/program.ts", [], { BENCH_SWARM_WORKERS: workers }),
    );

    const project = median(typecheck.subject);
    const oneFile = median(typecheck.baseline);
    const program = summarize(evaluation.subject);
    const empty = summarize(evaluation.baseline);
    const checked = summarize(tsNode.subject);
    const transpiled = summarize(tsNode.baseline);
    const results = {
        date: new Date().toISOString(),
        node: process.version,
        runs,
        warmupRuns,
        typecheck: {
            command: tscArgs("<tsconfig>").join(" "),
            project: { tsconfig: "tsconfig.json", medianWallMs: project, samplesMs: typecheck.subject },
            baseline: {
                tsconfig: ".bench/tsconfig.json",
                imports: imports.map(describeImport),
                medianWallMs: oneFile,
                samplesMs: typecheck.baseline,
            },
            ratio: project / oneFile,
        },
        evaluation: {
            program: { script: "bench/child/program.ts", ...program },
            empty: { script: "bench/child/empty.ts", ...empty },
            timeRatio: program.medianWallMs / empty.medianWallMs,
            memoryRatio: program.medianMaxRssKb / empty.medianMaxRssKb,
        },
        tsNodeMode: {
            script: "bench/child/program.ts",
            sanityCheck,
            typeChecking: { command: describeMode(typeChecking), ...checked },
            transpileOnly: { command: describeMode(transpileOnly), ...transpiled },
            timeRatio: checked.medianWallMs / transpiled.medianWallMs,
            memoryRatio: checked.medianMaxRssKb / transpiled.medianMaxRssKb,
        },
    };
    const workers = {
        none: summarize(swarm["0"] ?? []),
        three: summarize(swarm["3"] ?? []),
        fifty: summarize(swarm["50"] ?? []),
    };
    const engine = await engineCost(runs);
    const gate = await gateLatency();
    fs.writeFileSync(
        path.join(workDir, "results.json"),
        `${JSON.stringify({ ...results, workers, engine, gate }, null, 2)}\n`,
    );

    const { typecheck: a, evaluation: b, tsNodeMode: c } = results;
    console.log(
        [
            `Benchmark ${results.date}, node ${results.node}, N = ${runs} alternating runs of each ` +
                `(medians; ${warmupRuns} warm-up run of each discarded)`,
            "",
            "(a) Type-check wall time, tsc --noEmit --noCheck false",
            `    baseline imports: ${a.baseline.imports.join(", ")}`,
            formatTable([
                ["", "median wall"],
                ["whole project (tsconfig.json)", seconds(project)],
                ["one-file baseline (.bench/tsconfig.json)", seconds(oneFile)],
                ["ratio project / baseline", times(a.ratio)],
            ]),
            "",
            "(b) Evaluation under Pulumi mocks, one fresh node -r ts-node/register/transpile-only process per run",
            formatTable([
                ["", "median wall", "median peak RSS"],
                [
                    `whole program (index.ts, ${program.resources} resources)`,
                    seconds(program.medianWallMs),
                    mebibytes(program.medianMaxRssKb),
                ],
                [
                    `empty program (${empty.resources} resources)`,
                    seconds(empty.medianWallMs),
                    mebibytes(empty.medianMaxRssKb),
                ],
                ["ratio program / empty", times(b.timeRatio), times(b.memoryRatio)],
            ]),
            "",
            `(c) Evaluation of index.ts under Pulumi mocks (${checked.resources} resources) by ts-node mode, ` +
                "one fresh process per run",
            // Unlike `pulumi up`, this child also has ts-node check its own files and the test harness;
            // said here so that the type-checking figure is read as a slight overestimate.
            "    type-checking mode also checks the bench child and the test harness it imports",
            formatTable([
                ["type-checking:", c.typeChecking.command],
                ["transpile-only:", c.transpileOnly.command],
            ]),
            `    sanity check: transpile-only runs ${sanityCheck.probe}, type-checking refuses it:`,
            `      ${sanityCheck.typeCheckingReported}`,
            formatTable([
                ["", "median wall", "median peak RSS"],
                [
                    "type-checking (Pulumi's default without noCheck)",
                    seconds(checked.medianWallMs),
                    mebibytes(checked.medianMaxRssKb),
                ],
                [
                    "transpile-only (configured: tsconfig noCheck)",
                    seconds(transpiled.medianWallMs),
                    mebibytes(transpiled.medianMaxRssKb),
                ],
                ["ratio type-checking / transpile-only", times(c.timeRatio), times(c.memoryRatio)],
            ]),
            "",
            "(e) Evaluation of index.ts with swarm workers, transpile-only, one fresh process per run",
            formatTable([
                ["", "resources", "median wall", "median peak RSS"],
                ...(
                    [
                        ["0 workers", workers.none],
                        ["3 workers", workers.three],
                        ["50 workers", workers.fifty],
                    ] as const
                ).map(([label, summary]) => [
                    label,
                    String(summary.resources),
                    seconds(summary.medianWallMs),
                    mebibytes(summary.medianMaxRssKb),
                ]),
                [
                    "ratio 50 / 3 workers",
                    "",
                    times(workers.fifty.medianWallMs / workers.three.medianWallMs),
                    times(workers.fifty.medianMaxRssKb / workers.three.medianMaxRssKb),
                ],
            ]),
            "",
            ...engineLines(engine),
            "",
            ...gateLines(gate),
            "",
            `Ratios: type-check ${times(a.ratio)} | evaluation time ${times(b.timeRatio)}, peak memory ${times(b.memoryRatio)}` +
                ` | ts-node type-checking time ${times(c.timeRatio)}, peak memory ${times(c.memoryRatio)}`,
            `Figures also in ${path.relative(root, path.join(workDir, "results.json"))}`,
        ].join("\n"),
    );
}

type EngineSummary = { readonly skipped: string } | EngineReport;

/** (f), inside the lifecycle's namespaces, where the emulated cloud lives. */
async function engineCost(runs: number): Promise<EngineSummary> {
    if (process.getuid?.() !== 0) {
        return { skipped: "needs root (the emulated cloud's namespaces, loop disks and dockerd)" };
    }
    const built = path.join(root, ".tools", "pulumi", "bin", "pulumi");
    const onPath = spawnSync("sh", ["-c", "command -v pulumi"]).status === 0;
    if (!onPath && !fs.existsSync(built)) {
        return { skipped: "no Pulumi CLI: run `npm run toolchain` (or put a pulumi on PATH) first" };
    }
    const env = { ...process.env, BENCH_RUNS: String(runs), PATH: `${process.env.PATH}:/usr/sbin:/sbin` };
    const args = ["tests/lifecycle/enter.sh", node, "-r", "ts-node/register/transpile-only", "bench/child/engine.ts"];
    const { stdout } = await runChild("bash", args, root, env);
    return JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as EngineReport;
}

function engineLines(engine: EngineSummary): string[] {
    if ("skipped" in engine) {
        return [`(f) Real engine: skipped, ${engine.skipped}`];
    }
    const secondsOf = (samples: readonly number[]) => median(samples) * 1000;
    const row = (label: string, program: readonly number[], floor: readonly number[]) => [
        label,
        seconds(secondsOf(program)),
        seconds(secondsOf(floor)),
        times(median(program) / median(floor)),
    ];
    return [
        `(f) Real engine on an unchanged stack (program: ${engine.resources.program} resources in its state, ` +
            `floor: ${engine.resources.floor}), ${engine.runs} alternating runs`,
        "    floor: one provider of each package the program uses; the program also starts the dynamic-provider host",
        formatTable([
            ["", "program", "floor", "ratio"],
            row("pulumi preview --expect-no-changes", engine.preview.program, engine.preview.floor),
            row("pulumi up --expect-no-changes (no-op)", engine.up.program, engine.up.floor),
        ]),
    ];
}

interface GateTrial {
    readonly policy: "poll" | "backoff";
    readonly detectionMs: number;
    readonly attempts: number;
    readonly waitedMs: number;
}

type GateSummary =
    | { readonly skipped: string }
    | Record<"poll" | "backoff", { medianMs: number; p95Ms: number; attemptsPerSecond: number; trials: number }>;

/** The 95th percentile by nearest rank. */
function p95(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] as number;
}

/** (d), in a network namespace of its own so its daemon and port touch nothing else. */
async function gateLatency(): Promise<GateSummary> {
    if (process.getuid?.() !== 0) {
        return { skipped: "needs root (dockerd and a network namespace)" };
    }
    const script = 'ip link set lo up && exec "$0" -r ts-node/register/transpile-only bench/child/gate.ts';
    const env = { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` };
    const { stdout } = await runChild("unshare", ["--net", "sh", "-c", script, node], root, env);
    const report = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { trials: GateTrial[] };
    const summarize = (policy: GateTrial["policy"]) => {
        const trials = report.trials.filter((trial) => trial.policy === policy);
        return {
            medianMs: median(trials.map((trial) => trial.detectionMs)),
            p95Ms: p95(trials.map((trial) => trial.detectionMs)),
            // Attempts after the first, over the wait: the rate at which the gate knocks while it waits.
            attemptsPerSecond: median(trials.map((trial) => (trial.attempts - 1) / (trial.waitedMs / 1000))),
            trials: trials.length,
        };
    };
    return { poll: summarize("poll"), backoff: summarize("backoff") };
}

function gateLines(gate: GateSummary): string[] {
    if ("skipped" in gate) {
        return [`(d) Readiness gate: skipped, ${gate.skipped}`];
    }
    return [
        `(d) Readiness gate against a real dockerd starting at a random moment (0.5 to 8 s), ${gate.poll.trials} trials each, alternating`,
        formatTable([
            ["", "median delay", "95th percentile", "attempts per second"],
            [
                "steady poll, 1 s (the gate)",
                seconds(gate.poll.medianMs),
                seconds(gate.poll.p95Ms),
                gate.poll.attemptsPerSecond.toFixed(2),
            ],
            [
                "backoff 2 s doubling to 30 s (before)",
                seconds(gate.backoff.medianMs),
                seconds(gate.backoff.p95Ms),
                gate.backoff.attemptsPerSecond.toFixed(2),
            ],
            [
                "ratio poll / backoff",
                times(gate.poll.medianMs / gate.backoff.medianMs),
                times(gate.poll.p95Ms / gate.backoff.p95Ms),
                "",
            ],
        ]),
        `    target: 95th percentile under 2 s at no more than one attempt per second: ${gate.poll.p95Ms < 2000 && gate.poll.attemptsPerSecond <= 1 ? "met" : "NOT met"}`,
    ];
}

main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
});
