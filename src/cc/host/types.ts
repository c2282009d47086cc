/**
 * The chain-side shapes the CC host reads, declared narrowly here because src/cc may not import
 * src/chain. They are structural subsets of the chain's types: a `ChainSpec` is a `HostChainParams`,
 * a `Coin` a `HostCoin`, a `UtxoView` a `HostUtxoView` and a `CcTxContext` a `HostTxContext`, so the
 * chain passes its own objects unchanged (test/unit/cc_host_chain.test.ts proves it).
 */
import type { Transaction } from 'bitcoinjs-lib';

/** A transaction output reference; `txid` in internal byte order. */
export interface HostOutPoint {
  readonly txid: Uint8Array;
  readonly vout: number;
}

/** A coin: what an output holds. `height` and `coinbase` are present when the view knows them. */
export interface HostCoin {
  /** Satoshis. */
  readonly value: bigint;
  readonly script: Uint8Array;
  /** Height of the block that created it. */
  readonly height?: number;
  /** Created by a coinbase. */
  readonly coinbase?: boolean;
}

/** Read access to unspent coins (the chain's `UtxoView`). */
export interface HostUtxoView {
  /** The unspent coin at `outpoint`, or undefined when it does not exist or is spent. */
  getCoin(outpoint: HostOutPoint): HostCoin | undefined;
}

/** One module the chain enables (CC.md B8.1 `chain.cc.modules`). */
export interface HostModuleSpec {
  readonly name: string;
  /** 1..255. */
  readonly evalCode: number;
  readonly version: number;
  /** First height at which the module validates and its outputs may be created. */
  readonly activationHeight: number;
  /** Module parameters (plain JSON, checked by the module itself). */
  readonly params?: Readonly<Record<string, unknown>>;
}

/** The CC policy of a chain (CC.md B1.1, B6, B8.1). */
export interface HostCcParams {
  readonly enabled: boolean;
  readonly activationHeight: number;
  /** Bit mask of allowed condition types (bit = type id; default 0x8035). */
  readonly allowedTypes: number;
  /** Enabled modules. */
  readonly modules: readonly HostModuleSpec[];
}

/** The chain parameters the host and modules read (a subset of the chain's `ChainSpec`). */
export interface HostChainParams {
  /** Chain name. */
  readonly name?: string;
  /** Base58Check version bytes; `pubKeyHash` prefixes CC addresses (B9.1). */
  readonly prefixes: { readonly pubKeyHash: number; readonly scriptHash?: number; readonly wif?: number };
  readonly cc: HostCcParams;
}

/** Validation mode (B8.4): a block being connected or assembled, or mempool acceptance. */
export type HostValidationMode = 'block' | 'mempool';

/** What chain validation tells the host about one transaction (the chain's `CcTxContext`). */
export interface HostTxContext {
  readonly mode: HostValidationMode;
  /** Height of the block being connected (tip + 1 in the mempool). */
  readonly height: number;
  /** That block's time in unix ms (the tip's in the mempool); never the wall clock. */
  readonly blockTimeMs: number;
  readonly spec: HostChainParams;
  /** Script flags in force (SCRIPT_VERIFY_CRYPTOCONDITIONS set when CC is active). */
  readonly flags: number;
  /** The transaction's txid, internal byte order. */
  readonly txid: Uint8Array;
  /** Coins as of just before this transaction: chain + earlier txs of the block, or chain + mempool. */
  readonly view: HostUtxoView;
  /** An unconfirmed transaction by txid: an earlier one of the block (block mode) or a mempool one. */
  readonly pendingTx: (txid: Uint8Array) => Transaction | undefined;
}
