// Child process: evaluates the whole program (index.ts) once under the project's recording mocks,
// with BENCH_SWARM_WORKERS swarm workers (0 unless set).
import { runProgram, validConfig } from "../../tests/harness/program";
import { runMeasurement } from "./report";

runMeasurement(async () => {
    const run = await runProgram(validConfig({ swarmWorkers: process.env.BENCH_SWARM_WORKERS ?? "0" }));
    return run.resources.length;
});
