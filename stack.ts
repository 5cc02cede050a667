import * as pulumi from "@pulumi/pulumi";
import { DataDiskBackup } from "./components/backup";
import { dockerUrl } from "./components/engine";
import { DockerHost } from "./components/host";
import { hostnameFor, Network } from "./components/network";
import { Pki } from "./components/pki";
import { Deployment } from "./config/azure";
import { ServiceArgs, Services } from "./components/services";
import { Swarm } from "./components/swarm";
import { ServiceSettings, StackConfig } from "./config";
import { withoutVersionedTypeAliases } from "./versionedAliases";

/** The stack's outputs: how operators and tools reach the host. Secrets stay secret. */
export interface StackOutputs {
    readonly resourceGroupName: pulumi.Output<string>;
    readonly fqdn: pulumi.Output<string>;
    readonly publicIp: pulumi.Output<string>;
    /** `tcp://<fqdn>:<port>`, known once the daemon answers: what DOCKER_HOST takes. */
    readonly dockerHost: pulumi.Output<string>;
    readonly caCertPem: pulumi.Output<string>;
    readonly clientCertPem: pulumi.Output<string>;
    readonly clientKeyPem: pulumi.Output<string>;
    readonly sshCommand: pulumi.Output<string>;
    readonly sshPrivateKey: pulumi.Output<string> | undefined;
    /** The protected disk that holds Docker's data: what to snapshot before a destroy. */
    readonly dataDiskId: pulumi.Output<string>;
    /** The VM's resource id, for Azure's power calls (azure-docker-host start/stop). */
    readonly vmId: pulumi.Output<string>;
    readonly redisConnectionString: pulumi.Output<string> | undefined;
    readonly mongodbConnectionString: pulumi.Output<string> | undefined;
    /** Forwards the services' loopback ports to the same ports on the operator's machine. */
    readonly servicesTunnelCommand: pulumi.Output<string> | undefined;
    /** The provisioner the host runs: what `auto` resolved to, kept by later runs. */
    readonly provisioner: string;
    /** Workers in the swarm; 0 when there is none. */
    readonly swarmWorkers: number;
    /** `ip:2377` on the virtual network, where workers join; only with a swarm. */
    readonly swarmManagerAddress: pulumi.Output<string> | undefined;
    /** The backup vault and the data disk's backup instance; only with backups on. */
    readonly backupVaultId: pulumi.Output<string> | undefined;
    readonly backupInstanceId: pulumi.Output<string> | undefined;
}

/**
 * Declares the whole program from a validated config and what the preflight settled. This is the
 * one place where config becomes component args; the components know nothing of config keys.
 */
export function declareStack(config: StackConfig, deployment: Deployment): StackOutputs {
    // Every component and resource name starts with this: existing stacks' URNs depend on it.
    const name = "docker";
    const { network: net, host: settings, certificates } = config;
    const swarm = config.swarm.workers > 0;
    // Given to each top-level component, so every resource of the stack inherits it.
    const options = { transformations: [withoutVersionedTypeAliases] };

    const network = new Network(
        name,
        {
            location: net.location,
            vnetAddressSpace: net.vnetAddressSpace,
            subnetAddressPrefix: net.subnetAddressPrefix,
            allowedSourceRanges: net.allowedSourceRanges,
            dockerPort: settings.dockerPort,
            dnsLabel: net.dnsLabel,
            labelStem: config.stack,
            swarm,
        },
        options,
    );

    const pki = new Pki(
        name,
        {
            caValidityHours: certificates.caValidityHours,
            validityHours: certificates.validityHours,
            earlyRenewalHours: certificates.earlyRenewalHours,
            generations: certificates.generations,
            fqdn: network.fqdn,
            publicIpAddress: network.publicIpAddress,
        },
        options,
    );

    const host = new DockerHost(
        name,
        {
            provisioner: deployment.provisioner,
            vmSize: settings.vmSize,
            diskControllerType: deployment.diskControllerType,
            computerName: hostnameFor(config.stack),
            adminUsername: settings.adminUsername,
            sshPublicKey: settings.sshPublicKey,
            // A generated key was the Pki's before it moved into the host.
            sshKeyFormerParent: pki.urn,
            dockerPort: settings.dockerPort,
            swarm,
            dataDiskSizeGb: settings.dataDiskSizeGb,
            ...(settings.dataDiskSource ? { dataDiskSource: settings.dataDiskSource } : {}),
            readinessTimeoutSeconds: settings.readinessTimeoutSeconds,
            ...(settings.autoShutdown ? { autoShutdown: settings.autoShutdown } : {}),
            ...(deployment.stoppedHint ? { stoppedHint: deployment.stoppedHint } : {}),
            resourceGroupName: network.resourceGroupName,
            location: network.location,
            subnetId: network.subnetId,
            publicIpId: network.publicIpId,
            fqdn: network.fqdn,
            server: pki.server,
            client: pki.client,
        },
        options,
    );

    const backup =
        config.backup.retentionDays > 0
            ? new DataDiskBackup(
                  name,
                  {
                      retentionDays: config.backup.retentionDays,
                      diskId: host.dataDiskId,
                      diskName: host.dataDiskName,
                      location: network.location,
                  },
                  options,
              )
            : undefined;

    const cluster = swarm
        ? new Swarm(
              name,
              {
                  workers: config.swarm.workers,
                  workerVmSize: config.swarm.workerVmSize,
                  endpoint: host.endpoint,
                  client: pki.client,
                  managerPrivateIp: host.privateIpAddress,
                  hostRevision: host.revision,
                  vnetAddressSpace: net.vnetAddressSpace,
                  resourceGroupName: network.resourceGroupName,
                  location: network.location,
                  subnetId: network.subnetId,
                  computerNamePrefix: `${hostnameFor(config.stack).slice(0, 12).replace(/-+$/, "")}-w`,
                  adminUsername: settings.adminUsername,
                  sshPublicKey: host.sshPublicKey,
                  ...(deployment.scaleSetInstances ? { scaleSetInstances: deployment.scaleSetInstances } : {}),
                  hostStopped: deployment.stoppedHint !== undefined,
              },
              options,
          )
        : undefined;

    const services = new Services(
        name,
        {
            endpoint: host.endpoint,
            client: pki.client,
            redis: serviceArgs(config.services.redis),
            mongodb: serviceArgs(config.services.mongodb),
            swarm: cluster?.manager,
        },
        options,
    );

    const sshTarget = pulumi.interpolate`${settings.adminUsername}@${network.fqdn}`;
    const forwards = services.loopbackPorts.map((port) => `-L ${port}:127.0.0.1:${port}`);
    return {
        resourceGroupName: network.resourceGroupName,
        fqdn: network.fqdn,
        publicIp: network.publicIpAddress,
        dockerHost: host.endpoint.apply(dockerUrl),
        caCertPem: pki.caCertPem,
        clientCertPem: pki.client.certPem,
        clientKeyPem: pki.client.keyPem,
        sshCommand: pulumi.interpolate`ssh ${sshTarget}`,
        sshPrivateKey: host.sshPrivateKey,
        dataDiskId: host.dataDiskId,
        vmId: host.vmId,
        redisConnectionString: services.redisConnectionString,
        mongodbConnectionString: services.mongodbConnectionString,
        servicesTunnelCommand:
            forwards.length === 0 ? undefined : pulumi.interpolate`ssh -N ${forwards.join(" ")} ${sshTarget}`,
        provisioner: deployment.provisioner,
        swarmWorkers: config.swarm.workers,
        swarmManagerAddress: cluster?.managerAddress,
        backupVaultId: backup?.vaultId,
        backupInstanceId: backup?.instanceId,
    };
}

function serviceArgs(settings: ServiceSettings): ServiceArgs | undefined {
    return settings.enabled
        ? { image: settings.image, memoryMb: settings.memoryMb, publish: settings.publish }
        : undefined;
}
