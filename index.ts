import { runPreflight } from "./config/azure";
import { loadStackConfig } from "./config";
import { skipPromiseStamps } from "./promiseStacks";
import { declareStack } from "./stack";

skipPromiseStamps();

/**
 * The program. Config is read and validated in full, then checked against Azure's catalogue, before
 * a single resource is declared; Pulumi awaits the function and exports what it returns.
 */
export = async () => {
    const config = loadStackConfig();
    const outputs = declareStack(config, await runPreflight(config));
    return {
        resourceGroupName: outputs.resourceGroupName,
        fqdn: outputs.fqdn,
        publicIp: outputs.publicIp,
        dockerHost: outputs.dockerHost,
        caCertPem: outputs.caCertPem,
        clientCertPem: outputs.clientCertPem,
        clientKeyPem: outputs.clientKeyPem,
        sshCommand: outputs.sshCommand,
        sshPrivateKey: outputs.sshPrivateKey,
        dataDiskId: outputs.dataDiskId,
        vmId: outputs.vmId,
        redisConnectionString: outputs.redisConnectionString,
        mongodbConnectionString: outputs.mongodbConnectionString,
        servicesTunnelCommand: outputs.servicesTunnelCommand,
        provisioner: outputs.provisioner,
        swarmWorkers: outputs.swarmWorkers,
        swarmManagerAddress: outputs.swarmManagerAddress,
        backupVaultId: outputs.backupVaultId,
        backupInstanceId: outputs.backupInstanceId,
    };
};
