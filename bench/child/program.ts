// Child process: evaluates the whole program (index.ts) once under the project's recording mocks.
import { runProgram, validConfig } from "../../tests/harness/program";
import { runMeasurement } from "./report";

runMeasurement(async () => {
    const run = await runProgram(validConfig());
    return run.resources.length;
});
