/**
 * The consistency check: replays the block log from genesis into memory (`replayBlock`) and compares
 * the result with every core table: blocks (ids, parents, headers), tx (txids, positions, byte
 * ranges), txout (each coin, its spender, its address and eval-code keys), undo records, and the
 * counts. It is what the crash test and `--check` use: after any crash the stored UTXO set must equal
 * a replay of the block log. Module tables cannot be replayed without the modules; the check only
 * verifies that their journal has no rows above the tip.
 */
import { decodeBlock } from '../chain/block/block.ts';
import { encodeHeader } from '../chain/block/header.ts';
import { blockId } from '../chain/block/sign.ts';
import { scriptKeys } from '../chain/scriptKeys.ts';
import { equalBytes, toHex } from '../util/bytes.ts';
import type { Core, CoreState } from './core.ts';
import { DEFAULT_REPLAY_RULES, replayBlock } from './replay.ts';
import type { UtxoMap } from './replay.ts';
import { ADDR_KIND_CODE, bytesKey, num, txidHex, u8 } from './rows.ts';
import type { ConsistencyReport, VerifyOptions } from './types.ts';
import { decodeUndo } from './undo.ts';

interface BlockRow {
  id: Buffer;
  header: Buffer;
  block: Buffer;
  first_txnum: bigint;
  tx_count: bigint;
  fees: bigint;
}

/** An expected `txout` row, as cells in column order. */
type Cells = (bigint | Uint8Array | null)[];

function cellsEqual(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x instanceof Uint8Array && y instanceof Uint8Array) {
      if (!equalBytes(x, y)) return false;
    } else if (x !== y) return false;
  }
  return true;
}

function showCells(c: readonly unknown[]): string {
  return c.map((v) => (v === null ? 'NULL' : v instanceof Uint8Array ? toHex(v) : String(v))).join('|');
}

/** Replays the block log and compares; see the file comment. */
export function verifyStore(core: Core, state: CoreState, opts: VerifyOptions = {}): ConsistencyReport {
  const { db } = core;
  const rules = opts.rules ?? DEFAULT_REPLAY_RULES;
  const maxProblems = opts.maxProblems ?? 50;
  const problems: string[] = [];
  let problemCount = 0;
  const problem = (p: string): void => {
    problemCount++;
    if (problems.length < maxProblems) problems.push(p);
  };

  const blockStmt = db.prepare('SELECT id, header, block, first_txnum, tx_count, fees FROM blocks WHERE height = ?').safeIntegers(true);
  const txStmt = db.prepare('SELECT txid, height, pos, byte_offset, byte_length FROM tx WHERE txnum = ?');
  const undoStmt = db.prepare('SELECT data FROM undo WHERE height = ?').pluck();

  const model: UtxoMap = new Map();
  const txnumOf = new Map<string, number>();
  const expected = new Map<string, Cells>();
  let txnum = 0;
  let prevId: Uint8Array | undefined;
  for (let h = 0; h <= state.height; h++) {
    const row = blockStmt.get(h) as BlockRow | undefined;
    if (row === undefined) {
      problem(`block ${h} is missing from the block log`);
      break;
    }
    const bytes = u8(row.block);
    const decoded = decodeBlock(bytes);
    if (!decoded.ok) {
      problem(`block ${h} does not decode: ${decoded.error.message}`);
      break;
    }
    const block = decoded.value;
    const id = u8(row.id);
    if (block.header.num !== h) problem(`block ${h}: header height is ${block.header.num}`);
    if (!equalBytes(blockId(block.header), id)) problem(`block ${h}: stored id ${toHex(id)} is not the header's id`);
    if (prevId !== undefined && !equalBytes(block.header.parent, prevId)) problem(`block ${h}: parent is not block ${h - 1}`);
    const header = encodeHeader(block.header);
    if (!equalBytes(header, u8(row.header)) || !equalBytes(header, bytes.subarray(0, header.length))) problem(`block ${h}: stored header bytes differ from the block's`);
    prevId = id;

    const r = replayBlock(model, block, h, id, bytes, rules);
    if (!r.ok) {
      problem(r.error.message);
      break;
    }
    const delta = r.value;
    const first = txnum;
    if (Number(row.first_txnum) !== first) problem(`block ${h}: first_txnum ${row.first_txnum} should be ${first}`);
    if (Number(row.tx_count) !== block.txs.length) problem(`block ${h}: tx_count ${row.tx_count} should be ${block.txs.length}`);
    if (row.fees !== delta.fees) problem(`block ${h}: fees ${row.fees} should be ${delta.fees}`);

    for (let pos = 0; pos < block.txs.length; pos++) {
      const txid = delta.txids[pos]!;
      txnumOf.set(bytesKey(txid), first + pos);
      const t = txStmt.get(first + pos) as { txid: Buffer; height: number; pos: number; byte_offset: number; byte_length: number } | undefined;
      if (t === undefined) {
        problem(`tx ${txidHex(txid)} (block ${h} position ${pos}) is missing from the tx table`);
        continue;
      }
      const slice = bytes.subarray(t.byte_offset, t.byte_offset + t.byte_length);
      if (!equalBytes(u8(t.txid), txid) || t.height !== h || t.pos !== pos || !equalBytes(slice, block.txs[pos]!.toBuffer())) {
        problem(`tx row ${first + pos} does not match tx ${txidHex(txid)} at block ${h} position ${pos}`);
      }
    }
    txnum += block.txs.length;

    const outCells = (value: bigint, script: Uint8Array, coinbase: boolean, spentTxnum: number | null, spentVin: number | null): Cells => {
      const k = scriptKeys(script);
      const a = k.address;
      return [
        value,
        script,
        coinbase ? 1n : 0n,
        a === undefined ? null : BigInt(ADDR_KIND_CODE[a.kind]),
        a === undefined ? null : a.hash,
        k.evalCode === undefined ? null : BigInt(k.evalCode),
        spentTxnum === null ? null : BigInt(spentTxnum),
        spentVin === null ? null : BigInt(spentVin),
      ];
    };
    const numOf = (txid: Uint8Array): number => txnumOf.get(bytesKey(txid))!;
    const refs: string[] = [];
    for (const s of delta.spent) {
      const key = `${numOf(s.outpoint.txid)}:${s.outpoint.vout}`;
      const cells = expected.get(key)!;
      cells[6] = BigInt(numOf(s.spender.txid));
      cells[7] = BigInt(s.spender.vin);
      refs.push(key);
    }
    for (const s of delta.spentInBlock) {
      const key = `${numOf(s.outpoint.txid)}:${s.outpoint.vout}`;
      expected.set(key, outCells(s.coin.value, s.coin.script, s.coin.coinbase, numOf(s.spender.txid), s.spender.vin));
    }
    for (const c of delta.created) {
      expected.set(`${numOf(c.outpoint.txid)}:${c.outpoint.vout}`, outCells(c.coin.value, c.coin.script, c.coin.coinbase, null, null));
    }
    const undo = undoStmt.get(h) as Buffer | undefined;
    const stored = undo === undefined ? null : decodeUndo(u8(undo));
    if (stored === null) problem(`block ${h}: undo record missing or malformed`);
    else {
      const got = stored.map((x) => `${x.txnum}:${x.vout}`).sort();
      if (got.join(',') !== refs.sort().join(',')) problem(`block ${h}: undo record lists other outputs than the block spent`);
    }
  }

  // Compare txout with the expectation, row by row.
  let outputs = 0;
  let unspent = 0;
  for (const row of db.prepare('SELECT * FROM txout ORDER BY txnum, vout').raw(true).safeIntegers(true).iterate() as IterableIterator<unknown[]>) {
    outputs++;
    const key = `${row[0]}:${row[1]}`;
    const cells = row.slice(2).map((v) => (v instanceof Uint8Array ? u8(v) : v));
    if (cells[6] === null) unspent++;
    const want = expected.get(key);
    if (want === undefined) problem(`txout row ${key} (${showCells(cells)}) is not an output of the replayed chain`);
    else if (!cellsEqual(cells, want)) problem(`txout row ${key} is ${showCells(cells)}, the replay gives ${showCells(want)}`);
    expected.delete(key);
  }
  for (const [key, want] of expected) problem(`txout row ${key} (${showCells(want)}) is missing`);
  if (unspent !== model.size && problemCount === 0) problem(`${unspent} unspent rows, the replay has ${model.size} coins`);

  const count = (sql: string): number => num(db.prepare(sql).pluck().get());
  if (count('SELECT count(*) FROM tx') !== txnum) problem(`the tx table has ${count('SELECT count(*) FROM tx')} rows, the chain ${txnum} transactions`);
  if (count('SELECT count(*) FROM blocks') !== state.height + 1) problem(`the block log has ${count('SELECT count(*) FROM blocks')} blocks, the tip is ${state.height}`);
  if (count('SELECT count(*) FROM undo') !== state.height + 1) problem(`there are ${count('SELECT count(*) FROM undo')} undo records for ${state.height + 1} blocks`);
  const journalAbove = core.kv.journalRowsAbove(state.height);
  if (journalAbove > 0) problem(`${journalAbove} module journal rows lie above the tip`);
  if (state.lib > state.height) problem(`the LIB ${state.lib} is above the tip ${state.height}`);
  if (opts.sqlite === true) {
    const res = db.pragma('quick_check') as { quick_check: string }[];
    for (const r of res) if (r.quick_check !== 'ok') problem(`sqlite quick_check: ${r.quick_check}`);
  }
  return { ok: problemCount === 0, height: state.height, txs: txnum, outputs, unspent, problems, problemCount };
}
