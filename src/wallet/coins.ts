/**
 * Where the wallet's coins come from, and what it makes of them. The node implements `CoinSource` from
 * the store's address index and the mempool (coinSources.ts has the adapter); the wallet never touches
 * SQLite. `listWalletCoins` turns a snapshot into the wallet's view: which key owns each coin, its
 * confirmations, and whether it can be spent now (not an immature block reward, not already spent by
 * a mempool transaction, enough confirmations).
 */
import type { Coin, CoinEntry, OutPoint } from '../chain/state/types.ts';
import { outpointKeyFast } from '../chain/state/key.ts';
import { isImmatureCoinbase } from '../chain/validation/inputs.ts';
import { compareBytes } from '../util/bytes.ts';
import type { Keystore } from './keystore.ts';
import { publicInfo } from './keys.ts';
import type { WalletKey, WalletKeyInfo } from './keys.ts';

/** An address index key as the node's store files outputs: P2PKH and P2PK outputs of a key are both under its HASH160. */
export interface WalletAddressKey {
  readonly kind: 'pubkeyhash';
  /** HASH160 of the public key. */
  readonly hash: Uint8Array;
}

/** A coin as a source reports it. */
export interface SourceCoin extends CoinEntry {
  /** True when a mempool transaction already spends it (the wallet then never selects it). */
  readonly spentInMempool?: boolean;
}

/** A consistent answer of a coin source: the coins and the chain tip they were read at. */
export interface CoinSnapshot {
  /** Height of the chain tip; the next block (where a new transaction lands) is `tipHeight + 1`. */
  readonly tipHeight: number;
  /**
   * Unspent outputs paying to the keys asked about, by P2PKH or P2PK: confirmed ones with their block
   * height, and outputs of mempool transactions with height `MEMPOOL_HEIGHT` (0x7fffffff).
   */
  readonly coins: readonly SourceCoin[];
}

/**
 * What the wallet needs from the node. Example implementation: `indexCoinSource({ tipHeight,
 * addressUtxos: (k) => store.getAddressUtxos(k), mempool })`; tests use `MemoryCoinSource`.
 */
export interface CoinSource {
  listCoins(keys: readonly WalletAddressKey[]): CoinSnapshot;
}

/** Why a wallet coin can or cannot be spent now. */
export type CoinStatus =
  /** Spendable. */
  | 'spendable'
  /** A block reward younger than the chain's `coinbaseMaturity` (genesis allocations are never immature). */
  | 'immature'
  /** A mempool transaction already spends it. */
  | 'spent-in-mempool'
  /** Fewer confirmations than asked for (`minConf`). */
  | 'unconfirmed';

/** A coin of the wallet. */
export interface WalletCoin {
  readonly outpoint: OutPoint;
  readonly coin: Coin;
  /** The key that signs for it (public part only). */
  readonly owner: WalletKeyInfo;
  /** The script's form. */
  readonly scriptKind: 'p2pkh' | 'p2pk';
  /** Blocks including the coin's (0 while in the mempool). */
  readonly confirmations: number;
  readonly status: CoinStatus;
}

/** The wallet's coins at one chain tip. */
export interface WalletCoins {
  readonly tipHeight: number;
  readonly coins: readonly WalletCoin[];
}

/** Options of `listWalletCoins`. */
export interface ListCoinsOptions {
  /** Blocks a coin reward waits before it may be spent (the chain spec's `coinbaseMaturity`). */
  readonly coinbaseMaturity: number;
  /** Fewest confirmations for `spendable` (default 0: coins of mempool transactions count). */
  readonly minConf?: number;
  /** Only these keys' coins (default: every key). */
  readonly keys?: readonly WalletKey[];
}

/** The address index keys of wallet keys. */
export function addressKeysOf(keys: readonly WalletKey[]): WalletAddressKey[] {
  return keys.map((k) => ({ kind: 'pubkeyhash', hash: k.pubkeyHash }));
}

/** Confirmations of a coin at `tipHeight` (0 for a coin not yet in a block at or below the tip). */
export function confirmationsOf(coin: Coin, tipHeight: number): number {
  return coin.height > tipHeight ? 0 : tipHeight - coin.height + 1;
}

/**
 * The wallet's coins from a source, each with its owner and status, oldest first (then by txid and
 * index), duplicates and coins no wallet key can sign dropped.
 * Example: `listWalletCoins(ks, source, { coinbaseMaturity: spec.coinbaseMaturity })`.
 */
export function listWalletCoins(keystore: Keystore, source: CoinSource, options: ListCoinsOptions): WalletCoins {
  const keys = options.keys ?? keystore.keys();
  const minConf = options.minConf ?? 0;
  const snap = source.listCoins(addressKeysOf(keys));
  const allowed = options.keys === undefined ? undefined : new Set(options.keys.map((k) => k.address));
  const spendHeight = snap.tipHeight + 1;
  const seen = new Set<string>();
  const out: WalletCoin[] = [];
  for (const c of snap.coins) {
    const id = outpointKeyFast(c.outpoint);
    if (seen.has(id)) continue;
    const m = keystore.keyForScript(c.coin.script);
    if (m === undefined || (allowed !== undefined && !allowed.has(m.key.address))) continue;
    seen.add(id);
    const confirmations = confirmationsOf(c.coin, snap.tipHeight);
    const status: CoinStatus = c.spentInMempool === true
      ? 'spent-in-mempool'
      : isImmatureCoinbase(c.coin, spendHeight, options.coinbaseMaturity)
        ? 'immature'
        : confirmations < minConf
          ? 'unconfirmed'
          : 'spendable';
    out.push({ outpoint: c.outpoint, coin: c.coin, owner: publicInfo(m.key), scriptKind: m.script.kind, confirmations, status });
  }
  out.sort(
    (a, b) => b.confirmations - a.confirmations || compareBytes(a.outpoint.txid, b.outpoint.txid) || a.outpoint.vout - b.outpoint.vout,
  );
  return { tipHeight: snap.tipHeight, coins: out };
}

/** Totals of the wallet's coins in satoshis, by status. */
export interface WalletBalances {
  /** Spendable now, confirmed or not (what `getbalance` reports with minconf 0). */
  readonly spendable: bigint;
  /** Spendable and in a block. */
  readonly confirmed: bigint;
  /** Spendable but still in the mempool. */
  readonly unconfirmed: bigint;
  /** Block rewards not yet mature. */
  readonly immature: bigint;
  /** Coins already spent by mempool transactions (they leave the balance now). */
  readonly spentInMempool: bigint;
}

/** Sums coins by status. Coins below a caller's `minConf` count as confirmed or unconfirmed by their confirmations, not as spendable. */
export function balancesOf(coins: readonly WalletCoin[]): WalletBalances {
  let spendable = 0n;
  let confirmed = 0n;
  let unconfirmed = 0n;
  let immature = 0n;
  let spentInMempool = 0n;
  for (const c of coins) {
    const v = c.coin.value;
    if (c.status === 'immature') immature += v;
    else if (c.status === 'spent-in-mempool') spentInMempool += v;
    else {
      if (c.confirmations > 0) confirmed += v;
      else unconfirmed += v;
      if (c.status === 'spendable') spendable += v;
    }
  }
  return { spendable, confirmed, unconfirmed, immature, spentInMempool };
}
