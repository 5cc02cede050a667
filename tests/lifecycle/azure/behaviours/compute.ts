import * as fs from "fs";
import { allocatePrivateAddress, scaleSetInstanceType } from "../addresses";
import { AzureError } from "../errors";
import { copyImage } from "../machine/disks";
import { Machine, MachineSpec } from "../machine/machine";
import { reveal } from "../propertyPaths";
import { StoredResource, World } from "../world";
import { Behaviour, Operation, referenced, uuid } from "./behaviour";

const gib = 1024 ** 3;

// -- managed disks ------------------------------------------------------------------------------

/** Snapshots are made outside the program (`az snapshot create`, the Resource Manager stand-in). */
export const snapshotType = "stand-in:compute:Snapshot";

export const disk: Behaviour = {
    async create({ world, id, name, inputs }) {
        const size = Number(inputs.diskSizeGB);
        const image = world.diskImage(id);
        const creation = inputs.creationData ?? {};
        if (creation.createOption === "Copy") {
            const source = referenced(world, creation.sourceResourceId, "source snapshot or disk");
            const sourceSize = Number(source.outputs.diskSizeGB);
            if (size < sourceSize) {
                throw new AzureError(
                    400,
                    "BadRequest",
                    `The specified disk size ${size} GB is smaller than the size of the corresponding disk snapshot ${sourceSize} GB.`,
                );
            }
            copyImage(world.diskImage(source.id), image);
        } else if (creation.createOption === "Empty") {
            fs.writeFileSync(image, "");
        } else {
            throw new AzureError(
                400,
                "InvalidParameter",
                `createOption '${String(creation.createOption)}' is not emulated.`,
            );
        }
        fs.truncateSync(image, size * gib);
        return diskOutputs(name, size, {
            diskState: "Unattached",
            uniqueId: uuid(),
            timeCreated: new Date().toISOString(),
        });
    },
    async update({ world, id, inputs, stored }) {
        const before = Number(stored!.outputs.diskSizeGB);
        const size = Number(inputs.diskSizeGB);
        if (size < before) {
            throw new AzureError(
                400,
                "BadRequest",
                `The disk/snapshot resource with id ${id} cannot be resized down. Reducing disk/snapshot size is not supported in Azure to prevent data loss.`,
            );
        }
        if (size > before) {
            // StandardSSD data disks resize live (expanding without downtime); the guest sees it at once.
            fs.truncateSync(world.diskImage(id), size * gib);
            const owner = stored!.outputs.managedBy as string | undefined;
            if (owner) {
                machineOf(world, owner)?.diskGrown(world.diskImage(id));
            }
        }
        return diskOutputs(stored!.outputs.name as string, size, {
            diskState: stored!.outputs.diskState,
            managedBy: stored!.outputs.managedBy,
            uniqueId: stored!.outputs.uniqueId,
            timeCreated: stored!.outputs.timeCreated,
        });
    },
    async delete({ world, id, stored }) {
        if (stored?.outputs.managedBy) {
            throw new AzureError(
                409,
                "OperationNotAllowed",
                `Disk ${id.split("/").pop()} is attached to VM ${String(stored.outputs.managedBy)}.`,
            );
        }
        fs.rmSync(world.diskImage(id), { force: true });
    },
};

function diskOutputs(name: string, size: number, extra: Record<string, unknown>) {
    return {
        name,
        type: "Microsoft.Compute/disks",
        diskSizeGB: size,
        diskSizeBytes: size * gib,
        provisioningState: "Succeeded",
        ...extra,
    };
}

function setOwner(world: World, diskId: string, owner: string | undefined): void {
    const stored = referenced(world, diskId, "disk");
    const outputs = { ...stored.outputs, managedBy: owner, diskState: owner ? "Attached" : "Unattached" };
    if (!owner) {
        delete outputs.managedBy;
    }
    world.put({ ...stored, outputs });
}

// -- virtual machines -------------------------------------------------------------------------

export function machineOf(world: World, vmId: string): Machine | undefined {
    const folder = world.vmFolder(vmId.split("/").pop() ?? vmId);
    return Machine.exists(folder) ? Machine.load(folder) : undefined;
}

/** The addresses the VM's NIC gives it: private on the subnet, public from an associated public IP. */
function addressesOf(world: World, inputs: Record<string, any>): string[] {
    return (inputs.networkProfile?.networkInterfaces ?? []).flatMap((reference: { id: string }) => {
        const nic = referenced(world, reference.id, "network interface");
        return ((nic.outputs.ipConfigurations ?? []) as Record<string, any>[]).flatMap((configuration) => {
            const subnetPrefix = String(referenced(world, configuration.subnet?.id, "subnet").inputs.addressPrefix);
            const own = [`${configuration.privateIPAddress}/${subnetPrefix.split("/")[1]}`];
            const publicId = configuration.publicIPAddress?.id as string | undefined;
            const address = publicId
                ? (referenced(world, publicId, "public IP address").outputs.ipAddress as string)
                : undefined;
            return address ? [...own, `${address}/24`] : own;
        });
    });
}

function machineSpec(world: World, name: string, inputs: Record<string, any>): MachineSpec {
    return {
        name,
        computerName: String(inputs.osProfile?.computerName ?? name),
        addresses: addressesOf(world, inputs),
        userData: Buffer.from(String(inputs.osProfile?.customData ?? ""), "base64").toString("utf8"),
        dataDisks: (inputs.storageProfile?.dataDisks ?? []).map((dataDisk: Record<string, any>) => ({
            lun: Number(dataDisk.lun),
            image: world.diskImage(String(dataDisk.managedDisk?.id)),
        })),
        controller: inputs.storageProfile?.diskControllerType === "NVMe" ? "NVMe" : "SCSI",
    };
}

/** A NIC carries one VM, a disk one VM (maxShares 1): Azure refuses a second. */
function claimAttachments(world: World, vmId: string, inputs: Record<string, any>): void {
    for (const reference of inputs.networkProfile?.networkInterfaces ?? []) {
        const user = world.ofType("azure-native:compute:VirtualMachine").find(
            (vm) =>
                vm.id.toLowerCase() !== vmId.toLowerCase() &&
                JSON.stringify(vm.inputs)
                    .toLowerCase()
                    .includes(`"${String(reference.id).toLowerCase()}"`),
        );
        if (user) {
            throw new AzureError(
                400,
                "NicInUse",
                `Network Interface ${reference.id} is used by existing resource ${user.id}.`,
            );
        }
    }
    for (const dataDisk of inputs.storageProfile?.dataDisks ?? []) {
        const diskId = String(dataDisk.managedDisk?.id);
        const owner = referenced(world, diskId, "disk").outputs.managedBy as string | undefined;
        if (owner && owner.toLowerCase() !== vmId.toLowerCase()) {
            throw new AzureError(
                409,
                "ConflictingUserInput",
                `Disk '${diskId}' cannot be attached as the disk is already owned by VM '${owner}'.`,
            );
        }
    }
    for (const dataDisk of inputs.storageProfile?.dataDisks ?? []) {
        setOwner(world, String(dataDisk.managedDisk?.id), vmId);
    }
}

function vmOutputs(name: string, vmId: string, inputs: Record<string, any>) {
    // Resource Manager never returns customData or a password.
    const osProfile = Object.fromEntries(
        Object.entries(inputs.osProfile ?? {}).filter(([key]) => key !== "customData" && key !== "adminPassword"),
    );
    return {
        name,
        type: "Microsoft.Compute/virtualMachines",
        vmId,
        provisioningState: "Succeeded",
        osProfile,
        storageProfile: {
            ...inputs.storageProfile,
            osDisk: {
                ...inputs.storageProfile?.osDisk,
                name: `${name}_OsDisk_1_${vmId.replace(/-/g, "").slice(0, 32)}`,
            },
        },
    };
}

export const virtualMachine: Behaviour = {
    async create({ world, id, name, inputs }) {
        claimAttachments(world, id, inputs);
        const vmId = uuid();
        try {
            await Machine.create(world.vmFolder(name), machineSpec(world, name, inputs));
        } catch (error) {
            for (const dataDisk of inputs.storageProfile?.dataDisks ?? []) {
                setOwner(world, String(dataDisk.managedDisk?.id), undefined);
            }
            await machineOf(world, id)?.destroy();
            throw error;
        }
        return { ...vmOutputs(name, vmId, inputs), timeCreated: new Date().toISOString() };
    },
    async update(operation) {
        const { world, id, name, inputs, stored } = operation;
        const machine = machineOf(world, id);
        const before = reveal<Record<string, any>>(stored!.inputs);
        const resized = before.hardwareProfile?.vmSize !== inputs.hardwareProfile?.vmSize;
        const controllerChanged =
            (before.storageProfile?.diskControllerType ?? "SCSI") !==
            (inputs.storageProfile?.diskControllerType ?? "SCSI");
        if (controllerChanged && !resized && machine?.power === "running") {
            throw new AzureError(
                409,
                "OperationNotAllowed",
                "You need to deallocate the VM before updating its disk controller type unless you are updating the VM size in the VM configuration which implicitly deallocates and reallocates the VM.",
            );
        }
        claimAttachments(world, id, inputs);
        for (const dataDisk of before.storageProfile?.dataDisks ?? []) {
            const still = (inputs.storageProfile?.dataDisks ?? []).some(
                (candidate: Record<string, any>) =>
                    String(candidate.managedDisk?.id).toLowerCase() === String(dataDisk.managedDisk?.id).toLowerCase(),
            );
            if (!still) {
                setOwner(world, String(dataDisk.managedDisk?.id), undefined);
            }
        }
        if (machine) {
            machine.respec(machineSpec(world, name, inputs));
            // A resize moves the VM to hardware of the new size: Azure restarts it.
            if ((resized || controllerChanged) && machine.power === "running") {
                await machine.reboot();
            }
        }
        return vmOutputs(name, String(stored!.outputs.vmId), inputs);
    },
    async delete({ world, id, inputs }) {
        await machineOf(world, id)?.destroy();
        for (const dataDisk of inputs.storageProfile?.dataDisks ?? []) {
            if (world.get(String(dataDisk.managedDisk?.id))) {
                setOwner(world, String(dataDisk.managedDisk?.id), undefined);
            }
        }
    },
};

// -- extensions -------------------------------------------------------------------------------

/** The handlers whose models the emulation runs; anything else is refused rather than ignored. */
async function applyExtension(machine: Machine, name: string, extension: Record<string, any>): Promise<void> {
    const handler = `${extension.publisher}/${extension.type}`;
    if (handler === "Microsoft.Azure.Extensions/DockerExtension") {
        await machine.enableDockerExtension(extension.settings, extension.protectedSettings);
    } else if (handler === "Microsoft.Azure.Extensions/CustomScript") {
        await machine.runCustomScript(extension.settings, extension.protectedSettings, name);
    } else {
        throw new AzureError(400, "VMExtensionHandlerNonTransientError", `The handler ${handler} is not emulated.`);
    }
}

function runningMachine(world: World, vmId: string): Machine {
    referenced(world, vmId, "virtual machine");
    const machine = machineOf(world, vmId);
    if (!machine || machine.power !== "running") {
        throw new AzureError(
            409,
            "OperationNotAllowed",
            `Cannot modify extensions in the VM when the VM is not running.`,
        );
    }
    return machine;
}

const extensionApplied: (operation: Operation) => Promise<Record<string, unknown>> = async ({
    world,
    id,
    name,
    inputs,
}) => {
    const vmId = id.replace(/\/extensions\/[^/]+$/, "");
    await applyExtension(runningMachine(world, vmId), name, inputs);
    return { name, type: "Microsoft.Compute/virtualMachines/extensions", provisioningState: "Succeeded" };
};

export const virtualMachineExtension: Behaviour = {
    create: extensionApplied,
    // Any change is a new sequence number for the handler, which runs enable again.
    update: extensionApplied,
};

// -- run commands -----------------------------------------------------------------------------

/**
 * A managed run command (Run Command v2) runs its script once per PUT, synchronously unless
 * asyncExecution. With treatFailureAsDeploymentFailure a failing script fails the PUT with the
 * handler's execution message and output tails; without it the PUT succeeds and only the instance
 * view says Failed. Its VM is found by name, so an instance of a Flexible scale set is one too.
 */
const runCommandApplied: (operation: Operation) => Promise<Record<string, unknown>> = async ({
    world,
    name,
    inputs,
}) => {
    const vmName = String(inputs.vmName);
    const machine = machineOf(world, vmName);
    if (!machine) {
        throw new AzureError(
            404,
            "ResourceNotFound",
            `The Resource 'Microsoft.Compute/virtualMachines/${vmName}' was not found.`,
        );
    }
    if (machine.power !== "running") {
        throw new AzureError(
            409,
            "OperationNotAllowed",
            "Cannot modify extensions in the VM when the VM is not running.",
        );
    }
    const script = inputs.source?.script;
    if (typeof script !== "string" || script === "") {
        throw new AzureError(400, "InvalidParameter", "The value of parameter source.script is invalid.");
    }
    const outcome = await machine.runCommand(name, script, inputs.parameters ?? [], inputs.protectedParameters ?? []);
    const executionMessage =
        outcome.executionState === "Succeeded"
            ? "Execution completed"
            : `Execution failed: failed to execute command: command terminated with exit status=${outcome.exitCode}`;
    if (outcome.executionState === "Failed" && inputs.treatFailureAsDeploymentFailure === true) {
        throw new AzureError(
            200,
            "VMExtensionProvisioningError",
            `VM has reported a failure when processing extension '${name}'. Error message: "${executionMessage}\n[stdout]\n${outcome.output.trim()}\n[stderr]\n${outcome.error.trim()}"`,
        );
    }
    return {
        name,
        type: "Microsoft.Compute/virtualMachines/runCommands",
        provisioningState: "Succeeded",
        instanceView: { ...outcome, executionMessage },
    };
};

export const virtualMachineRunCommand: Behaviour = {
    create: runCommandApplied,
    update: runCommandApplied,
};

// -- scale sets -------------------------------------------------------------------------------

function instancesOf(world: World, scaleSetId: string): StoredResource[] {
    return world
        .ofType(scaleSetInstanceType)
        .filter((instance) => instance.id.toLowerCase().startsWith(`${scaleSetId.toLowerCase()}/virtualmachines/`))
        .sort((a, b) => String(a.outputs.timeCreated).localeCompare(String(b.outputs.timeCreated)));
}

async function addInstance(
    world: World,
    scaleSetId: string,
    scaleSetName: string,
    inputs: Record<string, any>,
): Promise<void> {
    const profile = inputs.virtualMachineProfile ?? {};
    const suffix = uuid().replace(/-/g, "").slice(0, 8);
    const name = `${scaleSetName}_${suffix}`;
    const configuration = profile.networkProfile?.networkInterfaceConfigurations?.[0]?.ipConfigurations?.[0];
    const subnetResource = referenced(world, configuration?.subnet?.id, "subnet");
    const { address, length } = allocatePrivateAddress(world, String(subnetResource.inputs.addressPrefix));
    const id = `${scaleSetId}/virtualMachines/${name}`;
    world.put({
        id,
        type: scaleSetInstanceType,
        inputs: {},
        outputs: {
            name,
            computerName: `${profile.osProfile?.computerNamePrefix ?? ""}${suffix.slice(0, 6)}`,
            privateIPAddress: address,
            timeCreated: new Date().toISOString(),
        },
    });
    const machine = await Machine.create(world.vmFolder(name), {
        name,
        computerName: `${profile.osProfile?.computerNamePrefix ?? ""}${suffix.slice(0, 6)}`,
        addresses: [`${address}/${length}`],
        userData: Buffer.from(String(profile.osProfile?.customData ?? ""), "base64").toString("utf8"),
        dataDisks: [],
        controller: profile.storageProfile?.diskControllerType === "NVMe" ? "NVMe" : "SCSI",
    });
    for (const extension of profile.extensionProfile?.extensions ?? []) {
        await applyExtension(machine, String(extension.name), extension);
    }
}

async function removeInstance(world: World, instance: StoredResource): Promise<void> {
    const folder = world.vmFolder(String(instance.outputs.name));
    if (Machine.exists(folder)) {
        await Machine.load(folder).destroy();
    }
    world.remove(instance.id);
}

async function scaleTo(world: World, id: string, name: string, inputs: Record<string, any>): Promise<void> {
    const capacity = Number(inputs.sku?.capacity ?? 0);
    let instances = instancesOf(world, id);
    while (instances.length < capacity) {
        await addInstance(world, id, name, inputs);
        instances = instancesOf(world, id);
    }
    // scaleInPolicy NewestVM (the program's; Default would balance zones, of which there is one).
    while (instances.length > capacity) {
        await removeInstance(world, instances.pop()!);
    }
}

export const virtualMachineScaleSet: Behaviour = {
    async create({ world, id, name, inputs }) {
        await scaleTo(world, id, name, inputs);
        return {
            name,
            type: "Microsoft.Compute/virtualMachineScaleSets",
            provisioningState: "Succeeded",
            uniqueId: uuid(),
        };
    },
    // Flexible orchestration: a model change applies to instances made from now on; capacity scales now.
    async update({ world, id, name, inputs, stored }) {
        await scaleTo(world, id, name, inputs);
        return { uniqueId: stored!.outputs.uniqueId };
    },
    async delete({ world, id }) {
        for (const instance of instancesOf(world, id)) {
            await removeInstance(world, instance);
        }
    },
};
