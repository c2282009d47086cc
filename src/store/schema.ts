/**
 * The SQLite schema of `chain.sqlite`, its migrations (tracked in `PRAGMA user_version`) and the
 * connection settings. docs/store.md explains each table.
 *
 * Outputs live in one table, `txout`, keyed by (txnum, vout) where txnum numbers transactions in chain
 * order: an output is inserted when its block connects and stays, marked with its spender, when it is
 * spent. The UTXO set is the rows with `spent_txnum IS NULL` (view `utxo`); the spent index is the
 * spender columns; the address index is `txout_addr` (kind, hash, spent_txnum) over every output ever
 * paid to an address, which answers unspent outputs, balances and histories; the eval-code index is
 * `txout_eval`. Keys in chain order make inserts appends, and a block touches each output row once.
 */
import type Database from 'better-sqlite3';

/** The schema version this build writes and reads. */
export const SCHEMA_VERSION = 1;

/** Version 1: every table and index. */
const V1 = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE blocks (
  height      INTEGER PRIMARY KEY,
  id          BLOB NOT NULL,
  header      BLOB NOT NULL,
  block       BLOB NOT NULL,
  first_txnum INTEGER NOT NULL,
  tx_count    INTEGER NOT NULL,
  fees        INTEGER NOT NULL
);
CREATE UNIQUE INDEX blocks_id ON blocks(id);

CREATE TABLE undo (
  height INTEGER PRIMARY KEY,
  data   BLOB NOT NULL
);

CREATE TABLE tx (
  txnum       INTEGER PRIMARY KEY,
  txid        BLOB NOT NULL,
  height      INTEGER NOT NULL,
  pos         INTEGER NOT NULL,
  byte_offset INTEGER NOT NULL,
  byte_length INTEGER NOT NULL
);
CREATE UNIQUE INDEX tx_txid ON tx(txid);

CREATE TABLE txout (
  txnum       INTEGER NOT NULL,
  vout        INTEGER NOT NULL,
  value       INTEGER NOT NULL,
  script      BLOB NOT NULL,
  coinbase    INTEGER NOT NULL,
  addr_kind   INTEGER,
  addr_hash   BLOB,
  eval_code   INTEGER,
  spent_txnum INTEGER,
  spent_vin   INTEGER,
  PRIMARY KEY (txnum, vout)
) WITHOUT ROWID;
CREATE INDEX txout_addr ON txout(addr_kind, addr_hash, spent_txnum) WHERE addr_kind IS NOT NULL;
CREATE INDEX txout_eval ON txout(eval_code, spent_txnum) WHERE eval_code IS NOT NULL;

CREATE VIEW utxo AS
  SELECT t.txid AS txid, o.vout AS vout, o.value AS value, o.script AS script, t.height AS height, o.coinbase AS coinbase
  FROM txout o JOIN tx t ON t.txnum = o.txnum
  WHERE o.spent_txnum IS NULL;

CREATE TABLE module_kv (
  module TEXT NOT NULL,
  key    BLOB NOT NULL,
  value  BLOB NOT NULL,
  PRIMARY KEY (module, key)
) WITHOUT ROWID;

CREATE TABLE module_undo (
  height INTEGER NOT NULL,
  seq    INTEGER NOT NULL,
  module TEXT NOT NULL,
  key    BLOB NOT NULL,
  old    BLOB,
  PRIMARY KEY (height, seq)
) WITHOUT ROWID;
`;

/** Migrations: entry i brings a database from version i to i + 1. */
const MIGRATIONS: readonly string[] = [V1];

/** The tables in dump order, each with its ORDER BY (the primary key). */
export const TABLES: readonly { readonly name: string; readonly order: string }[] = [
  { name: 'meta', order: 'key' },
  { name: 'blocks', order: 'height' },
  { name: 'undo', order: 'height' },
  { name: 'tx', order: 'txnum' },
  { name: 'txout', order: 'txnum, vout' },
  { name: 'module_kv', order: 'module, key' },
  { name: 'module_undo', order: 'height, seq' },
];

/**
 * SQLite page size for new databases (bytes). Spends and address-index inserts land on random pages,
 * and the WAL receives each touched page whole, so smaller pages write fewer bytes per block once the
 * tables outgrow the number of rows a block touches; 4 KiB and 8 KiB measured the same at 100k coins.
 */
export const PAGE_SIZE = 4096;
/** WAL pages after which SQLite checkpoints into the main file (about 80 MiB): pages rewritten by a run of blocks are copied back once. */
export const WAL_AUTOCHECKPOINT_PAGES = 20_000;
/** Size the WAL file is truncated to after a checkpoint (bytes). */
export const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;
/** Page cache (KiB, as a negative cache_size). */
export const CACHE_KIB = 65_536;

/**
 * Settings of a file-backed connection. `locking_mode=EXCLUSIVE` keeps an OS file lock for the life of
 * the connection (a second process gets SQLITE_BUSY); WAL with `synchronous=FULL` makes each commit
 * durable (the WAL is fsynced before the commit returns), so a block that was connected survives
 * SIGKILL and power loss.
 */
export function applyFilePragmas(db: Database.Database): void {
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma(`page_size = ${PAGE_SIZE}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
  db.pragma(`cache_size = -${CACHE_KIB}`);
  db.pragma('temp_store = MEMORY');
  db.pragma('foreign_keys = OFF');
}

/** Settings of an in-memory connection (tests). */
export function applyMemoryPragmas(db: Database.Database): void {
  db.pragma(`cache_size = -${CACHE_KIB}`);
  db.pragma('foreign_keys = OFF');
}

/** The outcome of `migrate`: the version found, or that it is newer than this build. */
export type MigrateOutcome = { readonly ok: true; readonly from: number } | { readonly ok: false; readonly found: number };

/** Brings the schema to `SCHEMA_VERSION`, one transaction per step. */
export function migrate(db: Database.Database): MigrateOutcome {
  const found = Number(db.pragma('user_version', { simple: true }));
  if (found > SCHEMA_VERSION) return { ok: false, found };
  for (let v = found; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return { ok: true, from: found };
}
