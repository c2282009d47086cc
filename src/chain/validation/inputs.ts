/**
 * Core's `Consensus::CheckTxInputs`: every input's coin exists in the view, block rewards are mature,
 * input values are in range, and the inputs cover the outputs. Pure; reads the view only.
 *
 * Coinbase maturity: a coin with `coinbase` set and height h ≥ 1 may be spent from height
 * h + coinbaseMaturity on. Genesis allocations (height 0) are exempt: they are spendable at once
 * (docs/chain-spec.md), although the genesis transaction is coinbase-shaped.
 */
import type { Transaction } from 'bitcoinjs-lib';
import type { Result } from '../../util/errors.ts';
import { MAX_MONEY } from '../params.ts';
import { displayOutpoint, keyOf, txidKey } from '../state/key.ts';
import type { Coin, UtxoView } from '../state/types.ts';
import { TxRejectCode, txReject } from './errors.ts';
import type { TxRejection } from './errors.ts';

/** What `checkTxInputs` found: the coins spent (aligned with `tx.ins`), their total and the fee. */
export interface TxInputs {
  readonly coins: readonly Coin[];
  readonly valueIn: bigint;
  readonly valueOut: bigint;
  /** valueIn − valueOut (≥ 0). */
  readonly fee: bigint;
  /** The inputs' `outpointKey`s when the view took keys (CoinsOverlay), for spending them without rebuilding the keys. */
  readonly keys: readonly string[] | undefined;
}

/** A view that can take precomputed `outpointKey`s (CoinsOverlay); plain views are asked through `getCoin`. */
interface KeyedView extends UtxoView {
  getCoinByKey?(key: string, outpoint: { txid: Uint8Array; vout: number }): Coin | undefined;
}

/** True when a coin is a block reward that is still immature at `spendHeight` (genesis coins never are). */
export function isImmatureCoinbase(coin: Coin, spendHeight: number, coinbaseMaturity: number): boolean {
  return coin.coinbase && coin.height > 0 && spendHeight - coin.height < coinbaseMaturity;
}

/**
 * Checks a non-coinbase transaction's inputs against `view` for a block at `spendHeight`.
 * Example: `checkTxInputs(tx, view, tipHeight + 1, spec.coinbaseMaturity)` gives the fee on success.
 */
export function checkTxInputs(tx: Transaction, view: UtxoView, spendHeight: number, coinbaseMaturity: number): Result<TxInputs, TxRejection> {
  const keyed = view as KeyedView;
  const coins: Coin[] = new Array<Coin>(tx.ins.length);
  const keys = keyed.getCoinByKey !== undefined ? new Array<string>(tx.ins.length) : undefined;
  for (let i = 0; i < tx.ins.length; i++) {
    const input = tx.ins[i]!;
    const op = { txid: input.hash, vout: input.index };
    let coin: Coin | undefined;
    if (keys !== undefined) {
      const key = (keys[i] = keyOf(txidKey(input.hash), input.index));
      coin = keyed.getCoinByKey!(key, op);
    } else {
      coin = view.getCoin(op);
    }
    if (coin === undefined) {
      const where = displayOutpoint(op);
      return txReject(TxRejectCode.MISSING_INPUTS, `input ${i} spends ${where}, which is not an unspent coin (unknown, or already spent)`, {
        reason: 'bad-txns-inputs-missingorspent',
        input: i,
        outpoint: where,
      });
    }
    coins[i] = coin;
  }

  let valueIn = 0n;
  for (let i = 0; i < coins.length; i++) {
    const coin = coins[i]!;
    if (isImmatureCoinbase(coin, spendHeight, coinbaseMaturity)) {
      return txReject(
        TxRejectCode.PREMATURE_SPEND_OF_COINBASE,
        `input ${i} spends a block reward of height ${coin.height}, spendable from height ${coin.height + coinbaseMaturity} (this is ${spendHeight})`,
        { reason: 'bad-txns-premature-spend-of-coinbase', input: i, outpoint: displayOutpoint({ txid: tx.ins[i]!.hash, vout: tx.ins[i]!.index }) },
      );
    }
    valueIn += coin.value;
    if (coin.value < 0n || coin.value > MAX_MONEY || valueIn > MAX_MONEY) {
      return txReject(TxRejectCode.INPUT_VALUES_OUT_OF_RANGE, `input values up to input ${i} add up to ${valueIn}, outside 0..MAX_MONEY`, {
        reason: 'bad-txns-inputvalues-outofrange',
        input: i,
      });
    }
  }

  let valueOut = 0n;
  for (const o of tx.outs) valueOut += o.value;
  if (valueIn < valueOut) {
    return txReject(TxRejectCode.IN_BELOWOUT, `the inputs are worth ${valueIn} satoshis and the outputs ${valueOut}: ${valueOut - valueIn} missing`, {
      reason: 'bad-txns-in-belowout',
    });
  }
  return { ok: true, value: { coins, valueIn, valueOut, fee: valueIn - valueOut, keys } };
}
