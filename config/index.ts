/**
 * The stack's configuration: `schema.ts` is the one table of keys, `readers/` validate them group by
 * group into the typed settings of `settings.ts`, and `loader.ts` reads them all, reporting every bad
 * key at once before anything is declared.
 */
export { ConfigError } from "./errors";
export type { ConfigProblem } from "./errors";
export { loadStackConfig, pulumiRawConfig } from "./loader";
export * from "./settings";
