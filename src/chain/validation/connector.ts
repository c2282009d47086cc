/**
 * Applies a block's transactions one by one to a `CoinsOverlay` over the parent state and records
 * the `BlockDelta` lists as it goes (spent coins with their spender, same-block spends, fees). Shared
 * by `connectBlock` (validating someone's block) and `buildBlock` (assembling our own).
 */
import type { Transaction } from 'bitcoinjs-lib';
import { CchostError } from '../../util/errors.ts';
import { CoinsOverlay } from '../state/overlay.ts';
import { keyOf, txidKey } from '../state/key.ts';
import type { Coin, CoinEntry, SpentCoin, UtxoView } from '../state/types.ts';

/** The overlay of one block plus its delta bookkeeping. */
export class BlockConnector {
  readonly overlay: CoinsOverlay;
  readonly spent: SpentCoin[] = [];
  readonly spentInBlock: SpentCoin[] = [];
  fees = 0n;
  private readonly pending: Map<string, Transaction> | undefined;

  /** `trackTxs` keeps earlier transactions by txid for `pendingTx` (the CC host reads them). */
  constructor(base: UtxoView, readonly height: number, trackTxs: boolean) {
    this.overlay = new CoinsOverlay(base);
    this.pending = trackTxs ? new Map() : undefined;
  }

  /** An earlier transaction of this block by txid (undefined when not tracked). */
  readonly pendingTx = (txid: Uint8Array): Transaction | undefined => this.pending?.get(txidKey(txid));

  /**
   * Applies a validated transaction: spends its inputs (none for a coinbase) and adds its spendable
   * outputs at this height. Throws `STATE_COIN_MISSING` if an input vanished between validation and
   * application (a bug, not a consensus outcome). `inputKeys` are the inputs' outpoint keys when the
   * caller has them (`checkTxContextual`'s `inputKeys`).
   */
  apply(tx: Transaction, txid: Uint8Array, coinbase: boolean, inputKeys?: readonly string[]): void {
    const hex = txidKey(txid);
    if (!coinbase) {
      for (let vin = 0; vin < tx.ins.length; vin++) {
        const input = tx.ins[vin]!;
        const outpoint = { txid: input.hash, vout: input.index };
        const s = this.overlay.spendCoin(outpoint, inputKeys?.[vin] ?? keyOf(txidKey(input.hash), input.index));
        if (s === undefined) throw new CchostError('STATE_COIN_MISSING', `input ${vin} of a validated transaction has no coin`);
        const rec: SpentCoin = { outpoint, coin: s.coin, spender: { txid, vin } };
        (s.fresh ? this.spentInBlock : this.spent).push(rec);
      }
    }
    this.overlay.addOutputs(txid, tx.outs, this.height, coinbase, hex);
    this.pending?.set(hex, tx);
  }

  /** Coins created by the block and still unspent, in block order. */
  created(): CoinEntry[] {
    return this.overlay.changes().created as CoinEntry[];
  }
}

/** Re-exported for callers that build coins by hand. */
export type { Coin };
