/**
 * Transaction and block validation: contextual transaction checks, lock times, scripts with the CC
 * adapter and the script cache, header and body checks, block connection and block assembly.
 */
export { BlockRejectCode, TxRejectCode, blockReject, txReject } from './errors.ts';
export type { BlockRejection, TxRejection } from './errors.ts';
export { BLOCK_SCRIPT_FLAGS, MEMPOOL_SCRIPT_FLAGS, ccActiveAt, ccContextKey, scriptFlagsFor } from './flags.ts';
export type { ValidationMode } from './flags.ts';
export { SEQUENCE_TIME_UNIT_MS, checkSequenceLocks, isFinalTx } from './finality.ts';
export type { SequenceLockFailure } from './finality.ts';
export { checkTxInputs, isImmatureCoinbase } from './inputs.ts';
export type { TxInputs } from './inputs.ts';
export type { CcHostAdapter, CcRejection, CcTxContext, CcTxSession } from './ccAdapter.ts';
export { DEFAULT_SCRIPT_CACHE_ENTRIES, ScriptCache } from './scriptCache.ts';
export type { ScriptCacheEntry, ScriptCacheStats } from './scriptCache.ts';
export { checkTxScripts } from './scripts.ts';
export type { ScriptCheckContext, ScriptCheckOutcome } from './scripts.ts';
export { checkFinal, checkRelativeLocks, checkTxContextual } from './contextual.ts';
export type { TxCheckResult, TxContext } from './contextual.ts';
export { producerForSlot } from './producer.ts';
export { checkBlockHeader } from './header.ts';
export type { HeaderContext } from './header.ts';
export { blockSize, checkBlockBody } from './body.ts';
export type { BlockBody } from './body.ts';
export { connectBlock, hasCoinbaseHeight, validateBlock } from './connect.ts';
export type { BlockContext, ConnectOptions } from './connect.ts';
export { buildBlock } from './build.ts';
export type { BuildBlockParams, BuiltBlock, DroppedTx } from './build.ts';
