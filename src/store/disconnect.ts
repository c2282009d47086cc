/**
 * Disconnecting the tip: the body of the SQLite transaction. Module hooks run first (seeing the block
 * applied), then the module journal restores every key the block touched, then the core rows go:
 * the coins the block spent are unmarked (from the undo record), and every row numbered from the
 * block's first txnum is deleted. The result is the state before the block, row for row.
 */
import { decodeBlock } from '../chain/block/block.ts';
import type { BlockDelta, CoinEntry, SpentCoin } from '../chain/state/types.ts';
import { fail } from './core.ts';
import type { Core, CoreState } from './core.ts';
import { runHook } from './connect.ts';
import { StoreErrorCode } from './errors.ts';
import { ModuleSession, restoreModuleState } from './moduleIndex.ts';
import { big, num, u8 } from './rows.ts';
import type { BlockHooks, DisconnectInfo, ModuleIndexMismatch } from './types.ts';
import { decodeUndo } from './undo.ts';
import type { OutputRef } from './undo.ts';

interface BlockRow {
  id: Buffer;
  block: Buffer;
  first_txnum: bigint;
  tx_count: bigint;
  fees: bigint;
}

type OutRow = [Buffer, bigint, bigint, Buffer, bigint, bigint, bigint | null, bigint | null];

function corrupt(height: number, what: string): never {
  fail(StoreErrorCode.CORRUPT, `block ${height}: ${what}; run the consistency check (--check) and reindex`, { height });
}

/** Rebuilds the delta of the tip block from the block log, its undo record and `txout`. */
function rebuildDelta(core: Core, height: number, row: BlockRow, refs: readonly OutputRef[]): BlockDelta {
  const first = Number(row.first_txnum);
  const decoded = decodeBlock(u8(row.block));
  if (!decoded.ok) corrupt(height, `the stored block does not decode (${decoded.error.message})`);
  const txids = (core.st.txidsFrom.all(first) as Buffer[]).map(u8);
  const spenderTxid = (txnum: bigint | null): Uint8Array => {
    const t = txnum === null ? undefined : txids[Number(txnum) - first];
    if (t === undefined) corrupt(height, 'a spent output names a spender outside the block');
    return t;
  };
  const entry = (r: OutRow): CoinEntry => ({
    outpoint: { txid: u8(r[0]), vout: num(r[1]) },
    coin: { value: big(r[2]), script: u8(r[3]), height: num(r[4]), coinbase: r[5] === 1n },
  });
  const spent: SpentCoin[] = refs.map((ref) => {
    const r = core.st.outRef.get(ref.txnum, ref.vout) as OutRow | undefined;
    if (r === undefined) corrupt(height, `the undo record names a missing output (txnum ${ref.txnum}, vout ${ref.vout})`);
    return { ...entry(r), spender: { txid: spenderTxid(r[6]), vin: num(r[7]) } };
  });
  const created: CoinEntry[] = [];
  const inBlock: { e: SpentCoin; at: number }[] = [];
  for (const r of core.st.outsFrom.all(first) as OutRow[]) {
    if (r[6] === null) created.push(entry(r));
    else inBlock.push({ e: { ...entry(r), spender: { txid: spenderTxid(r[6]), vin: num(r[7]) } }, at: Number(r[6]) * 2 ** 21 + num(r[7]) });
  }
  inBlock.sort((a, b) => a.at - b.at);
  return {
    height,
    id: u8(row.id),
    block: decoded.value,
    blockBytes: u8(row.block),
    txids,
    created,
    spent,
    spentInBlock: inBlock.map((x) => x.e),
    fees: row.fees,
  };
}

/** Reverts the tip inside the caller's transaction and moves `work` back one block. */
export function disconnectInTx(core: Core, work: CoreState, hooks: BlockHooks | undefined): DisconnectInfo {
  const { st, kv } = core;
  const height = work.height;
  if (height < 0) fail(StoreErrorCode.EMPTY, 'there is no block to disconnect: the store is empty');
  if (height <= work.lib) {
    fail(StoreErrorCode.BELOW_LIB, `block ${height} is final (the last irreversible block is ${work.lib}); final blocks are never disconnected`, {
      height,
      lib: work.lib,
    });
  }
  const row = st.blockRow.get(height) as BlockRow | undefined;
  if (row === undefined) corrupt(height, 'the tip block is missing from the block log');
  const data = st.undoRow.get(height) as Buffer | undefined;
  const refs = data === undefined ? null : decodeUndo(u8(data));
  if (refs === null) corrupt(height, 'its undo record is missing or malformed');
  const first = Number(row.first_txnum);

  const journal = kv.loadJournal(height);
  let mismatches: ModuleIndexMismatch[] = [];
  const disconnect = hooks?.disconnect;
  if (disconnect !== undefined) {
    const delta = rebuildDelta(core, height, row, refs);
    const session = new ModuleSession(kv);
    runHook(() => disconnect.call(hooks, { action: 'disconnect', delta, view: core.view, moduleIndex: (n: string) => session.store(n) }), session, 'disconnecting', height);
    mismatches = restoreModuleState(kv, journal, session.journal);
  } else {
    restoreModuleState(kv, journal, undefined);
  }
  kv.dropJournal(height);

  for (const ref of refs) {
    if (st.unspend.run(ref.txnum, ref.vout, first).changes !== 1) {
      corrupt(height, `the undo record names output (txnum ${ref.txnum}, vout ${ref.vout}), which this block did not spend`);
    }
  }
  st.delOutsFrom.run(first);
  st.delTxFrom.run(first);
  st.delBlock.run(height);
  st.delUndo.run(height);

  const id = u8(row.id).slice();
  const prev = height > 0 ? (st.headerByHeight.get(height - 1) as { id: Buffer } | undefined) : undefined;
  if (height > 0 && prev === undefined) corrupt(height - 1, 'the block below the tip is missing');
  work.height = height - 1;
  work.tipId = prev === undefined ? undefined : u8(prev.id).slice();
  work.nextTxnum = first;
  const tip = work.tipId === undefined ? undefined : { height: work.height, id: work.tipId };
  return { height, id, tip, moduleIndexMismatches: mismatches };
}
