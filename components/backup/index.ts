export { DataDiskBackup } from "./dataDiskBackup";
export type { DataDiskBackupArgs } from "./dataDiskBackup";
export { dailyBackupTime, diskBackupPolicy } from "./policy";
export { diskBackupRoles } from "./roles";
