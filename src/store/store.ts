/**
 * `openStore`: the chain store of a datadir (or of memory, for tests). See docs/store.md.
 *
 * Files in a datadir: `LOCK` (the owner's pid, see lock.ts) and `chain.sqlite` with its WAL
 * (`chain.sqlite-wal`). The connection runs in WAL mode with `synchronous=FULL` and an exclusive
 * lock; every block connect or disconnect is one SQLite transaction, durable when the call returns.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { AddressKey } from '../chain/scriptKeys.ts';
import type { BlockDelta, Coin, CoinEntry, OutPoint } from '../chain/state/types.ts';
import { CchostError, err, ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { equalBytes, toHex } from '../util/bytes.ts';
import { connectInTx } from './connect.ts';
import { sqliteCode, toStoreError } from './core.ts';
import type { Core, CoreState } from './core.ts';
import { disconnectInTx } from './disconnect.ts';
import { dumpTables } from './dump.ts';
import { StoreErrorCode, storeError } from './errors.ts';
import type { StoreError } from './errors.ts';
import { acquireDatadirLock } from './lock.ts';
import type { DatadirLock } from './lock.ts';
import { ModuleKv, moduleReader } from './moduleIndex.ts';
import * as q from './queries.ts';
import { u8 } from './rows.ts';
import { applyFilePragmas, applyMemoryPragmas, migrate, SCHEMA_VERSION } from './schema.ts';
import { Statements } from './statements.ts';
import type {
  AddressBalance,
  AddressDelta,
  AddressUtxo,
  BlockHooks,
  ConnectInfo,
  ConsistencyReport,
  DisconnectInfo,
  HeightRange,
  ListOptions,
  ModuleIndexReader,
  OpenStoreOptions,
  SpentInfo,
  Store,
  StoreDump,
  StoredBlock,
  StoredHeader,
  StoredTx,
  TipInfo,
  VerifyOptions,
} from './types.ts';
import { verifyStore } from './verify.ts';

/** The database file inside a datadir. */
export const CHAIN_FILE = 'chain.sqlite';
/** The datadir argument that opens an in-memory store (no file, no lock). */
export const MEMORY = ':memory:';

const META_CHAIN_ID = 'store.chainId';
const META_CHAIN_NAME = 'store.chainName';
const META_LIB = 'store.lib';
const MAX_META_KEY = 256;
const MAX_META_VALUE = 1024 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Opens (creating if needed) the store of `dir`, or an in-memory store for `':memory:'`. Fails with
 * STORE_LOCKED while another process uses the datadir, STORE_WRONG_CHAIN for a datadir of another
 * chain, STORE_SCHEMA_TOO_NEW for a database of a newer cchost, STORE_OPEN_FAILED otherwise.
 * Example: `unwrap(openStore('/data/cchost', { chainId: chainIdBytes(spec) }))`.
 */
export function openStore(dir: string, opts: OpenStoreOptions): Result<Store, StoreError> {
  if (!(opts?.chainId instanceof Uint8Array) || opts.chainId.length !== 32) {
    return err(storeError(StoreErrorCode.BAD_ARGUMENT, 'openStore needs the 32-byte chain id of the chain spec (chainIdBytes(spec))'));
  }
  const memory = dir === MEMORY;
  let lock: DatadirLock | undefined;
  let db: Database.Database | undefined;
  const path = memory ? MEMORY : join(dir, CHAIN_FILE);
  try {
    if (!memory) {
      try {
        mkdirSync(dir, { recursive: true });
      } catch (e) {
        return err(storeError(StoreErrorCode.OPEN_FAILED, `cannot create the datadir ${dir}: ${e instanceof Error ? e.message : String(e)}`, { dir }));
      }
      const l = acquireDatadirLock(dir);
      if (!l.ok) return l;
      lock = l.value;
    }
    db = new Database(path, { timeout: 100 });
    if (memory) applyMemoryPragmas(db);
    else {
      // Takes SQLite's exclusive file lock now (held until close): SQLITE_BUSY means another process has it.
      applyFilePragmas(db);
      db.exec('BEGIN EXCLUSIVE; COMMIT');
    }
    const m = migrate(db);
    if (!m.ok) {
      db.close();
      lock?.release();
      return err(
        storeError(
          StoreErrorCode.SCHEMA_TOO_NEW,
          `${path} has schema version ${m.found}, this cchost reads up to ${SCHEMA_VERSION}; run a newer cchost or pass another --datadir`,
          { dir, found: m.found },
        ),
      );
    }
    const checked = checkChain(db, dir, opts);
    if (!checked.ok) {
      db.close();
      lock?.release();
      return checked;
    }
    return ok(new SqliteStore(dir, db, lock));
  } catch (e) {
    try {
      db?.close();
    } catch {
      // already failing
    }
    lock?.release();
    if (sqliteCode(e) === 'SQLITE_BUSY') {
      return err(storeError(StoreErrorCode.LOCKED, `datadir ${dir} is in use by another process (its database is locked); stop it or pass --datadir`, { dir }));
    }
    const notDb = sqliteCode(e) === 'SQLITE_NOTADB';
    return err(
      storeError(
        StoreErrorCode.OPEN_FAILED,
        notDb ? `${path} is not a SQLite database; move it away or pass another --datadir` : `cannot open ${path}: ${e instanceof Error ? e.message : String(e)}`,
        { dir },
      ),
    );
  }
}

function checkChain(db: Database.Database, dir: string, opts: OpenStoreOptions): Result<void, StoreError> {
  const get = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
  const stored = get.get(META_CHAIN_ID) as Buffer | undefined;
  if (stored === undefined) {
    const set = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    db.transaction(() => {
      set.run(META_CHAIN_ID, opts.chainId);
      if (opts.chainName !== undefined) set.run(META_CHAIN_NAME, encoder.encode(opts.chainName));
    })();
    return ok(undefined);
  }
  if (equalBytes(u8(stored), opts.chainId)) return ok(undefined);
  const name = get.get(META_CHAIN_NAME) as Buffer | undefined;
  const theirs = `${name === undefined ? 'another chain' : `chain "${decoder.decode(name)}"`} (id ${toHex(u8(stored))})`;
  const ours = `${opts.chainName === undefined ? 'this chain' : `chain "${opts.chainName}"`} (id ${toHex(opts.chainId)})`;
  return err(
    storeError(StoreErrorCode.WRONG_CHAIN, `datadir ${dir} holds ${theirs}, not ${ours}; pass another --datadir or the chain spec this datadir was created with`, {
      dir,
      storedChainId: toHex(u8(stored)),
      chainId: toHex(opts.chainId),
    }),
  );
}

class SqliteStore implements Store {
  readonly dir: string;
  private readonly db: Database.Database;
  private readonly lock: DatadirLock | undefined;
  private readonly st: Statements;
  private readonly kv: ModuleKv;
  private readonly core: Core;
  private readonly state: CoreState;
  private open = true;
  private writing = false;

  constructor(dir: string, db: Database.Database, lock: DatadirLock | undefined) {
    this.dir = dir;
    this.db = db;
    this.lock = lock;
    this.st = new Statements(db);
    this.kv = new ModuleKv(db);
    this.core = { db, st: this.st, kv: this.kv, view: this };
    const tip = this.st.tipRow.get() as { height: number; id: Buffer; first_txnum: number; tx_count: number } | undefined;
    const lib = this.st.metaGet.get(META_LIB) as Buffer | undefined;
    this.state = {
      height: tip === undefined ? -1 : tip.height,
      tipId: tip === undefined ? undefined : u8(tip.id).slice(),
      nextTxnum: tip === undefined ? 0 : tip.first_txnum + tip.tx_count,
      lib: lib === undefined ? -1 : Number(decoder.decode(lib)),
    };
  }

  private assertOpen(): void {
    if (!this.open) throw new CchostError(StoreErrorCode.CLOSED, `the store of ${this.dir} is closed`);
  }

  /** Runs `fn` on a copy of the state inside one transaction; commits the state only on success. */
  private write<T>(fn: (work: CoreState) => T): Result<T, StoreError> {
    if (!this.open) return err(storeError(StoreErrorCode.CLOSED, `the store of ${this.dir} is closed`));
    if (this.writing) {
      return err(storeError(StoreErrorCode.BAD_ARGUMENT, 'the store is already writing a block: hooks write only through ctx.moduleIndex, never through the store'));
    }
    const work: CoreState = { ...this.state };
    this.writing = true;
    try {
      const v = this.db.transaction(() => fn(work))();
      Object.assign(this.state, work);
      return ok(v);
    } catch (e) {
      return err(toStoreError(e));
    } finally {
      this.writing = false;
    }
  }

  tip(): TipInfo | undefined {
    this.assertOpen();
    return this.state.tipId === undefined ? undefined : { height: this.state.height, id: this.state.tipId.slice() };
  }

  height(): number {
    this.assertOpen();
    return this.state.height;
  }

  lib(): number {
    this.assertOpen();
    return this.state.lib;
  }

  setLib(height: number): Result<void, StoreError> {
    if (!Number.isSafeInteger(height) || height > this.state.height || height < this.state.lib) {
      return err(
        storeError(StoreErrorCode.BAD_LIB, `LIB ${String(height)} must lie between the current LIB ${this.state.lib} and the tip ${this.state.height}`, {
          height,
        }),
      );
    }
    return this.write((work) => {
      this.st.metaSet.run(META_LIB, encoder.encode(String(height)));
      work.lib = height;
    });
  }

  connectBlock(delta: BlockDelta, hooks?: BlockHooks): Result<ConnectInfo, StoreError> {
    return this.write((work) => connectInTx(this.core, work, delta, hooks));
  }

  connectBlocks(deltas: readonly BlockDelta[], hooks?: BlockHooks): Result<ConnectInfo[], StoreError> {
    return this.write((work) => deltas.map((d) => connectInTx(this.core, work, d, hooks)));
  }

  disconnectTip(hooks?: BlockHooks): Result<DisconnectInfo, StoreError> {
    return this.write((work) => disconnectInTx(this.core, work, hooks));
  }

  getCoin(outpoint: OutPoint): Coin | undefined {
    this.assertOpen();
    return q.getCoin(this.st, outpoint);
  }

  getBlockByHeight(height: number): StoredBlock | undefined {
    this.assertOpen();
    return stored(this.st.blockByHeight.get(height));
  }

  getBlockById(id: Uint8Array): StoredBlock | undefined {
    this.assertOpen();
    return stored(this.st.blockById.get(id));
  }

  getHeader(at: number | Uint8Array): StoredHeader | undefined {
    this.assertOpen();
    return stored(typeof at === 'number' ? this.st.headerByHeight.get(at) : this.st.headerById.get(at));
  }

  getTx(txid: Uint8Array): StoredTx | undefined {
    this.assertOpen();
    return q.getTx(this.st, txid);
  }

  getAddressUtxos(key: AddressKey, opts?: ListOptions): AddressUtxo[] {
    this.assertOpen();
    return q.getAddressUtxos(this.st, key, opts);
  }

  getAddressBalance(key: AddressKey): AddressBalance {
    this.assertOpen();
    return q.getAddressBalance(this.st, key);
  }

  getAddressTxids(key: AddressKey, range?: HeightRange): Uint8Array[] {
    this.assertOpen();
    return q.getAddressTxids(this.st, key, range);
  }

  getAddressDeltas(key: AddressKey, range?: HeightRange): AddressDelta[] {
    this.assertOpen();
    return q.getAddressDeltas(this.st, key, range);
  }

  getSpentInfo(outpoint: OutPoint): SpentInfo | undefined {
    this.assertOpen();
    return q.getSpentInfo(this.st, outpoint);
  }

  getUtxosByEvalCode(evalCode: number, opts?: ListOptions): CoinEntry[] {
    this.assertOpen();
    return q.getUtxosByEvalCode(this.st, evalCode, opts);
  }

  moduleIndex(name: string): ModuleIndexReader {
    this.assertOpen();
    return moduleReader(this.kv, name);
  }

  getMeta(key: string): Uint8Array | undefined {
    this.assertOpen();
    const v = this.st.metaGet.get(key) as Buffer | undefined;
    return v === undefined ? undefined : u8(v).slice();
  }

  setMeta(key: string, value: Uint8Array | undefined): Result<void, StoreError> {
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_META_KEY || key.startsWith('store.')) {
      return err(storeError(StoreErrorCode.BAD_ARGUMENT, `meta key ${JSON.stringify(key)} must be 1-${MAX_META_KEY} characters and not start with 'store.' (reserved)`));
    }
    if (value !== undefined && (!(value instanceof Uint8Array) || value.length > MAX_META_VALUE)) {
      return err(storeError(StoreErrorCode.BAD_ARGUMENT, `a meta value is a Uint8Array of at most ${MAX_META_VALUE} bytes`));
    }
    return this.write(() => {
      if (value === undefined) this.st.metaDel.run(key);
      else this.st.metaSet.run(key, value);
    });
  }

  verifyConsistency(opts?: VerifyOptions): ConsistencyReport {
    this.assertOpen();
    return verifyStore(this.core, this.state, opts);
  }

  dump(): StoreDump {
    this.assertOpen();
    return dumpTables(this.db);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    try {
      this.db.close();
    } finally {
      this.lock?.release();
    }
  }
}

function stored(r: unknown): { height: number; id: Uint8Array; bytes: Uint8Array } | undefined {
  if (r === undefined) return undefined;
  const row = r as { height: number; id: Buffer; bytes: Buffer };
  return { height: row.height, id: u8(row.id), bytes: u8(row.bytes) };
}
