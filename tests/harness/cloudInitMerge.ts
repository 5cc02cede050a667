import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runTool } from "./tools";

/** cloud-init's own Python, which has its modules (Debian's cloud-init package installs them there). */
export const cloudInitPython = "/usr/bin/python3";

/**
 * The configuration cloud-init runs with on an Azure VM whose temporary (resource) disk is present,
 * computed by cloud-init's own code: its ConfigMerger puts the instance's user data above the
 * datasource's config, and the Azure datasource's config is its built-in ephemeral-disk default
 * (DataSourceAzure merges BUILTIN_CLOUD_EPHEMERAL_DISK_CONFIG in when /dev/disk/cloud/azure_resource
 * exists).
 */
export function mergedAzureConfig(userData: string): Record<string, any> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "adh-cloud-config-"));
    try {
        const userDataFile = path.join(work, "cloud_config.txt");
        fs.writeFileSync(userDataFile, userData);
        const result = runTool(cloudInitPython, ["-c", mergeProgram, userDataFile]);
        if (result.status !== 0) {
            throw new Error(`cloud-init's merge failed: ${result.stderr}`);
        }
        return JSON.parse(result.stdout) as Record<string, any>;
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

const mergeProgram = `
import json, sys
from cloudinit import helpers, util
from cloudinit.sources.DataSourceAzure import BUILTIN_CLOUD_EPHEMERAL_DISK_CONFIG

class InstancePaths:
    def get_ipath_cur(self, name):
        return sys.argv[1] if name == "cloud_config" else None

class AzureWithResourceDisk:
    def get_config_obj(self):
        return util.mergemanydict([{}, BUILTIN_CLOUD_EPHEMERAL_DISK_CONFIG])

merged = helpers.ConfigMerger(paths=InstancePaths(), datasource=AzureWithResourceDisk()).cfg
print(json.dumps({key: merged.get(key) for key in ("disk_setup", "fs_setup", "mounts", "bootcmd")}))
`;
