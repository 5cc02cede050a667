import * as pulumi from "@pulumi/pulumi";
import { DockerHost } from "./components/dockerHost";
import { Network } from "./components/network";
import { Pki } from "./components/pki";
import { Services } from "./components/services";
import { mongodbPort } from "./components/mongodbService";
import { redisPort } from "./components/redisService";
import { ServicesSettings, StackConfig } from "./config";
import { Deployment } from "./components/preflight";

/** The stack's outputs: how operators and tools reach the host. Secrets stay secret. */
export interface StackOutputs {
    readonly resourceGroupName: pulumi.Output<string>;
    readonly fqdn: pulumi.Output<string>;
    readonly publicIp: pulumi.Output<string>;
    readonly dockerHost: pulumi.Output<string>;
    readonly caCertPem: pulumi.Output<string>;
    readonly clientCertPem: pulumi.Output<string>;
    readonly clientKeyPem: pulumi.Output<string>;
    readonly sshCommand: pulumi.Output<string>;
    readonly sshPrivateKey: pulumi.Output<string> | undefined;
    /** The protected disk that holds Docker's data: what to snapshot before a destroy. */
    readonly dataDiskId: pulumi.Output<string>;
    readonly redisConnectionString: pulumi.Output<string> | undefined;
    readonly mongodbConnectionString: pulumi.Output<string> | undefined;
    /** Forwards the services' loopback ports to the same ports on the operator's machine. */
    readonly servicesTunnelCommand: pulumi.Output<string> | undefined;
    /** The provisioner the host runs: what `auto` resolved to, kept by later runs. */
    readonly provisioner: string;
}

/** Declares the whole program from a validated config and what the preflight settled. */
export function declareStack(config: StackConfig, deployment: Deployment): StackOutputs {
    const name = "docker";
    const network = new Network(name, {
        settings: config.network,
        dockerPort: config.host.dockerPort,
        stack: config.stack,
    });

    const pki = new Pki(name, {
        certificates: config.certificates,
        fqdn: network.fqdn,
        publicIpAddress: network.publicIpAddress,
        sshPublicKey: config.host.sshPublicKey,
    });

    const host = new DockerHost(name, {
        settings: config.host,
        provisioner: deployment.provisioner,
        diskControllerType: deployment.diskControllerType,
        stack: config.stack,
        resourceGroupName: network.resourceGroupName,
        location: network.location,
        subnetId: network.subnetId,
        publicIpId: network.publicIpId,
        fqdn: network.fqdn,
        sshPublicKey: pki.sshPublicKey,
        tls: pki,
    });

    const services = new Services(name, {
        settings: config.services,
        dockerHost: host.dockerHost,
        tls: pki,
    });

    const sshTarget = pulumi.interpolate`${config.host.adminUsername}@${network.fqdn}`;
    return {
        resourceGroupName: network.resourceGroupName,
        fqdn: network.fqdn,
        publicIp: network.publicIpAddress,
        dockerHost: host.dockerHost,
        caCertPem: pki.caCertPem,
        clientCertPem: pki.clientCertPem,
        clientKeyPem: pki.clientKeyPem,
        sshCommand: pulumi.interpolate`ssh ${sshTarget}`,
        sshPrivateKey: pki.sshPrivateKey,
        dataDiskId: host.dataDiskId,
        redisConnectionString: services.redisConnectionString,
        mongodbConnectionString: services.mongodbConnectionString,
        servicesTunnelCommand: tunnelCommand(config.services, sshTarget),
        provisioner: deployment.provisioner,
    };
}

/** `ssh -N -L ...` for every service published on the VM's loopback, or undefined when there is none. */
function tunnelCommand(
    services: ServicesSettings,
    sshTarget: pulumi.Output<string>,
): pulumi.Output<string> | undefined {
    const forwards = [
        { settings: services.redis, port: redisPort },
        { settings: services.mongodb, port: mongodbPort },
    ]
        .filter(({ settings }) => settings.enabled && settings.publish === "localhost")
        .map(({ port }) => `-L ${port}:127.0.0.1:${port}`);
    return forwards.length === 0 ? undefined : pulumi.interpolate`ssh -N ${forwards.join(" ")} ${sshTarget}`;
}
