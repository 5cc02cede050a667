import type { ArmBackend } from "../../harness/armStandIn";
import { scaleSetInstanceType } from "./addresses";
import { snapshotType, machineOf } from "./behaviours/compute";
import { copyImage } from "./machine/disks";
import { World } from "./world";

/**
 * The Resource Manager stand-in's view of the emulated subscription: what the preflight and the
 * command-line tool ask Azure directly (VM power, restore sources, `az snapshot create`).
 */
export function worldBackend(world: World): ArmBackend {
    const vm = (vmId: string) =>
        world
            .ofType("azure-native:compute:VirtualMachine")
            .find((resource) => resource.id.toLowerCase() === vmId.toLowerCase());
    return {
        powerState(vmId) {
            const resource = vm(vmId);
            return resource ? (machineOf(world, resource.id)?.power ?? "deallocated") : undefined;
        },
        async power(vmId, action) {
            const resource = vm(vmId);
            const machine = resource ? machineOf(world, resource.id) : undefined;
            if (!machine) {
                throw new Error(`no VM ${vmId}`);
            }
            await world.locked(resource!.id, async () => {
                if (action === "deallocate") {
                    await machine.powerOff();
                } else if (action === "start") {
                    await machine.powerOn();
                } else {
                    await machine.reboot();
                }
            });
        },
        diskSource(id) {
            const resource = world.get(id);
            if (!resource || (resource.type !== snapshotType && resource.type !== "azure-native:compute:Disk")) {
                return undefined;
            }
            return {
                id: resource.id,
                name: resource.outputs.name,
                location: resource.outputs.location,
                properties: { diskSizeGB: resource.outputs.diskSizeGB, provisioningState: "Succeeded" },
            };
        },
        listVms(resourceGroupId) {
            const inGroup = (id: string) => id.toLowerCase().startsWith(`${resourceGroupId.toLowerCase()}/`);
            const vms = world
                .ofType("azure-native:compute:VirtualMachine")
                .filter((resource) => inGroup(resource.id))
                .map((resource) => ({
                    id: resource.id,
                    name: resource.outputs.name,
                    properties: {
                        osProfile: {
                            computerName: (resource.outputs.osProfile as { computerName?: string })?.computerName,
                        },
                    },
                }));
            // A Flexible scale set's instances are VMs of the group that name their scale set.
            const instances = world
                .ofType(scaleSetInstanceType)
                .filter((resource) => inGroup(resource.id))
                .map((resource) => {
                    const scaleSetId = resource.id.replace(/\/virtualMachines\/[^/]+$/i, "");
                    const name = String(resource.outputs.name);
                    return {
                        id: `${resourceGroupId}/providers/Microsoft.Compute/virtualMachines/${name}`,
                        name,
                        properties: {
                            osProfile: { computerName: resource.outputs.computerName },
                            virtualMachineScaleSet: { id: scaleSetId },
                        },
                    };
                });
            return [...vms, ...instances];
        },
        async putSnapshot(id, body) {
            const sourceId = String(body.properties?.creationData?.sourceResourceId ?? "");
            const source = world.get(sourceId);
            if (!source || source.type !== "azure-native:compute:Disk") {
                throw new Error(`the snapshot's source disk ${sourceId} does not exist`);
            }
            // A crash-consistent copy of the disk as it is now, as Azure's snapshot is.
            copyImage(world.diskImage(source.id), world.diskImage(id));
            const outputs = {
                id,
                name: id.split("/").pop(),
                location: body.location ?? source.outputs.location,
                diskSizeGB: source.outputs.diskSizeGB,
                timeCreated: new Date().toISOString(),
            };
            world.put({ id, type: snapshotType, inputs: body, outputs });
            return { ...outputs, properties: { diskSizeGB: outputs.diskSizeGB, provisioningState: "Succeeded" } };
        },
    };
}
