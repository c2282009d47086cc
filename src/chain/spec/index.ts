/** Chain spec: types, validation, canonical form, chain id and the dev defaults. */
export type { Allocation, CcSpec, ChainSpec, JsonValue, LimitsSpec, ModuleSpec, RewardSpec } from './types.ts';
export { SpecErrorCode } from './errors.ts';
export type { SpecError } from './errors.ts';
export { SPEC_DEFAULTS, parseChainSpec, parseChainSpecText } from './parse.ts';
export { canonicalJson, canonicalSpecJson, chainId, chainIdBytes, specToJson } from './canonical.ts';
export type { SpecToJsonOptions } from './canonical.ts';
export { DEV_MODULES, defaultDevSpec } from './defaults.ts';
export type { DevSpecOptions, ModuleJson } from './defaults.ts';
export { formatCoins, parseCoins } from './amount.ts';
