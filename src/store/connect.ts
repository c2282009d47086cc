/**
 * Connecting a block: the body of the SQLite transaction. It checks the delta against its block and
 * the UTXO set as it writes (any contradiction aborts the transaction), then runs the module hooks.
 *
 * Rows written: `blocks`, `tx` (one per transaction, txnum = the chain-wide transaction number),
 * `txout` for each created coin and each output spent inside the block (with its spender), the
 * spender columns of each coin the block spends, `undo` (which rows it marked), and the hooks' module
 * rows with their journal.
 */
import type { BlockDelta, Coin, SpentCoin } from '../chain/state/types.ts';
import { scriptKeys } from '../chain/scriptKeys.ts';
import { equalBytes } from '../util/bytes.ts';
import { fail, sqliteCode, StoreFailure } from './core.ts';
import type { Core, CoreState } from './core.ts';
import { StoreErrorCode } from './errors.ts';
import { ModuleSession } from './moduleIndex.ts';
import { ADDR_KIND_CODE, txidHex } from './rows.ts';
import type { BlockHooks, ConnectInfo } from './types.ts';
import { encodeUndo } from './undo.ts';
import type { OutputRef } from './undo.ts';

function compactSizeLength(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9;
}

/** 48 bits of a txid as a number (a Map key cheaper than a string). */
function prefix48(t: Uint8Array): number {
  return ((t[0]! | (t[1]! << 8) | (t[2]! << 16) | (t[3]! << 24)) >>> 0) * 65536 + (t[4]! | (t[5]! << 8));
}

/** Positions of the block's txids: `index()` fails on a duplicate txid. */
class TxIndex {
  readonly txids: readonly Uint8Array[];
  private readonly byPrefix = new Map<number, number | number[]>();

  constructor(txids: readonly Uint8Array[]) {
    this.txids = txids;
  }

  /** Builds the index; false when two txids are equal. */
  build(): boolean {
    for (let i = 0; i < this.txids.length; i++) {
      const k = prefix48(this.txids[i]!);
      const prev = this.byPrefix.get(k);
      if (prev === undefined) {
        this.byPrefix.set(k, i);
        continue;
      }
      const list = typeof prev === 'number' ? [prev] : prev;
      for (const j of list) if (equalBytes(this.txids[j]!, this.txids[i]!)) return false;
      list.push(i);
      this.byPrefix.set(k, list);
    }
    return true;
  }

  lookup(txid: Uint8Array): number | undefined {
    const v = this.byPrefix.get(prefix48(txid));
    if (v === undefined) return undefined;
    if (typeof v === 'number') return equalBytes(this.txids[v]!, txid) ? v : undefined;
    for (const j of v) if (equalBytes(this.txids[j]!, txid)) return j;
    return undefined;
  }
}

/** Finds txid positions, fastest when asked in block order (the usual order of delta entries). */
class TxFinder {
  private hint = 0;
  private readonly index: TxIndex;

  constructor(index: TxIndex) {
    this.index = index;
  }

  find(txid: Uint8Array): number | undefined {
    const txids = this.index.txids;
    const h = this.hint;
    if (h < txids.length && equalBytes(txids[h]!, txid)) return h;
    if (h + 1 < txids.length && equalBytes(txids[h + 1]!, txid)) return (this.hint = h + 1);
    const p = this.index.lookup(txid);
    if (p !== undefined) this.hint = p;
    return p;
  }
}

function bad(height: number, message: string): never {
  fail(StoreErrorCode.BAD_DELTA, `block ${height}: ${message}`, { height });
}

/** Runs a hook with a fresh module session; a throw aborts the block as STORE_HOOK_FAILED. */
export function runHook(hook: () => void, session: ModuleSession, action: string, height: number): void {
  try {
    hook();
  } catch (e) {
    if (e instanceof StoreFailure) throw e;
    const cause = e instanceof Error ? e.message : String(e);
    const causeCode = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
    fail(StoreErrorCode.HOOK_FAILED, `a module index hook threw while ${action} block ${height}: ${cause}; nothing was written`, {
      height,
      cause,
      ...(causeCode === undefined ? {} : { causeCode }),
    });
  } finally {
    session.close();
  }
}

/** Applies `delta` inside the caller's transaction and advances `work`. */
export function connectInTx(core: Core, work: CoreState, delta: BlockDelta, hooks: BlockHooks | undefined): ConnectInfo {
  const { st } = core;
  const height = delta.height;
  if (!Number.isSafeInteger(height) || height !== work.height + 1) {
    fail(StoreErrorCode.BAD_HEIGHT, `block height ${String(height)} does not follow the tip ${work.height}; the next block is ${work.height + 1}`, {
      height,
      tip: work.height,
    });
  }
  const block = delta.block;
  const txs = block.txs;
  if (block.header.num !== height) bad(height, `its header says height ${block.header.num}`);
  if (work.tipId !== undefined && !equalBytes(block.header.parent, work.tipId)) {
    fail(StoreErrorCode.BAD_PARENT, `block ${height}'s parent ${Buffer.from(block.header.parent).toString('hex')} is not the tip ${Buffer.from(work.tipId).toString('hex')}`, {
      height,
    });
  }
  if (!(delta.id instanceof Uint8Array) || delta.id.length !== 32) bad(height, 'the block id is not 32 bytes');
  if (txs.length === 0 || delta.txids.length !== txs.length) bad(height, `${delta.txids.length} txids for ${txs.length} transactions`);

  const txIndex = new TxIndex(delta.txids);
  if (!txIndex.build()) bad(height, 'two transactions have the same txid');
  const spenders = new TxFinder(txIndex);
  const creators = new TxFinder(txIndex);

  // Transactions are the last bytes of the block; the header is what precedes their count.
  const lengths = new Array<number>(txs.length);
  let total = 0;
  for (let i = 0; i < txs.length; i++) total += lengths[i] = txs[i]!.byteLength(false);
  const txStart = delta.blockBytes.length - total;
  const headerLength = txStart - compactSizeLength(txs.length);
  if (headerLength <= 0) bad(height, 'the block bytes are shorter than its transactions');

  const first = work.nextTxnum;
  try {
    st.insBlock.run(height, delta.id, delta.blockBytes.subarray(0, headerLength), delta.blockBytes, first, txs.length, delta.fees);
  } catch (e) {
    if (sqliteCode(e)?.startsWith('SQLITE_CONSTRAINT')) bad(height, `block id ${Buffer.from(delta.id).toString('hex')} is already in the chain`);
    throw e;
  }
  const txRows = st.txRows.queue((e) => {
    if (sqliteCode(e.cause)?.startsWith('SQLITE_CONSTRAINT')) bad(height, `transaction ${txidHex(delta.txids[e.tag as number]!)} is already in the chain`);
    throw e.cause;
  });
  let offset = txStart;
  for (let i = 0; i < txs.length; i++) {
    txRows.add(i, first + i, delta.txids[i]!, height, i, offset, lengths[i]!);
    offset += lengths[i]!;
  }
  txRows.flush();

  // Every non-coinbase input is spent exactly once, by the delta entry that names it.
  let inputs = 0;
  const isCb = new Array<boolean>(txs.length);
  for (let i = 0; i < txs.length; i++) {
    isCb[i] = txs[i]!.isCoinbase();
    if (!isCb[i]) inputs += txs[i]!.ins.length;
  }
  if (delta.spent.length + delta.spentInBlock.length !== inputs) {
    bad(height, `the delta spends ${delta.spent.length + delta.spentInBlock.length} coins but the block has ${inputs} inputs`);
  }
  const seen = new Set<number>();
  const spenderPos = (s: SpentCoin): number => {
    const p = spenders.find(s.spender.txid);
    if (p === undefined || isCb[p]) bad(height, `a spend names spender ${txidHex(s.spender.txid)}, not a non-coinbase transaction of the block`);
    const input = txs[p]!.ins[s.spender.vin];
    if (input === undefined || input.index !== s.outpoint.vout || !equalBytes(input.hash, s.outpoint.txid)) {
      bad(height, `input ${s.spender.vin} of ${txidHex(s.spender.txid)} does not spend ${txidHex(s.outpoint.txid)}:${s.outpoint.vout}`);
    }
    const k = p * 2 ** 21 + s.spender.vin;
    if (seen.has(k)) bad(height, `input ${s.spender.vin} of ${txidHex(s.spender.txid)} appears twice in the delta`);
    seen.add(k);
    return p;
  };
  const outRows = st.outRows.queue((e) => {
    const [p, vout] = e.tag as [number, number];
    if (sqliteCode(e.cause)?.startsWith('SQLITE_CONSTRAINT')) bad(height, `output ${txidHex(delta.txids[p]!)}:${vout} is created twice`);
    throw e.cause;
  });
  const insertOut = (p: number, vout: number, coin: Coin, spentTxnum: number | null, spentVin: number | null): void => {
    const out = txs[p]!.outs[vout];
    if (out === undefined || out.value !== coin.value || !equalBytes(out.script, coin.script) || coin.height !== height) {
      bad(height, `coin ${txidHex(delta.txids[p]!)}:${vout} does not match the block's output`);
    }
    const keys = scriptKeys(coin.script);
    const a = keys.address;
    outRows.add(
      [p, vout],
      first + p,
      vout,
      coin.value,
      coin.script,
      coin.coinbase ? 1 : 0,
      a === undefined ? null : ADDR_KIND_CODE[a.kind],
      a === undefined ? null : a.hash,
      keys.evalCode ?? null,
      spentTxnum,
      spentVin,
    );
  };

  const refs: OutputRef[] = [];
  for (const s of delta.spent) {
    const p = spenderPos(s);
    const txnum = st.spend.get(first + p, s.spender.vin, s.outpoint.txid, s.outpoint.vout) as number | undefined;
    if (txnum === undefined) bad(height, `it spends ${txidHex(s.outpoint.txid)}:${s.outpoint.vout}, which is not an unspent output of an earlier block`);
    refs.push({ txnum, vout: s.outpoint.vout });
  }
  for (const c of delta.created) {
    const p = creators.find(c.outpoint.txid);
    if (p === undefined) bad(height, `it creates ${txidHex(c.outpoint.txid)}:${c.outpoint.vout}, not an output of the block`);
    insertOut(p, c.outpoint.vout, c.coin, null, null);
  }
  for (const s of delta.spentInBlock) {
    const sp = spenderPos(s);
    const cp = txIndex.lookup(s.outpoint.txid);
    if (cp === undefined || cp >= sp) bad(height, `${txidHex(s.outpoint.txid)}:${s.outpoint.vout} is not created earlier in the block than its spender`);
    insertOut(cp, s.outpoint.vout, s.coin, first + sp, s.spender.vin);
  }
  outRows.flush();
  st.insUndo.run(height, encodeUndo(refs));

  const connect = hooks?.connect;
  if (connect !== undefined) {
    const session = new ModuleSession(core.kv);
    runHook(() => connect.call(hooks, { action: 'connect', delta, view: core.view, moduleIndex: (n: string) => session.store(n) }), session, 'connecting', height);
    core.kv.saveJournal(height, session.journal.values());
  }

  work.height = height;
  work.tipId = delta.id.slice();
  work.nextTxnum = first + txs.length;
  return { height, id: work.tipId, txCount: txs.length };
}
