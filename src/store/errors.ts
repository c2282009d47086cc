/**
 * Error codes of the store. Opening a datadir and writing blocks return them in a `Result`; reads on a
 * closed store throw them as a `CchostError`. Messages name the problem and the fix.
 */
import type { ErrorData } from '../util/errors.ts';

/** The codes the store reports. */
export const StoreErrorCode = {
  /** The datadir is in use by another running process (or by another store of this process). */
  LOCKED: 'STORE_LOCKED',
  /** The datadir holds another chain (its recorded chain id differs from the spec's). */
  WRONG_CHAIN: 'STORE_WRONG_CHAIN',
  /** The database was written by a newer cchost (its schema version is unknown here). */
  SCHEMA_TOO_NEW: 'STORE_SCHEMA_TOO_NEW',
  /** The datadir or its database cannot be created or opened (permissions, not a directory, not a database). */
  OPEN_FAILED: 'STORE_OPEN_FAILED',
  /** A block's height is not the tip's height + 1. */
  BAD_HEIGHT: 'STORE_BAD_HEIGHT',
  /** A block's parent is not the tip. */
  BAD_PARENT: 'STORE_BAD_PARENT',
  /** A block delta contradicts its block or the UTXO set (missing coin, duplicate txid, wrong spender). */
  BAD_DELTA: 'STORE_BAD_DELTA',
  /** A module index hook threw; the transaction was rolled back and nothing was written. */
  HOOK_FAILED: 'STORE_HOOK_FAILED',
  /** There is no block to disconnect. */
  EMPTY: 'STORE_EMPTY',
  /** The tip is final (at or below the last irreversible block) and cannot be disconnected. */
  BELOW_LIB: 'STORE_BELOW_LIB',
  /** A new LIB is above the tip or below the current LIB. */
  BAD_LIB: 'STORE_BAD_LIB',
  /** An argument is out of range (module name, key or value size, meta key). */
  BAD_ARGUMENT: 'STORE_BAD_ARGUMENT',
  /** The store was used after `close()`, or a module index store outside its hook. */
  CLOSED: 'STORE_CLOSED',
  /** Stored data contradicts itself (a missing undo record or block); run `--check` and reindex. */
  CORRUPT: 'STORE_CORRUPT',
  /** SQLite failed while writing (disk full, I/O error); the transaction was rolled back. */
  IO: 'STORE_IO',
} as const;

/** One of the store's error codes. */
export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

/** A store failure as data. */
export interface StoreError extends ErrorData<StoreErrorCode> {
  readonly code: StoreErrorCode;
  readonly message: string;
}

/** Builds a `StoreError`. Example: `storeError('STORE_EMPTY', 'no block to disconnect')`. */
export function storeError(code: StoreErrorCode, message: string, details: Record<string, unknown> = {}): StoreError {
  return { ...details, code, message };
}
