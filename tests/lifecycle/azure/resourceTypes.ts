import { standInSubscriptionId } from "./world";

/**
 * What the stand-in knows of each azure-native resource type the program declares: which input
 * names it (azure-native auto-names it from the logical name when the program gives none), where it
 * sits in Resource Manager's id space, which changes azure-native plans as a replacement
 * (`replaceOn`: the URL's path parameters and its hand-written force-new list; none of the nested
 * properties the program sets is create-only in the REST specs) and which in-place updates Resource
 * Manager then refuses (`refused`, with Azure's error). Sources for every rule: README.md here.
 */
export interface ResourceType {
    readonly token: string;
    /** The input that carries the resource's own name. */
    readonly nameInput: string;
    /** How azure-native names it when the input is absent; `undefined`: the program must name it. */
    readonly autoname?: "suffix" | "guid";
    /** Resource Manager's id from the (revealed) inputs and the name. */
    id(inputs: Record<string, any>, name: string): string;
    readonly replaceOn: readonly string[];
    readonly refused?: readonly UpdateRefusal[];
    /** Outputs only Azure knows (beyond name, type, provisioningState): unknown in a preview. */
    readonly computed?: readonly string[];
}

/** A property Resource Manager will not change on an existing resource, and how it says so. */
export interface UpdateRefusal {
    readonly path: string;
    readonly code: string;
    readonly message: string;
}

const notAllowed = (path: string, property = path.split(".").pop() ?? path): UpdateRefusal => ({
    path,
    code: "PropertyChangeNotAllowed",
    message: `Changing property '${property}' is not allowed.`,
});
const fixedLocation: UpdateRefusal = {
    path: "location",
    code: "InvalidResourceLocation",
    message:
        "The resource already exists in another location. A resource with the same name cannot be created in a different location.",
};

const group = (inputs: Record<string, any>) =>
    `/subscriptions/${standInSubscriptionId}/resourceGroups/${String(inputs.resourceGroupName)}`;
const under = (provider: string) => (inputs: Record<string, any>, name: string) =>
    `${group(inputs)}/providers/${provider}/${name}`;

/** Every resource's URL path parameters: they are its address, so a change is another resource. */
const placed = (nameInput: string, ...parents: string[]) => ["resourceGroupName", nameInput, ...parents];

const types: readonly ResourceType[] = [
    {
        token: "azure-native:resources:ResourceGroup",
        nameInput: "resourceGroupName",
        autoname: "suffix",
        id: (_inputs, name) => `/subscriptions/${standInSubscriptionId}/resourceGroups/${name}`,
        replaceOn: ["resourceGroupName", "location"],
    },
    {
        token: "azure-native:network:VirtualNetwork",
        nameInput: "virtualNetworkName",
        autoname: "suffix",
        id: under("Microsoft.Network/virtualNetworks"),
        computed: ["resourceGuid"],
        replaceOn: [...placed("virtualNetworkName"), "location"],
    },
    {
        token: "azure-native:network:Subnet",
        nameInput: "subnetName",
        autoname: "suffix",
        id: (inputs, name) =>
            `${group(inputs)}/providers/Microsoft.Network/virtualNetworks/${String(inputs.virtualNetworkName)}/subnets/${name}`,
        replaceOn: placed("subnetName", "virtualNetworkName"),
    },
    {
        token: "azure-native:network:NetworkSecurityGroup",
        nameInput: "networkSecurityGroupName",
        autoname: "suffix",
        id: under("Microsoft.Network/networkSecurityGroups"),
        computed: ["resourceGuid"],
        replaceOn: placed("networkSecurityGroupName"),
        refused: [fixedLocation],
    },
    {
        token: "azure-native:network:PublicIPAddress",
        nameInput: "publicIpAddressName",
        autoname: "suffix",
        id: under("Microsoft.Network/publicIPAddresses"),
        computed: ["ipAddress", "dnsSettings.fqdn", "resourceGuid", "ipConfiguration"],
        replaceOn: [...placed("publicIpAddressName"), "location", "publicIPAddressVersion", "publicIPPrefix", "sku"],
    },
    {
        token: "azure-native:network:NatGateway",
        nameInput: "natGatewayName",
        autoname: "suffix",
        id: under("Microsoft.Network/natGateways"),
        computed: ["resourceGuid"],
        replaceOn: placed("natGatewayName"),
        refused: [fixedLocation],
    },
    {
        token: "azure-native:network:NetworkInterface",
        nameInput: "networkInterfaceName",
        autoname: "suffix",
        id: under("Microsoft.Network/networkInterfaces"),
        computed: [
            "ipConfigurations[*].privateIPAddress",
            "ipConfigurations[*].privateIPAddressVersion",
            "macAddress",
            "virtualMachine",
        ],
        replaceOn: placed("networkInterfaceName"),
        refused: [fixedLocation],
    },
    {
        token: "azure-native:compute:Disk",
        nameInput: "diskName",
        autoname: "suffix",
        id: under("Microsoft.Compute/disks"),
        computed: ["diskState", "diskSizeBytes", "uniqueId", "timeCreated", "managedBy"],
        replaceOn: placed("diskName"),
        refused: [fixedLocation, notAllowed("creationData")],
    },
    {
        token: "azure-native:compute:VirtualMachine",
        nameInput: "vmName",
        autoname: "suffix",
        id: under("Microsoft.Compute/virtualMachines"),
        computed: ["vmId", "timeCreated", "storageProfile.osDisk.name"],
        replaceOn: placed("vmName"),
        refused: [
            fixedLocation,
            notAllowed("osProfile.customData"),
            notAllowed("osProfile.computerName"),
            notAllowed("osProfile.adminUsername"),
            notAllowed("storageProfile.imageReference", "imageReference"),
            notAllowed("storageProfile.osDisk.createOption", "osDisk.createOption"),
            notAllowed("storageProfile.dataDisks[*].managedDisk.id", "dataDisk.managedDisk.id"),
        ],
    },
    {
        token: "azure-native:compute:VirtualMachineExtension",
        nameInput: "vmExtensionName",
        autoname: "suffix",
        id: (inputs, name) =>
            `${group(inputs)}/providers/Microsoft.Compute/virtualMachines/${String(inputs.vmName)}/extensions/${name}`,
        replaceOn: placed("vmExtensionName", "vmName"),
        refused: [fixedLocation],
    },
    {
        token: "azure-native:compute:VirtualMachineRunCommandByVirtualMachine",
        nameInput: "runCommandName",
        id: (inputs, name) =>
            `${group(inputs)}/providers/Microsoft.Compute/virtualMachines/${String(inputs.vmName)}/runCommands/${name}`,
        computed: ["instanceView"],
        replaceOn: placed("runCommandName", "vmName"),
        refused: [fixedLocation],
    },
    {
        token: "azure-native:compute:VirtualMachineScaleSet",
        nameInput: "vmScaleSetName",
        autoname: "suffix",
        id: under("Microsoft.Compute/virtualMachineScaleSets"),
        computed: ["uniqueId"],
        replaceOn: placed("vmScaleSetName"),
        refused: [fixedLocation, notAllowed("platformFaultDomainCount")],
    },
    {
        token: "azure-native:dataprotection:BackupVault",
        nameInput: "vaultName",
        autoname: "suffix",
        id: under("Microsoft.DataProtection/backupVaults"),
        computed: ["identity.principalId", "identity.tenantId"],
        replaceOn: placed("vaultName"),
        refused: [fixedLocation],
    },
    {
        token: "azure-native:dataprotection:BackupPolicy",
        nameInput: "backupPolicyName",
        autoname: "suffix",
        id: (inputs, name) =>
            `${group(inputs)}/providers/Microsoft.DataProtection/backupVaults/${String(inputs.vaultName)}/backupPolicies/${name}`,
        replaceOn: placed("backupPolicyName", "vaultName"),
    },
    {
        token: "azure-native:dataprotection:BackupInstance",
        nameInput: "backupInstanceName",
        autoname: "suffix",
        id: (inputs, name) =>
            `${group(inputs)}/providers/Microsoft.DataProtection/backupVaults/${String(inputs.vaultName)}/backupInstances/${name}`,
        replaceOn: placed("backupInstanceName", "vaultName"),
    },
    {
        token: "azure-native:authorization:RoleAssignment",
        nameInput: "roleAssignmentName",
        autoname: "guid",
        id: (inputs, name) => `${String(inputs.scope)}/providers/Microsoft.Authorization/roleAssignments/${name}`,
        replaceOn: ["roleAssignmentName", "scope", "principalId"],
        refused: [
            {
                path: "roleDefinitionId",
                code: "RoleAssignmentUpdateNotPermitted",
                message: "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
            },
        ],
    },
    {
        token: "azure-native:devtestlab:GlobalSchedule",
        nameInput: "name",
        id: under("microsoft.devtestlab/schedules"),
        replaceOn: placed("name"),
        refused: [fixedLocation],
    },
];

export const resourceTypes: ReadonlyMap<string, ResourceType> = new Map(types.map((type) => [type.token, type]));

/** The resource type of a URN: what follows the last `$` of its type chain. */
export function typeOfUrn(urn: string): string {
    const chain = urn.split("::")[2] ?? "";
    return chain.split("$").pop() ?? chain;
}

export function nameOfUrn(urn: string): string {
    return urn.split("::").pop() ?? urn;
}
