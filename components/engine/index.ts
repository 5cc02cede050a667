/**
 * The Docker Engine API client the dynamic providers carry into the state. It is bundled with each
 * provider (components/dynamic/providerBundle.ts), so this folder may import Node's built-in modules
 * and its own files, nothing else (a lint rule and the bundler hold it to that).
 */
export { tarArchive, untarFiles } from "./archive";
export type { ArchiveFile } from "./archive";
export { readPidsLimit, readVolumeFile, setPidsLimit, writeVolumeFiles } from "./containers";
export { dockerUrl, engineClientOf } from "./endpoint";
export type { ClientTls, DialInputs, DockerEndpoint, EngineClient } from "./endpoint";
export {
    certificateFingerprint,
    defaultPoll,
    dockerNotReadyError,
    pingDocker,
    servedCertificatePem,
    waitForDocker,
    waitingLine,
} from "./ping";
export type { PingResult, PollPolicy } from "./ping";
export { dockerApiRequest } from "./request";
export {
    describeSwarm,
    ensureSwarmManager,
    leaveSwarm,
    listNodes,
    pruneDownWorkers,
    waitForDepartedDown,
    waitForWorkersReady,
} from "./swarm";
export type { LiveSwarm, SwarmManagerState, SwarmNode } from "./swarm";
export type { DockerApiResponse } from "./request";
