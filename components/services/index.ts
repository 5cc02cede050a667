export type { HardenedServiceSpec, ServiceTarget } from "./hardenedService";
export { publishModes } from "../../catalogue/publishModes";
export type { PublishMode } from "../../catalogue/publishModes";
export { MongodbService, mongodbPort } from "./mongodb";
export { RedisService, redisPort } from "./redis";
export { Services } from "./services";
export type { ServiceArgs, ServiceDefinition } from "./hardenedComponent";
export type { ServicesArgs } from "./services";
