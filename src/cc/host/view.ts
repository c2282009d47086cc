/**
 * The `TxView` modules read (CC.md B8.4): coins from the chain's view of this transaction (chain +
 * earlier transactions of the block, or chain + mempool), unconfirmed transactions from the chain's
 * pending lookup, and confirmed transactions and spenders from the lookups the node supplies.
 */
import type { Transaction } from 'bitcoinjs-lib';
import type { SpenderRef, TxView } from './module.ts';
import type { HostCoin, HostTxContext } from './types.ts';

/** Lookups the node may give the host for what the UTXO view cannot answer (store-backed indexes). */
export interface HostLookups {
  /** A confirmed transaction by txid (internal order). */
  readonly confirmedTx?: (txid: Uint8Array) => Transaction | undefined;
  /** Who spent (txid, vout), from the spent index, as of this transaction's view. */
  readonly spender?: (txid: Uint8Array, vout: number) => SpenderRef | undefined;
}

/** The module `TxView` of one transaction (methods on a class: nothing is allocated per call). */
class HostTxView implements TxView {
  constructor(
    private readonly ctx: Pick<HostTxContext, 'view' | 'pendingTx'>,
    private readonly lookups: HostLookups,
  ) {}

  getTx(txid: Uint8Array): Transaction | undefined {
    return this.ctx.pendingTx(txid) ?? this.lookups.confirmedTx?.(txid);
  }

  getUtxo(txid: Uint8Array, vout: number): HostCoin | undefined {
    return this.ctx.view.getCoin({ txid, vout });
  }

  getSpender(txid: Uint8Array, vout: number): SpenderRef | undefined {
    return this.lookups.spender?.(txid, vout);
  }
}

/** Builds the module `TxView` of one transaction. */
export function createTxView(ctx: Pick<HostTxContext, 'view' | 'pendingTx'>, lookups: HostLookups): TxView {
  return new HostTxView(ctx, lookups);
}
