import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { standInSubscription } from "./armStandIn";

/** A PEM block whose body is base64 of a readable marker: well-formed, obviously not a real key. */
export function fakePem(label: string, marker: string): string {
    const body = Buffer.from(`mock ${label.toLowerCase()} for ${marker}`).toString("base64");
    return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

export const mockPublicIp = "20.205.10.20";
export const mockPrivateIp = "10.20.1.4";

/** Stable pseudo-random lowercase suffix, as Azure autonaming and random.RandomString would give. */
function suffix(name: string, length = 8): string {
    return createHash("sha256").update(name).digest("hex").slice(0, length);
}

/**
 * Outputs the real providers would compute, keyed by resource type. Inputs are echoed back by the
 * caller; these are only the computed properties the program reads.
 */
export function plausibleState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
    const inputs = args.inputs as Record<string, any>;
    switch (args.type) {
        case "tls:index/privateKey:PrivateKey":
            return {
                privateKeyPem: pulumi.secret(fakePem("PRIVATE KEY", args.name)),
                privateKeyOpenssh: pulumi.secret(fakePem("OPENSSH PRIVATE KEY", args.name)),
                publicKeyPem: fakePem("PUBLIC KEY", args.name),
                publicKeyOpenssh: `ssh-rsa ${Buffer.from(`mock ssh key ${args.name}`).toString("base64")}\n`,
            };
        case "tls:index/selfSignedCert:SelfSignedCert":
        case "tls:index/locallySignedCert:LocallySignedCert":
            return { certPem: fakePem("CERTIFICATE", args.name), readyForRenewal: false };
        case "tls:index/certRequest:CertRequest":
            return { certRequestPem: fakePem("CERTIFICATE REQUEST", args.name) };
        case "random:index/randomString:RandomString":
            return { result: suffix(args.name, Number(inputs.length ?? 8)) };
        case "random:index/randomPassword:RandomPassword":
            // Alphanumeric, as the program asks for (special: false).
            return { result: pulumi.secret(`MockPassword${suffix(args.name, 24)}`) };
        case "azure-native:network:PublicIPAddress":
            return {
                name: `${args.name}${suffix(args.name)}`,
                ipAddress: mockPublicIp,
                dnsSettings: {
                    ...inputs.dnsSettings,
                    fqdn: `${inputs.dnsSettings?.domainNameLabel}.${inputs.location}.cloudapp.azure.com`,
                },
            };
        case "pulumi-nodejs:dynamic/azure-docker-host:DockerReadinessGate":
            return { apiVersion: "1.47" };
        case "pulumi-nodejs:dynamic/azure-docker-host:ContainerPidsLimit":
            return {};
        case "azure-native:network:NetworkInterface":
            return {
                name: `${args.name}${suffix(args.name)}`,
                ipConfigurations: (inputs.ipConfigurations ?? []).map((configuration: Record<string, unknown>) => ({
                    ...configuration,
                    privateIPAddress: mockPrivateIp,
                })),
            };
        case "pulumi-nodejs:dynamic/azure-docker-host:SwarmManager":
            return {
                nodeId: "mock-manager-node",
                managerAddress: `${inputs.advertiseAddress}:2377`,
                workerToken: pulumi.secret(
                    `SWMTKN-1-${suffix(`${args.name}-cluster`, 50)}-${suffix(`${args.name}-worker`, 25)}`,
                ),
                managerToken: pulumi.secret(
                    `SWMTKN-1-${suffix(`${args.name}-cluster`, 50)}-${suffix(`${args.name}-manager`, 25)}`,
                ),
            };
        case "pulumi-nodejs:dynamic/azure-docker-host:SwarmMembership":
            return { removed: [] };
        case "pulumi-nodejs:dynamic/azure-docker-host:VolumeFile":
            return { revision: suffix(`${args.name}-revision`, 16) };
        case "docker:index/remoteImage:RemoteImage":
            return {
                imageId: `${inputs.name}@sha256:${suffix(String(inputs.name), 64)}`,
                repoDigest: `${inputs.name}@sha256:${suffix(String(inputs.name), 64)}`,
            };
        case "docker:index/image:Image":
            return {
                repoDigest: `${inputs.imageName}@sha256:${suffix(String(inputs.imageName), 64)}`,
                baseImageName: inputs.imageName,
            };
        case "docker:index/network:Network":
        case "docker:index/volume:Volume":
            return { name: inputs.name ?? `${args.name}-${suffix(args.name)}` };
        case "docker:index/container:Container":
            return { exitCode: 0 };
        case "azure-native:dataprotection:BackupVault":
            return {
                name: `${args.name}${suffix(args.name)}`,
                identity: {
                    ...inputs.identity,
                    principalId: uuidOf(`${args.name}-principal`),
                    tenantId: uuidOf("tenant"),
                },
            };
        default:
            if (args.type.startsWith("azure-native:")) {
                return { name: `${args.name}${suffix(args.name)}` };
            }
            return {};
    }
}

/** A stable GUID-shaped value derived from a name. */
export function uuidOf(name: string): string {
    const hex = createHash("sha256").update(name).digest("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Azure's resource provider namespace for each azure-native module the program uses. */
const azureNamespaces: Record<string, string> = {
    compute: "Microsoft.Compute",
    network: "Microsoft.Network",
    dataprotection: "Microsoft.DataProtection",
    devtestlab: "Microsoft.DevTestLab",
};

/**
 * The id the engine gets for a registration: Azure resources get ids shaped as Resource Manager's
 * (`/subscriptions/<id>/resourceGroups/<group>/providers/<namespace>/<type>/<name>`), since the
 * program reads subscriptions and scopes out of them; anything else `<name>-id`.
 */
export function plausibleId(args: pulumi.runtime.MockResourceArgs, state: Record<string, unknown>): string {
    const [provider, module, type] = args.type.split(":");
    if (provider !== "azure-native" || !module || !type) {
        return `${args.name}-id`;
    }
    const name = String(state.name ?? args.name);
    const inputs = args.inputs as Record<string, unknown>;
    if (module === "resources" && type === "ResourceGroup") {
        return `/subscriptions/${standInSubscription}/resourceGroups/${name}`;
    }
    if (module === "authorization" && type === "RoleAssignment") {
        return `${String(inputs.scope)}/providers/Microsoft.Authorization/roleAssignments/${uuidOf(args.name)}`;
    }
    const namespace = azureNamespaces[module] ?? `Microsoft.${module}`;
    const group = String(inputs.resourceGroupName ?? "mock-rg");
    return `/subscriptions/${standInSubscription}/resourceGroups/${group}/providers/${namespace}/${type.charAt(0).toLowerCase()}${type.slice(1)}s/${name}`;
}
