import { loadStackConfig } from "./config";
import { declareStack } from "./stack";

// Config is read and validated in full before a single resource is declared.
const outputs = declareStack(loadStackConfig());

export const resourceGroupName = outputs.resourceGroupName;
export const fqdn = outputs.fqdn;
export const publicIp = outputs.publicIp;
export const dockerHost = outputs.dockerHost;
export const caCertPem = outputs.caCertPem;
export const clientCertPem = outputs.clientCertPem;
export const clientKeyPem = outputs.clientKeyPem;
export const sshCommand = outputs.sshCommand;
export const sshPrivateKey = outputs.sshPrivateKey;
export const dataDiskId = outputs.dataDiskId;
export const redisConnectionString = outputs.redisConnectionString;
export const mongodbConnectionString = outputs.mongodbConnectionString;
export const servicesTunnelCommand = outputs.servicesTunnelCommand;
