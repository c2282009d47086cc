/**
 * The types of a build: what to build (`BuildRequest`, with fixed inputs), where the wallet reads keys,
 * coins and chain parameters (`BuildContext`), and what comes back (`BuiltTransaction`).
 */
import type { Transaction } from 'bitcoinjs-lib';
import type { ChainSpec } from '../chain/spec/types.ts';
import type { Coin, OutPoint } from '../chain/state/types.ts';
import type { CryptoConditionsHook } from '../script/cc.ts';
import type { CoinSource } from './coins.ts';
import type { Keystore } from './keystore.ts';
import type { OutputRequest } from './outputs.ts';
import type { CcInputSigner } from './sign.ts';

/** The chain parameters the wallet uses (a `ChainSpec` has them all). */
export type WalletChainParams = Pick<ChainSpec, 'prefixes' | 'minRelayFeePerKb' | 'coinbaseMaturity' | 'limits' | 'cc'>;

/** An input the caller fixes (it is always spent, before any selected coin). */
export interface FixedInput {
  readonly outpoint: OutPoint;
  /** The coin it spends (value and script as in the UTXO set). */
  readonly coin: Coin;
  /** Signs it; omit for a P2PKH or P2PK coin of a wallet key. */
  readonly signer?: CcInputSigner;
  /** nSequence (default 0xffffffff, or 0xfffffffe with a lock time). */
  readonly sequence?: number;
}

/** What to build. */
export interface BuildRequest {
  readonly outputs: readonly OutputRequest[];
  /** Indices of payment outputs that pay the fee (split equally, the remainder from the first). */
  readonly subtractFeeFrom?: readonly number[];
  /** Fee rate in satoshis per 1000 bytes (default and minimum: the chain's `minRelayFeePerKb`). */
  readonly feePerKb?: bigint;
  /** Spend only coins with at least this many confirmations (default: confirmed first, then unconfirmed). */
  readonly minConf?: number;
  /** Fund only from this wallet key (address or public key hex); change returns to its address. */
  readonly from?: string;
  /** Send change here instead (a P2PKH or P2SH address of this chain). */
  readonly changeAddress?: string;
  /** Inputs that must be spent (first, in this order). */
  readonly inputs?: readonly FixedInput[];
  /** Coins not to select. */
  readonly exclude?: readonly OutPoint[];
  /** nLockTime (default 0). */
  readonly locktime?: number;
  /** Transaction version (default 1; 2 for BIP68 relative lock times). */
  readonly version?: number;
  /** Dust rate per kB (default the mempool's: 3 × minRelayFeePerKb). */
  readonly dustRelayFeePerKb?: bigint;
  /** The CC hook that verifies CC input i (the node's CC host), for the guard. */
  readonly ccHookFor?: (tx: Transaction, inputIndex: number, coin: Coin) => CryptoConditionsHook;
  /** CC inputs are verified by the caller (full mempool acceptance check) instead of the guard. */
  readonly ccVerifiedByCaller?: boolean;
}

/** Where the builder reads keys, coins and chain parameters. */
export interface BuildContext {
  readonly keystore: Keystore;
  readonly source: CoinSource;
  readonly chain: WalletChainParams;
}

/** A signed transaction that passed the guard. */
export interface BuiltTransaction {
  readonly tx: Transaction;
  /** 32-byte txid, internal byte order (`tx.getId()` is the display hex). */
  readonly txid: Uint8Array;
  /** Satoshis paid to the producer (Σ inputs − Σ outputs). */
  readonly fee: bigint;
  /** Serialized size in bytes. */
  readonly size: number;
  /** The coin each input spends, aligned with `tx.ins`. */
  readonly spent: readonly { readonly outpoint: OutPoint; readonly coin: Coin }[];
  /** Index of the change output, or -1 when there is none. */
  readonly changeIndex: number;
  /** The change address, when there is a change output. */
  readonly changeAddress?: string;
  /** Chain tip height the coins were read at. */
  readonly tipHeight: number;
}
