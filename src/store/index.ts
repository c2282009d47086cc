/** The chain store: block log, UTXO set, undo, address/spent/eval-code indexes and module index tables (docs/store.md). */
export { openStore, CHAIN_FILE, MEMORY } from './store.ts';
export { StoreErrorCode, storeError } from './errors.ts';
export type { StoreError } from './errors.ts';
export { LOCK_FILE, acquireDatadirLock, processAlive } from './lock.ts';
export type { DatadirLock } from './lock.ts';
export { SCHEMA_VERSION } from './schema.ts';
export { DEFAULT_REPLAY_RULES, replayBlock, utxoMapKey } from './replay.ts';
export type { ReplayRules, UtxoMap } from './replay.ts';
export { dumpDigest } from './dump.ts';
export { MAX_MODULE_KEY, MAX_MODULE_VALUE, MODULE_NAME_RE, prefixEnd } from './moduleIndex.ts';
export { decodeUndo, encodeUndo } from './undo.ts';
export type { OutputRef } from './undo.ts';
export type * from './types.ts';
