/**
 * Replaying a block over an in-memory UTXO set: the reference the consistency check compares the
 * store with, and a way to derive a `BlockDelta` from a block without the chain rules (tests, tools).
 * It applies only the UTXO bookkeeping (inputs must exist and be unspent; outputs become coins unless
 * unspendable), none of the consensus checks.
 */
import type { Block } from '../chain/block/types.ts';
import { isUnspendable } from '../chain/state/overlay.ts';
import type { BlockDelta, Coin, CoinEntry, SpentCoin } from '../chain/state/types.ts';
import { err, ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { StoreErrorCode, storeError } from './errors.ts';
import type { StoreError } from './errors.ts';
import { bytesKey, txidHex, u8 } from './rows.ts';

/** The two chain rules the replay needs. */
export interface ReplayRules {
  /** True for outputs that never become coins. */
  isUnspendable(script: Uint8Array): boolean;
  /** Whether the outputs of transaction `pos` of the block at `height` are coinbase coins. */
  isCoinbaseCoin(height: number, pos: number, isCoinbaseTx: boolean): boolean;
}

/**
 * Default rules, the chain's: outputs `isUnspendable` (OP_RETURN first, or longer than 10,000 bytes)
 * never become coins, and every coinbase-form transaction's outputs are coinbase coins (genesis
 * allocations too: their height 0 exempts them from maturity, chain/state/delta.ts).
 */
export const DEFAULT_REPLAY_RULES: ReplayRules = Object.freeze({
  isUnspendable,
  isCoinbaseCoin: (_height: number, _pos: number, isCoinbaseTx: boolean) => isCoinbaseTx,
});

/** An in-memory UTXO set keyed by `bytesKey(txid) + ':' + vout`. */
export type UtxoMap = Map<string, Coin>;

/** The key of an outpoint in a `UtxoMap`. */
export function utxoMapKey(txid: Uint8Array, vout: number): string {
  return `${bytesKey(txid)}:${vout}`;
}

/**
 * Applies `block` at `height` to `utxos` and returns its delta (`spent` and `spentInBlock` in input
 * order, `created` in output order). On a missing or double-spent input it returns `STORE_BAD_DELTA`
 * and leaves `utxos` unchanged. Example: `replayBlock(new Map(), genesis, 0, id, bytes)` gives the
 * genesis allocations as `created`.
 */
export function replayBlock(
  utxos: UtxoMap,
  block: Block,
  height: number,
  id: Uint8Array,
  blockBytes: Uint8Array,
  rules: ReplayRules = DEFAULT_REPLAY_RULES,
): Result<BlockDelta, StoreError> {
  const txids: Uint8Array[] = [];
  const pending = new Map<string, CoinEntry>();
  const spentKeys = new Set<string>();
  const spent: SpentCoin[] = [];
  const spentInBlock: SpentCoin[] = [];
  let fees = 0n;
  for (let pos = 0; pos < block.txs.length; pos++) {
    const tx = block.txs[pos]!;
    const txid = u8(tx.getHash());
    txids.push(txid);
    const isCb = tx.isCoinbase();
    if (!isCb) {
      let inSum = 0n;
      for (let vin = 0; vin < tx.ins.length; vin++) {
        const input = tx.ins[vin]!;
        const key = utxoMapKey(input.hash, input.index);
        const spender = { txid, vin };
        const inner = pending.get(key);
        if (inner !== undefined) {
          pending.delete(key);
          spentInBlock.push({ ...inner, spender });
          inSum += inner.coin.value;
          continue;
        }
        const coin = spentKeys.has(key) ? undefined : utxos.get(key);
        if (coin === undefined) {
          return err(
            storeError(StoreErrorCode.BAD_DELTA, `block ${height} tx ${pos} input ${vin} spends ${txidHex(input.hash)}:${input.index}, which is not unspent`, {
              height,
            }),
          );
        }
        spentKeys.add(key);
        spent.push({ outpoint: { txid: u8(input.hash), vout: input.index }, coin, spender });
        inSum += coin.value;
      }
      let outSum = 0n;
      for (const o of tx.outs) outSum += o.value;
      fees += inSum - outSum;
    }
    const coinbase = rules.isCoinbaseCoin(height, pos, isCb);
    for (let vout = 0; vout < tx.outs.length; vout++) {
      const o = tx.outs[vout]!;
      if (rules.isUnspendable(o.script)) continue;
      pending.set(utxoMapKey(txid, vout), { outpoint: { txid, vout }, coin: { value: o.value, script: u8(o.script), height, coinbase } });
    }
  }
  for (const k of spentKeys) utxos.delete(k);
  const created = [...pending.values()];
  for (const c of created) utxos.set(utxoMapKey(c.outpoint.txid, c.outpoint.vout), c.coin);
  return ok({ height, id, block, blockBytes, txids, created, spent, spentInBlock, fees });
}
