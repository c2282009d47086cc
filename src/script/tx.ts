/**
 * The structural transaction shape the script layer reads: the fields of a bitcoinjs-lib
 * `Transaction`, so a bitcoinjs object or a plain object literal both work.
 */

/** A transaction input: `hash` is the previous txid in internal byte order (not display order). */
export interface TxInLike {
  readonly hash: Uint8Array;
  readonly index: number;
  readonly script: Uint8Array;
  readonly sequence: number;
}

/** A transaction output: `value` in satoshis. */
export interface TxOutLike {
  readonly value: bigint;
  readonly script: Uint8Array;
}

/**
 * A legacy transaction. `version` and `locktime` are 32-bit values (bitcoinjs reads the version as
 * unsigned; either reading serializes to the same 4 bytes).
 * Example: `Transaction.fromHex(hex)` from bitcoinjs-lib is a `TxLike`.
 */
export interface TxLike {
  readonly version: number;
  readonly locktime: number;
  readonly ins: readonly TxInLike[];
  readonly outs: readonly TxOutLike[];
}
