/**
 * The CC host (CC.md Part B): the 0xCC spend check (B4), module registry and dispatch (B8), output
 * creation rules (B7) and the chain adapter session. See docs/cc.md.
 */
export { CcHostErrorCode, hostError, type CcHostError, type CcHostRejection } from './errors.ts';
export type { HostChainParams, HostCcParams, HostCoin, HostModuleSpec, HostOutPoint, HostTxContext, HostUtxoView, HostValidationMode } from './types.ts';
export { MAX_PARAMS_TAIL, MIN_PARAMS_TAIL, PARAMS_TAIL_VERSION, encodeParamsTail, parseParamsTail, type ParamsTail } from './tail.ts';
export {
  EMPTY_INDEX,
  type CCInput,
  type CCOutput,
  type Module,
  type ModuleIndexEntry,
  type ModuleIndexHooks,
  type ModuleIndexReader,
  type ModuleIndexStore,
  type ModuleScanOptions,
  type SpenderRef,
  type TxView,
  type ValidationContext,
  type Verdict,
} from './module.ts';
export { MODULE_ERROR_CODE, MODULE_NAME, createModuleRegistry, moduleShapeError, type ModuleRegistry, type RegisteredModule } from './registry.ts';
export { DEFAULT_ALLOWED_TYPES, EVAL_TYPE_MASK, MAX_ROOT_COST, SIGNER_TYPES_MASK, inspectTree, mayAcceptMask, signerFacts, type SignerFacts, type TreeEval, type TreeFacts } from './policy.ts';
export { CC_HASH_TYPES, checkCcSpend, createSpendHook, type CcEvalHit, type CcSpendCheck, type CcSpendRecord, type SpendPolicy } from './hook.ts';
export { checkCcOutput, type CheckedOutput } from './outputs.ts';
export { runModuleHook, type ModuleFault, type ModuleHookName } from './dispatch.ts';
export { createTxView, type HostLookups } from './view.ts';
export { CcSession, type CcInputInfo, type SessionHost } from './session.ts';
export { createCcHost, type CcHost, type CcHostConfig } from './host.ts';
