import * as pulumi from "@pulumi/pulumi";
import { DockerHost } from "./components/dockerHost";
import { Network } from "./components/network";
import { Pki } from "./components/pki";
import { StackConfig } from "./config";

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
}

/** Declares the whole program from a validated config. */
export function declareStack(config: StackConfig): StackOutputs {
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
        stack: config.stack,
        resourceGroupName: network.resourceGroupName,
        location: network.location,
        subnetId: network.subnetId,
        publicIpId: network.publicIpId,
        fqdn: network.fqdn,
        sshPublicKey: pki.sshPublicKey,
        tls: pki,
    });

    return {
        resourceGroupName: network.resourceGroupName,
        fqdn: network.fqdn,
        publicIp: network.publicIpAddress,
        dockerHost: host.dockerHost,
        caCertPem: pki.caCertPem,
        clientCertPem: pki.clientCertPem,
        clientKeyPem: pki.clientKeyPem,
        sshCommand: pulumi.interpolate`ssh ${config.host.adminUsername}@${network.fqdn}`,
        sshPrivateKey: pki.sshPrivateKey,
    };
}
