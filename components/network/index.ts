export { deriveDnsLabel, hostnameFor } from "./dnsLabel";
export { Network } from "./network";
export type { NetworkArgs } from "./network";
export { denyAllPriority, inboundSecurityRules, swarmRules } from "./securityRules";
