/**
 * The UTXO-state contract shared by the chain rules (`src/chain`, pure) and the store (`src/store`,
 * SQLite). The chain layer reads coins through a `UtxoView` and describes what a block changes as a
 * `BlockDelta`; the store applies a delta, and its undo, as one SQLite transaction. Txids are 32 bytes
 * in Bitcoin's internal byte order (display hex is reversed).
 */
import type { Transaction } from 'bitcoinjs-lib';
import type { Block } from '../block/types.ts';

/** A transaction output reference. */
export interface OutPoint {
  /** 32-byte txid, internal byte order. */
  readonly txid: Uint8Array;
  readonly vout: number;
}

/** An unspent output with what consensus needs to spend it. */
export interface Coin {
  /** Satoshis. */
  readonly value: bigint;
  readonly script: Uint8Array;
  /** Height of the block that created it (0 = genesis allocation). */
  readonly height: number;
  /** Created by a coinbase (reward outputs wait for maturity; genesis allocations do not). */
  readonly coinbase: boolean;
}

/** A coin with its outpoint. */
export interface CoinEntry {
  readonly outpoint: OutPoint;
  readonly coin: Coin;
}

/** A coin a block spent: the coin as it was (for undo) and who spent it (for the spent index). */
export interface SpentCoin extends CoinEntry {
  /** Spending transaction id and input index. */
  readonly spender: { readonly txid: Uint8Array; readonly vin: number };
}

/** Read access to a UTXO set (the chain, or the chain plus overlays). */
export interface UtxoView {
  /** The unspent coin at `outpoint`, or undefined when it does not exist or is spent. */
  getCoin(outpoint: OutPoint): Coin | undefined;
}

/**
 * Everything connecting one block changes, in block order. `spent` holds each spent coin exactly as
 * it was (this is the undo record); `created` holds the outputs that are still unspent after the block
 * (an output created and spent inside the same block appears in neither list, but its spend is in
 * `spentInBlock` so the spent index stays complete). Unspendable outputs (OP_RETURN) are not created.
 */
export interface BlockDelta {
  readonly height: number;
  /** 32-byte block id. */
  readonly id: Uint8Array;
  readonly block: Block;
  /** Serialized block bytes as stored in the block log. */
  readonly blockBytes: Uint8Array;
  /** Txids in block order (internal byte order). */
  readonly txids: readonly Uint8Array[];
  readonly created: readonly CoinEntry[];
  readonly spent: readonly SpentCoin[];
  /** Spends of outputs created earlier in the same block (not in the UTXO set before or after). */
  readonly spentInBlock: readonly SpentCoin[];
  /** Total fees of the block's transactions (satoshis). */
  readonly fees: bigint;
}

/** Map key of an outpoint: 64 hex chars of the txid (internal order), ':' and the index. */
export function outpointKey(op: OutPoint): string {
  let s = '';
  for (let i = 0; i < 32; i++) s += (op.txid[i]! < 16 ? '0' : '') + op.txid[i]!.toString(16);
  return `${s}:${op.vout}`;
}

/** Re-export for convenience: the transaction type used across the chain layer. */
export type { Transaction };
