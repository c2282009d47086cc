/**
 * Read queries for the RPC layer (getrawtransaction, getaddressutxos, getaddressbalance,
 * getaddresstxids, getaddressdeltas, getspentinfo) and for modules (unspent outputs by eval code).
 * They read committed state; SQLite runs them on the store's one connection, so they never see a
 * half-applied block.
 */
import type { AddressKey } from '../chain/scriptKeys.ts';
import type { Coin, CoinEntry, OutPoint } from '../chain/state/types.ts';
import { CchostError } from '../util/errors.ts';
import { StoreErrorCode } from './errors.ts';
import { ADDR_KIND_CODE, big, num, u8 } from './rows.ts';
import type { Statements } from './statements.ts';
import type { AddressBalance, AddressDelta, HeightRange, ListOptions, SpentInfo, StoredTx } from './types.ts';

type CoinRow = [Buffer, bigint, bigint, Buffer, bigint, bigint];

function badArgument(message: string): never {
  throw new CchostError(StoreErrorCode.BAD_ARGUMENT, message);
}

function assertAddressKey(key: AddressKey): number {
  const code = key !== null && typeof key === 'object' ? ADDR_KIND_CODE[key.kind] : undefined;
  if (code === undefined) badArgument(`an address key needs kind 'pubkeyhash', 'scripthash' or 'cc', got ${JSON.stringify((key as { kind?: unknown })?.kind)}`);
  if (!(key.hash instanceof Uint8Array) || key.hash.length !== 20) badArgument('an address key hash is 20 bytes (HASH160)');
  return code;
}

function limitOf(opts: ListOptions | undefined): number {
  const l = opts?.limit;
  if (l === undefined) return -1;
  if (!Number.isSafeInteger(l) || l < 0) badArgument(`limit must be a non-negative integer, got ${String(l)}`);
  return l;
}

function coinEntry(r: CoinRow): CoinEntry {
  return { outpoint: { txid: u8(r[0]), vout: num(r[1]) }, coin: { value: r[2], script: u8(r[3]), height: num(r[4]), coinbase: r[5] === 1n } };
}

/** The unspent coin at an outpoint. */
export function getCoin(st: Statements, op: OutPoint): Coin | undefined {
  const r = st.coin.get(op.txid, op.vout) as [bigint, Buffer, bigint, bigint] | undefined;
  return r === undefined ? undefined : { value: r[0], script: u8(r[1]), height: num(r[2]), coinbase: r[3] === 1n };
}

/** A confirmed transaction with its block. */
export function getTx(st: Statements, txid: Uint8Array): StoredTx | undefined {
  const r = st.txByTxid.get(txid) as { bytes: Buffer; height: number; blockId: Buffer; pos: number } | undefined;
  return r === undefined ? undefined : { bytes: u8(r.bytes), height: r.height, blockId: u8(r.blockId), pos: r.pos };
}

/** Unspent outputs of an address in chain order, optionally after a cursor. */
export function getAddressUtxos(st: Statements, key: AddressKey, opts?: ListOptions): CoinEntry[] {
  const kind = assertAddressKey(key);
  const limit = limitOf(opts);
  let rows: CoinRow[];
  if (opts?.after !== undefined) {
    const txnum = st.txnumOf.get(opts.after.txid) as number | undefined;
    if (txnum === undefined) return [];
    rows = st.addrUtxosAfter.all(kind, key.hash, txnum, opts.after.vout, limit) as CoinRow[];
  } else {
    rows = st.addrUtxos.all(kind, key.hash, limit) as CoinRow[];
  }
  return rows.map(coinEntry);
}

/** Unspent total and total received of an address. */
export function getAddressBalance(st: Statements, key: AddressKey): AddressBalance {
  const kind = assertAddressKey(key);
  const r = st.addrBalance.get(kind, key.hash) as [bigint, bigint];
  return { balance: big(r[0]), received: big(r[1]) };
}

/** The txnum range of a height range, or null when it holds no block. */
function txnumRange(st: Statements, range: HeightRange | undefined): [number, number] | null {
  const start = range?.start ?? 0;
  const end = range?.end ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0) badArgument('a height range has integer start ≥ 0 and end');
  if (end < start) return null;
  const lo = st.firstTxnumFrom.get(start) as number | undefined;
  const hi = st.lastTxnumTo.get(end) as number | undefined;
  if (lo === undefined || hi === undefined || hi < lo) return null;
  return [lo, hi];
}

/** Receives and spends of an address within a height range, in chain order. */
export function getAddressDeltas(st: Statements, key: AddressKey, range?: HeightRange): AddressDelta[] {
  const kind = assertAddressKey(key);
  const r = txnumRange(st, range);
  if (r === null) return [];
  const items: { txnum: number; index: number; satoshis: bigint; spending: boolean }[] = [];
  for (const [txnum, vout, value] of st.addrReceives.all(kind, key.hash, r[0], r[1]) as [bigint, bigint, bigint][]) {
    items.push({ txnum: Number(txnum), index: Number(vout), satoshis: value, spending: false });
  }
  for (const [txnum, vin, value] of st.addrSpends.all(kind, key.hash, r[0], r[1]) as [bigint, bigint, bigint][]) {
    items.push({ txnum: Number(txnum), index: Number(vin), satoshis: -value, spending: true });
  }
  // komodod's order: height, position, index, then receive before spend.
  items.sort((a, b) => a.txnum - b.txnum || a.index - b.index || Number(a.spending) - Number(b.spending));
  const txs = new Map<number, { txid: Uint8Array; height: number; pos: number }>();
  return items.map((it) => {
    let t = txs.get(it.txnum);
    if (t === undefined) {
      const row = st.txByNum.get(it.txnum) as { txid: Buffer; height: number; pos: number };
      t = { txid: u8(row.txid), height: row.height, pos: row.pos };
      txs.set(it.txnum, t);
    }
    return { txid: t.txid, height: t.height, pos: t.pos, index: it.index, satoshis: it.satoshis, spending: it.spending };
  });
}

/** Txids that touched an address within a height range, in chain order, once each. */
export function getAddressTxids(st: Statements, key: AddressKey, range?: HeightRange): Uint8Array[] {
  const out: Uint8Array[] = [];
  let last: Uint8Array | undefined;
  for (const d of getAddressDeltas(st, key, range)) {
    if (d.txid !== last) out.push(d.txid);
    last = d.txid;
  }
  return out;
}

/** The spender of an output. */
export function getSpentInfo(st: Statements, op: OutPoint): SpentInfo | undefined {
  const r = st.spentInfo.get(op.txid, op.vout) as [Buffer, number, number] | undefined;
  return r === undefined ? undefined : { txid: u8(r[0]), vin: r[1], height: r[2] };
}

/** Unspent outputs whose CC tail names `evalCode`, in chain order. */
export function getUtxosByEvalCode(st: Statements, evalCode: number, opts?: ListOptions): CoinEntry[] {
  if (!Number.isInteger(evalCode) || evalCode < 0 || evalCode > 255) badArgument(`an eval code is 0..255, got ${String(evalCode)}`);
  const limit = limitOf(opts);
  let rows: CoinRow[];
  if (opts?.after !== undefined) {
    const txnum = st.txnumOf.get(opts.after.txid) as number | undefined;
    if (txnum === undefined) return [];
    rows = st.evalUtxosAfter.all(evalCode, txnum, opts.after.vout, limit) as CoinRow[];
  } else {
    rows = st.evalUtxos.all(evalCode, limit) as CoinRow[];
  }
  return rows.map(coinEntry);
}
