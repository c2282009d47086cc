/**
 * Module index tables: one namespaced key-value space per module (`module_kv`), written only by
 * modules' index hooks inside a block's transaction. Every write is journaled: the first time a block
 * touches a key, its previous value (or its absence) goes to `module_undo`. Disconnecting the block
 * puts every touched key back from that journal, so the tables return byte for byte to their state
 * before the block even when a module's disconnect hook is imperfect; the hook still runs, and each
 * key it leaves different from the journal is reported as a mismatch.
 */
import type Database from 'better-sqlite3';
import { CchostError } from '../util/errors.ts';
import { equalBytes } from '../util/bytes.ts';
import { StoreErrorCode } from './errors.ts';
import { bytesKey, num, u8 } from './rows.ts';
import type { ModuleIndexEntry, ModuleIndexMismatch, ModuleIndexReader, ModuleIndexStore, ModuleScanOptions } from './types.ts';

/** Longest module index key (bytes). */
export const MAX_MODULE_KEY = 1024;
/** Longest module index value (bytes). */
export const MAX_MODULE_VALUE = 4 * 1024 * 1024;
/** Module names: 1–64 characters of letters, digits, `_`, `.`, `-`. */
export const MODULE_NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;

function badArgument(message: string): never {
  throw new CchostError(StoreErrorCode.BAD_ARGUMENT, message);
}

/** Throws STORE_BAD_ARGUMENT unless `name` is a valid module name. */
export function assertModuleName(name: string): void {
  if (typeof name !== 'string' || !MODULE_NAME_RE.test(name)) {
    badArgument(`module name ${JSON.stringify(name)} must be 1-64 characters of letters, digits, '_', '.', '-'`);
  }
}

function assertKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array)) badArgument('a module index key is a Uint8Array');
  if (key.length > MAX_MODULE_KEY) badArgument(`a module index key is at most ${MAX_MODULE_KEY} bytes, got ${key.length}`);
}

/** The smallest byte string greater than every string starting with `prefix`, or null if none exists. */
export function prefixEnd(prefix: Uint8Array): Uint8Array | null {
  let n = prefix.length;
  while (n > 0 && prefix[n - 1] === 0xff) n--;
  if (n === 0) return null;
  const end = prefix.slice(0, n);
  end[n - 1]!++;
  return end;
}

/** The previous value of a key touched in a block. */
export interface JournalEntry {
  readonly module: string;
  readonly key: Uint8Array;
  /** The value before the block's first write (null = absent). */
  readonly old: Uint8Array | null;
}

/** The SQL side of module indexes: prepared statements and the journal. */
export class ModuleKv {
  private readonly db: Database.Database;
  private readonly getStmt: Database.Statement;
  private readonly putStmt: Database.Statement;
  private readonly delStmt: Database.Statement;
  private readonly undoInsert: Database.Statement;
  private readonly undoLoad: Database.Statement;
  private readonly undoDelete: Database.Statement;
  private readonly scans = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.db = db;
    this.getStmt = db.prepare('SELECT value FROM module_kv WHERE module = ? AND key = ?').pluck();
    this.putStmt = db.prepare('INSERT INTO module_kv (module, key, value) VALUES (?, ?, ?) ON CONFLICT (module, key) DO UPDATE SET value = excluded.value');
    this.delStmt = db.prepare('DELETE FROM module_kv WHERE module = ? AND key = ?');
    this.undoInsert = db.prepare('INSERT INTO module_undo (height, seq, module, key, old) VALUES (?, ?, ?, ?, ?)');
    this.undoLoad = db.prepare('SELECT module, key, old FROM module_undo WHERE height = ? ORDER BY seq');
    this.undoDelete = db.prepare('DELETE FROM module_undo WHERE height = ?');
  }

  /** The value at (module, key), or undefined. */
  get(module: string, key: Uint8Array): Uint8Array | undefined {
    const v = this.getStmt.get(module, key) as Buffer | undefined;
    return v === undefined ? undefined : u8(v);
  }

  /** Sets or (with undefined) removes (module, key), without journaling. */
  set(module: string, key: Uint8Array, value: Uint8Array | undefined): void {
    if (value === undefined) this.delStmt.run(module, key);
    else this.putStmt.run(module, key, value);
  }

  /** Prefix scan of one module's keys. */
  scan(module: string, prefix: Uint8Array, opts: ModuleScanOptions = {}): ModuleIndexEntry[] {
    assertKey(prefix);
    const end = prefixEnd(prefix);
    const reverse = opts.reverse === true;
    const after = opts.after;
    if (after !== undefined) assertKey(after);
    const limit = opts.limit;
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) badArgument(`scan limit must be a non-negative integer, got ${String(limit)}`);
    const shape = `${end === null ? 0 : 1}${reverse ? 1 : 0}${after === undefined ? 0 : 1}`;
    let stmt = this.scans.get(shape);
    if (stmt === undefined) {
      const where = ['module = ?', 'key >= ?'];
      if (end !== null) where.push('key < ?');
      if (after !== undefined) where.push(reverse ? 'key < ?' : 'key > ?');
      stmt = this.db.prepare(`SELECT key, value FROM module_kv WHERE ${where.join(' AND ')} ORDER BY key ${reverse ? 'DESC' : 'ASC'} LIMIT ?`).raw(true);
      this.scans.set(shape, stmt);
    }
    const params: unknown[] = [module, prefix];
    if (end !== null) params.push(end);
    if (after !== undefined) params.push(after);
    params.push(limit ?? -1);
    const rows = stmt.all(...params) as [Buffer, Buffer][];
    return rows.map(([k, v]) => ({ key: u8(k), value: u8(v) }));
  }

  /** Writes a block's journal. */
  saveJournal(height: number, entries: Iterable<JournalEntry>): void {
    let seq = 0;
    for (const e of entries) this.undoInsert.run(height, seq++, e.module, e.key, e.old);
  }

  /** Reads a block's journal in write order. */
  loadJournal(height: number): JournalEntry[] {
    const rows = this.undoLoad.all(height) as { module: string; key: Buffer; old: Buffer | null }[];
    return rows.map((r) => ({ module: r.module, key: u8(r.key), old: r.old === null ? null : u8(r.old) }));
  }

  /** Drops a block's journal. */
  dropJournal(height: number): void {
    this.undoDelete.run(height);
  }

  /** Number of journal rows above `height` (for the consistency check). */
  journalRowsAbove(height: number): number {
    return num(this.db.prepare('SELECT count(*) FROM module_undo WHERE height > ?').pluck().get(height));
  }
}

/** Read-only access to one module, over the committed state. */
export function moduleReader(kv: ModuleKv, module: string): ModuleIndexReader {
  assertModuleName(module);
  return {
    module,
    get: (key) => {
      assertKey(key);
      return kv.get(module, key);
    },
    scan: (prefix, opts) => kv.scan(module, prefix, opts),
  };
}

/**
 * The writable module stores of one hook run. It records the first previous value of each key it
 * writes; `close()` makes every store it handed out refuse further use.
 */
export class ModuleSession {
  readonly journal = new Map<string, JournalEntry>();
  private readonly kv: ModuleKv;
  private readonly stores = new Map<string, ModuleIndexStore>();
  private open = true;

  constructor(kv: ModuleKv) {
    this.kv = kv;
  }

  /** The store of module `name` for this session. */
  store(name: string): ModuleIndexStore {
    const existing = this.stores.get(name);
    if (existing !== undefined) return existing;
    assertModuleName(name);
    const s: ModuleIndexStore = {
      module: name,
      get: (key) => {
        this.check();
        assertKey(key);
        return this.kv.get(name, key);
      },
      scan: (prefix, opts) => {
        this.check();
        return this.kv.scan(name, prefix, opts);
      },
      put: (key, value) => {
        this.check();
        assertKey(key);
        if (!(value instanceof Uint8Array)) badArgument('a module index value is a Uint8Array');
        if (value.length > MAX_MODULE_VALUE) badArgument(`a module index value is at most ${MAX_MODULE_VALUE} bytes, got ${value.length}`);
        this.touch(name, key);
        this.kv.set(name, key, value);
      },
      delete: (key) => {
        this.check();
        assertKey(key);
        this.touch(name, key);
        this.kv.set(name, key, undefined);
      },
    };
    this.stores.set(name, s);
    return s;
  }

  /** Ends the session. */
  close(): void {
    this.open = false;
  }

  private check(): void {
    if (!this.open) throw new CchostError(StoreErrorCode.CLOSED, 'a module index store was used after its hook returned; write only inside connect/disconnect hooks');
  }

  private touch(module: string, key: Uint8Array): void {
    const id = `${module}\u0000${bytesKey(key)}`;
    if (this.journal.has(id)) return;
    const old = this.kv.get(module, key);
    this.journal.set(id, { module, key: key.slice(), old: old === undefined ? null : old.slice() });
  }
}

/**
 * Restores the module tables to their state before a block: `connectJournal` is the block's journal,
 * `hookJournal` what the disconnect hook touched (its keys' values before the hook). Returns the keys
 * the hook left different from the restored state (none when no hook ran).
 */
export function restoreModuleState(kv: ModuleKv, connectJournal: readonly JournalEntry[], hookJournal: ReadonlyMap<string, JournalEntry> | undefined): ModuleIndexMismatch[] {
  const target = new Map<string, JournalEntry>();
  if (hookJournal !== undefined) for (const [id, e] of hookJournal) target.set(id, e);
  // A connect-time entry wins: its `old` is the value before the block.
  for (const e of connectJournal) target.set(`${e.module}\u0000${bytesKey(e.key)}`, e);
  const mismatches: ModuleIndexMismatch[] = [];
  for (const e of target.values()) {
    const current = kv.get(e.module, e.key);
    const expected = e.old === null ? undefined : e.old;
    const same = current === undefined || expected === undefined ? current === expected : equalBytes(current, expected);
    if (same) continue;
    if (hookJournal !== undefined) mismatches.push({ module: e.module, key: e.key, expected, actual: current });
    kv.set(e.module, e.key, expected);
  }
  return mismatches;
}
