// Child process, run inside tests/lifecycle/enter.sh (the emulated cloud's namespaces): (f) what the
// real engine spends on an unchanged stack of the program, against a floor program that declares
// only one provider resource of each package the program uses, so the engine loads the same plugins.
// Both stacks are brought up once; then `pulumi preview --expect-no-changes` and a no-op
// `pulumi up --expect-no-changes` of each run alternately, BENCH_RUNS times after one warm-up.
import * as fs from "fs";
import * as path from "path";
import { LifecycleStack } from "../../tests/lifecycle/harness/stack";
import { baseConfig, startLifecycle, stopLifecycle } from "../../tests/lifecycle/harness/suite";
import { projectRoot } from "../../tests/lifecycle/harness/toolchain";

export interface EngineReport {
    readonly bench: "engine";
    readonly runs: number;
    /** Resources in each stack's state, the stack itself and providers included. */
    readonly resources: { readonly program: number; readonly floor: number };
    /** Seconds of each command, per run. */
    readonly preview: { readonly program: number[]; readonly floor: number[] };
    readonly up: { readonly program: number[]; readonly floor: number[] };
}

const floorProgram = `import { Provider as AzureNativeProvider } from "@pulumi/azure-native/provider";
import * as docker from "@pulumi/docker";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";

// One provider of each package the program uses and nothing else: the engine starts the same plugins.
new AzureNativeProvider("floor-azure-native", {});
new tls.Provider("floor-tls");
new random.Provider("floor-random");
new docker.Provider("floor-docker", { host: "tcp://127.0.0.1:2376" });
`;

/** The floor's project: the program's own runtime options, package.json and tsconfig, another program. */
function writeFloor(folder: string): string[] {
    fs.rmSync(folder, { recursive: true, force: true });
    fs.mkdirSync(folder, { recursive: true });
    const project = fs.readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8");
    const runtime = project.slice(project.indexOf("\nruntime:") + 1, project.indexOf("\nbackend:") + 1);
    fs.writeFileSync(path.join(folder, "Pulumi.yaml"), `name: engine-floor\n${runtime}`);
    fs.writeFileSync(path.join(folder, "index.ts"), floorProgram);
    for (const file of ["package.json", "tsconfig.json"]) {
        fs.copyFileSync(path.join(projectRoot, file), path.join(folder, file));
    }
    return ["Pulumi.yaml", "index.ts", "package.json", "tsconfig.json"];
}

async function timed(stack: LifecycleStack, args: readonly string[]): Promise<number> {
    return (await stack.must(args)).seconds;
}

async function main(): Promise<EngineReport> {
    const runs = Number(process.env.BENCH_RUNS ?? "3");
    const life = await startLifecycle("bench");
    const floorFolder = path.join(projectRoot, ".bench", "engine-floor");
    const floor = new LifecycleStack(
        "floor",
        life.toolchain,
        { ...life.cloud.env },
        {
            root: floorFolder,
            files: writeFloor(floorFolder),
        },
    );
    try {
        await life.stack.init(baseConfig(life.cloud, "cloud-init"));
        await life.stack.up();
        await floor.init({});
        await floor.up();
        const report = {
            preview: { program: [] as number[], floor: [] as number[] },
            up: { program: [] as number[], floor: [] as number[] },
        };
        const preview = ["preview", "--expect-no-changes"];
        const up = ["up", "--yes", "--skip-preview", "--expect-no-changes"];
        for (let run = 0; run <= runs; run++) {
            process.stderr.write(`(f) engine: ${run === 0 ? "warm-up" : `run ${run}/${runs}`}\n`);
            const programPreview = await timed(life.stack, preview);
            const programUp = await timed(life.stack, up);
            const floorPreview = await timed(floor, preview);
            const floorUp = await timed(floor, up);
            if (run > 0) {
                report.preview.program.push(programPreview);
                report.up.program.push(programUp);
                report.preview.floor.push(floorPreview);
                report.up.floor.push(floorUp);
            }
        }
        return {
            bench: "engine",
            runs,
            resources: { program: (await life.stack.resources()).length, floor: (await floor.resources()).length },
            ...report,
        };
    } finally {
        floor.dispose();
        await stopLifecycle(life);
    }
}

main().then(
    (report) => process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0)),
    (error: unknown) => {
        console.error(error);
        process.exit(1);
    },
);
