export { overlayAddressPool } from "./addressPool";
export { joinScript } from "./joinScript";
export { Swarm } from "./swarm";
export type { SwarmArgs } from "./swarm";
export { leaveSwarmScript, workerBoot } from "./workerBoot";
