/**
 * Applying and undoing `BlockDelta`s. The store does the same inside one SQLite transaction; these
 * helpers serve the in-memory set (tests, simulator) and state exactly what "undo" means:
 * disconnecting a block deletes the coins it created and restores the coins it spent, as they were.
 * Coins created and spent inside the block (`spentInBlock`) are in neither set before or after.
 */
import { CchostError } from '../../util/errors.ts';
import { encodeBlock } from '../block/block.ts';
import { blockId } from '../block/sign.ts';
import { buildGenesisBlock } from '../genesis.ts';
import type { ChainSpec } from '../spec/types.ts';
import { txidOf } from './txid.ts';
import type { MutableUtxoSet } from './memoryView.ts';
import { isUnspendable } from './overlay.ts';
import { outpointKeyFast } from './key.ts';
import type { BlockDelta, CoinEntry, OutPoint } from './types.ts';

/** What undoing a delta does to the UTXO set: delete `remove`, then re-insert `restore`. */
export interface UndoOps {
  /** Outpoints the block created (delete them). */
  readonly remove: readonly OutPoint[];
  /** Coins the block spent, exactly as they were (re-insert them). */
  readonly restore: readonly CoinEntry[];
}

/** The undo of a delta as plain operations (what the store's disconnect executes). */
export function undoOps(delta: BlockDelta): UndoOps {
  return { remove: delta.created.map((e) => e.outpoint), restore: delta.spent };
}

/**
 * Connects a delta to a mutable set: spends `spent`, adds `created`. Throws `STATE_DELTA_MISMATCH` when
 * a spent coin is missing (the delta was computed against another state).
 */
export function applyDelta(set: MutableUtxoSet, delta: BlockDelta): void {
  for (const e of delta.spent) {
    if (set.spendCoin(e.outpoint) === undefined) {
      throw new CchostError('STATE_DELTA_MISMATCH', `block ${delta.height} spends ${outpointKeyFast(e.outpoint)}, which this set does not hold`);
    }
  }
  for (const e of delta.created) set.addCoin(e.outpoint, e.coin);
}

/**
 * Disconnects a delta from a mutable set: deletes `created`, restores `spent`. Throws
 * `STATE_DELTA_MISMATCH` when a created coin is missing (the set is not at this block).
 */
export function revertDelta(set: MutableUtxoSet, delta: BlockDelta): void {
  const ops = undoOps(delta);
  for (const op of ops.remove) {
    if (set.spendCoin(op) === undefined) {
      throw new CchostError('STATE_DELTA_MISMATCH', `block ${delta.height} created ${outpointKeyFast(op)}, which this set does not hold`);
    }
  }
  for (const e of ops.restore) set.addCoin(e.outpoint, e.coin);
}

/**
 * The delta of the genesis block: its allocations as coins at height 0 (marked `coinbase`, but exempt
 * from maturity because their height is 0), nothing spent, no fees. The store starts from this.
 * Example: `new MemoryUtxoView(genesisDelta(spec).created)` is the state after block 0.
 */
export function genesisDelta(spec: ChainSpec): BlockDelta {
  const block = buildGenesisBlock(spec);
  const tx = block.txs[0]!;
  const txid = txidOf(tx);
  const created: CoinEntry[] = [];
  tx.outs.forEach((o, vout) => {
    if (!isUnspendable(o.script)) created.push({ outpoint: { txid, vout }, coin: { value: o.value, script: o.script, height: 0, coinbase: true } });
  });
  return {
    height: 0,
    id: blockId(block.header),
    block,
    blockBytes: encodeBlock(block),
    txids: [txid],
    created,
    spent: [],
    spentInBlock: [],
    fees: 0n,
  };
}
