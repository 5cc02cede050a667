/**
 * One VM of a Flexible scale set as Resource Manager lists it: the VM's resource name, which Azure
 * operations on it take, and its host name, which is the name the swarm knows it by.
 */
export interface ScaleSetInstance {
    readonly vmName: string;
    readonly computerName: string;
}
