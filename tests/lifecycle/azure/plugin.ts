/**
 * `pulumi-resource-azure-native` for the lifecycle tests: the engine starts it from PATH like any
 * provider plugin and reads the port it serves on from its first line of output. It serves the
 * emulated subscription in ADH_AZURE_WORLD.
 */
import { serve } from "./grpcServer";
import { AzureStandInProvider } from "./provider";
import { World } from "./world";

serve(new AzureStandInProvider(World.fromEnvironment())).then(
    (port) => console.log(String(port)),
    (error: Error) => {
        console.error(error.message);
        process.exit(1);
    },
);
