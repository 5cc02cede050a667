export { publishModes } from "../../catalogue/publishModes";
export type { PublishMode } from "../../catalogue/publishModes";
export { mongodbPort, mongodbService } from "./mongodb";
export { redisPort, redisService } from "./redis";
export { Service } from "./service";
export type { ServiceArgs, ServiceSpec, ServiceTarget } from "./service";
export { Services } from "./services";
export type { ServicesArgs } from "./services";
