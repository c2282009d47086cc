/**
 * What the store's write paths share: the connection, its statements, the module tables and the
 * cached chain state. Write paths run inside a SQLite transaction and abort it by throwing a
 * `StoreFailure`, which the public methods turn back into a `Result`.
 */
import type Database from 'better-sqlite3';
import type { UtxoView } from '../chain/state/types.ts';
import { StoreErrorCode, storeError } from './errors.ts';
import type { StoreError } from './errors.ts';
import type { ModuleKv } from './moduleIndex.ts';
import type { Statements } from './statements.ts';

/** The cached chain state (mirrors the tables; updated only after a commit). */
export interface CoreState {
  /** Tip height, -1 when empty. */
  height: number;
  tipId: Uint8Array | undefined;
  /** The txnum the next block's coinbase gets. */
  nextTxnum: number;
  /** LIB height, -1 when none. */
  lib: number;
}

/** The parts the write paths use. */
export interface Core {
  readonly db: Database.Database;
  readonly st: Statements;
  readonly kv: ModuleKv;
  /** The store itself as a UtxoView (hooks read coins through it). */
  readonly view: UtxoView;
}

/** A typed failure thrown inside a transaction to roll it back. */
export class StoreFailure extends Error {
  readonly error: StoreError;
  constructor(error: StoreError) {
    super(error.message);
    this.name = 'StoreFailure';
    this.error = error;
  }
}

/** Throws a `StoreFailure`. */
export function fail(code: StoreErrorCode, message: string, details: Record<string, unknown> = {}): never {
  throw new StoreFailure(storeError(code, message, details));
}

/** Maps an exception from a write path to a StoreError (SQLite errors become STORE_IO). */
export function toStoreError(e: unknown): StoreError {
  if (e instanceof StoreFailure) return e.error;
  const msg = e instanceof Error ? e.message : String(e);
  const sqlCode = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
  return storeError(StoreErrorCode.IO, `the store could not write: ${msg}; nothing was written`, sqlCode === undefined ? {} : { sqliteCode: sqlCode });
}

/** The name of an SQLite error code, if `e` is an SQLite error. */
export function sqliteCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
}
