/**
 * The prepared statements of the core tables, compiled once per connection. Statements that read
 * amounts use safe integers (bigint), so no satoshi value is ever rounded.
 */
import type Database from 'better-sqlite3';
import { BatchInsert } from './batchInsert.ts';

const COIN_COLS = 't.txid, o.vout, o.value, o.script, t.height, o.coinbase';

/** Every core statement of one connection. */
export class Statements {
  // connect
  readonly insBlock: Database.Statement;
  readonly insUndo: Database.Statement;
  readonly spend: Database.Statement;
  /** A block's `tx` and `txout` rows, BATCH_ROWS at a time. */
  readonly txRows: BatchInsert;
  readonly outRows: BatchInsert;
  // disconnect
  readonly blockRow: Database.Statement;
  readonly undoRow: Database.Statement;
  readonly unspend: Database.Statement;
  readonly delOutsFrom: Database.Statement;
  readonly delTxFrom: Database.Statement;
  readonly delBlock: Database.Statement;
  readonly delUndo: Database.Statement;
  readonly outsFrom: Database.Statement;
  readonly outRef: Database.Statement;
  readonly txidsFrom: Database.Statement;
  // reads
  readonly tipRow: Database.Statement;
  readonly coin: Database.Statement;
  readonly blockByHeight: Database.Statement;
  readonly blockById: Database.Statement;
  readonly headerByHeight: Database.Statement;
  readonly headerById: Database.Statement;
  readonly txByTxid: Database.Statement;
  readonly txnumOf: Database.Statement;
  readonly txByNum: Database.Statement;
  readonly addrUtxos: Database.Statement;
  readonly addrUtxosAfter: Database.Statement;
  readonly addrBalance: Database.Statement;
  readonly addrReceives: Database.Statement;
  readonly addrSpends: Database.Statement;
  readonly spentInfo: Database.Statement;
  readonly evalUtxos: Database.Statement;
  readonly evalUtxosAfter: Database.Statement;
  readonly firstTxnumFrom: Database.Statement;
  readonly lastTxnumTo: Database.Statement;
  readonly metaGet: Database.Statement;
  readonly metaSet: Database.Statement;
  readonly metaDel: Database.Statement;

  constructor(db: Database.Database) {
    this.insBlock = db.prepare('INSERT INTO blocks (height, id, header, block, first_txnum, tx_count, fees) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.insUndo = db.prepare('INSERT INTO undo (height, data) VALUES (?, ?)');
    this.spend = db
      .prepare(
        'UPDATE txout SET spent_txnum = ?, spent_vin = ? WHERE txnum = (SELECT txnum FROM tx WHERE txid = ?) AND vout = ? AND spent_txnum IS NULL RETURNING txnum',
      )
      .pluck();
    this.txRows = new BatchInsert(db, 'INSERT INTO tx (txnum, txid, height, pos, byte_offset, byte_length)', 6);
    this.outRows = new BatchInsert(db, 'INSERT INTO txout (txnum, vout, value, script, coinbase, addr_kind, addr_hash, eval_code, spent_txnum, spent_vin)', 10);

    this.blockRow = db.prepare('SELECT id, block, first_txnum, tx_count, fees FROM blocks WHERE height = ?').safeIntegers(true);
    this.undoRow = db.prepare('SELECT data FROM undo WHERE height = ?').pluck();
    this.unspend = db.prepare('UPDATE txout SET spent_txnum = NULL, spent_vin = NULL WHERE txnum = ? AND vout = ? AND spent_txnum >= ?');
    this.delOutsFrom = db.prepare('DELETE FROM txout WHERE txnum >= ?');
    this.delTxFrom = db.prepare('DELETE FROM tx WHERE txnum >= ?');
    this.delBlock = db.prepare('DELETE FROM blocks WHERE height = ?');
    this.delUndo = db.prepare('DELETE FROM undo WHERE height = ?');
    this.outsFrom = db
      .prepare(`SELECT ${COIN_COLS}, o.spent_txnum, o.spent_vin FROM txout o JOIN tx t ON t.txnum = o.txnum WHERE o.txnum >= ? ORDER BY o.txnum, o.vout`)
      .raw(true)
      .safeIntegers(true);
    this.outRef = db
      .prepare(`SELECT ${COIN_COLS}, o.spent_txnum, o.spent_vin FROM txout o JOIN tx t ON t.txnum = o.txnum WHERE o.txnum = ? AND o.vout = ?`)
      .raw(true)
      .safeIntegers(true);
    this.txidsFrom = db.prepare('SELECT txid FROM tx WHERE txnum >= ? ORDER BY txnum').pluck();

    this.tipRow = db.prepare('SELECT height, id, first_txnum, tx_count FROM blocks ORDER BY height DESC LIMIT 1');
    this.coin = db
      .prepare('SELECT o.value, o.script, t.height, o.coinbase FROM tx t JOIN txout o ON o.txnum = t.txnum WHERE t.txid = ? AND o.vout = ? AND o.spent_txnum IS NULL')
      .raw(true)
      .safeIntegers(true);
    this.blockByHeight = db.prepare('SELECT height, id, block AS bytes FROM blocks WHERE height = ?');
    this.blockById = db.prepare('SELECT height, id, block AS bytes FROM blocks WHERE id = ?');
    this.headerByHeight = db.prepare('SELECT height, id, header AS bytes FROM blocks WHERE height = ?');
    this.headerById = db.prepare('SELECT height, id, header AS bytes FROM blocks WHERE id = ?');
    this.txByTxid = db.prepare(
      'SELECT substr(b.block, t.byte_offset + 1, t.byte_length) AS bytes, t.height AS height, b.id AS blockId, t.pos AS pos FROM tx t JOIN blocks b ON b.height = t.height WHERE t.txid = ?',
    );
    this.txnumOf = db.prepare('SELECT txnum FROM tx WHERE txid = ?').pluck();
    this.txByNum = db.prepare('SELECT txid, height, pos FROM tx WHERE txnum = ?');
    const addrUtxo = `SELECT ${COIN_COLS} FROM txout o JOIN tx t ON t.txnum = o.txnum WHERE o.addr_kind = ? AND o.addr_hash = ? AND o.spent_txnum IS NULL`;
    this.addrUtxos = db.prepare(`${addrUtxo} ORDER BY o.txnum, o.vout LIMIT ?`).raw(true).safeIntegers(true);
    this.addrUtxosAfter = db.prepare(`${addrUtxo} AND (o.txnum, o.vout) > (?, ?) ORDER BY o.txnum, o.vout LIMIT ?`).raw(true).safeIntegers(true);
    this.addrBalance = db
      .prepare(
        'SELECT COALESCE(SUM(CASE WHEN spent_txnum IS NULL THEN value END), 0), COALESCE(SUM(value), 0) FROM txout WHERE addr_kind = ? AND addr_hash = ?',
      )
      .raw(true)
      .safeIntegers(true);
    this.addrReceives = db
      .prepare('SELECT txnum, vout, value FROM txout WHERE addr_kind = ? AND addr_hash = ? AND txnum BETWEEN ? AND ?')
      .raw(true)
      .safeIntegers(true);
    this.addrSpends = db
      .prepare('SELECT spent_txnum, spent_vin, value FROM txout WHERE addr_kind = ? AND addr_hash = ? AND spent_txnum BETWEEN ? AND ?')
      .raw(true)
      .safeIntegers(true);
    this.spentInfo = db
      .prepare(
        'SELECT s.txid, o.spent_vin, s.height FROM tx t JOIN txout o ON o.txnum = t.txnum JOIN tx s ON s.txnum = o.spent_txnum WHERE t.txid = ? AND o.vout = ?',
      )
      .raw(true);
    const evalUtxo = `SELECT ${COIN_COLS} FROM txout o JOIN tx t ON t.txnum = o.txnum WHERE o.eval_code = ? AND o.spent_txnum IS NULL`;
    this.evalUtxos = db.prepare(`${evalUtxo} ORDER BY o.txnum, o.vout LIMIT ?`).raw(true).safeIntegers(true);
    this.evalUtxosAfter = db.prepare(`${evalUtxo} AND (o.txnum, o.vout) > (?, ?) ORDER BY o.txnum, o.vout LIMIT ?`).raw(true).safeIntegers(true);
    this.firstTxnumFrom = db.prepare('SELECT first_txnum FROM blocks WHERE height >= ? ORDER BY height LIMIT 1').pluck();
    this.lastTxnumTo = db.prepare('SELECT first_txnum + tx_count - 1 FROM blocks WHERE height <= ? ORDER BY height DESC LIMIT 1').pluck();
    this.metaGet = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
    this.metaSet = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.metaDel = db.prepare('DELETE FROM meta WHERE key = ?');
  }
}
