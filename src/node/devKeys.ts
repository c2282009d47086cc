/**
 * The publicly known keys of `cchost dev`: funded keys, the producer key and the wallet seed are all
 * derived from fixed tags, so every dev chain has the same addresses (handy in docs and scripts, and
 * the reason they must never hold real value).
 *
 *   devKey(i)       = first valid scalar of taggedHash("cchost dev key", u32be(i) ‖ u32be(retry))
 *   producer key    = first valid scalar of taggedHash("cchost dev producer key", u32be(retry))
 *   wallet seed     = taggedHash("cchost dev wallet seed")
 */
import type { ChainPrefixes } from '../crypto/address.ts';
import { addressFromPubkey } from '../crypto/address.ts';
import { taggedHash } from '../crypto/hash.ts';
import { encodeWif } from '../crypto/keys.ts';
import { isValidPrivateKey, publicKeyFromPrivate, xOnlyPublicKeyFromPrivate } from '../crypto/secp256k1.ts';
import { COIN } from '../chain/params.ts';
import { toHex } from '../util/bytes.ts';

/** Tag of the funded dev keys. */
export const DEV_KEY_TAG = 'cchost dev key';
/** Tag of the dev producer key. */
export const DEV_PRODUCER_TAG = 'cchost dev producer key';
/** Tag of the dev wallet seed. */
export const DEV_WALLET_SEED_TAG = 'cchost dev wallet seed';
/** The warning printed with the keys. */
export const DEV_KEYS_WARNING = 'PUBLICLY KNOWN KEYS: never use them on a real chain; anyone can spend what they hold';
/** Default number of funded keys. */
export const DEFAULT_DEV_KEYS = 10;
/** Most funded keys `cchost dev --keys` accepts. */
export const MAX_DEV_KEYS = 1000;
/** Coins given to each key while the total stays within 20,000,000 coins (below MAX_MONEY). */
export const DEV_KEY_COINS = 1_000_000n;
const DEV_TOTAL_COINS = 20_000_000n;

/** A funded dev key, with everything a user needs to spend from it. */
export interface DevKey {
  readonly index: number;
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly address: string;
  readonly wif: string;
}

function u32be(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0);
  return b;
}

function scalar(tag: string, ...prefix: Uint8Array[]): Uint8Array {
  for (let retry = 0; ; retry++) {
    const k = taggedHash(tag, ...prefix, u32be(retry));
    if (isValidPrivateKey(k)) return k;
  }
}

/** Dev key `i` (0-based) for a chain's prefixes. Example: `devKey(0, spec.prefixes).address`. */
export function devKey(i: number, prefixes: ChainPrefixes): DevKey {
  if (!Number.isInteger(i) || i < 0 || i > 0xffffffff) throw new RangeError(`dev key index must be a u32, got ${i}`);
  const privateKey = scalar(DEV_KEY_TAG, u32be(i));
  const publicKey = publicKeyFromPrivate(privateKey, true);
  return { index: i, privateKey, publicKey, address: addressFromPubkey(publicKey, prefixes), wif: encodeWif(privateKey, true, prefixes) };
}

/** Dev keys 0..n-1. */
export function devKeys(n: number, prefixes: ChainPrefixes): DevKey[] {
  return Array.from({ length: n }, (_, i) => devKey(i, prefixes));
}

/** The dev producer's private key (BIP-340 signing key of the one schedule entry). */
export function devProducerKey(): Uint8Array {
  return scalar(DEV_PRODUCER_TAG);
}

/** The dev producer's 32-byte x-only public key (what the chain spec lists). */
export function devProducerPublicKey(): Uint8Array {
  return xOnlyPublicKeyFromPrivate(devProducerKey());
}

/** The dev wallet's derivation seed (reproducible `getnewaddress` results). */
export function devWalletSeed(): Uint8Array {
  return taggedHash(DEV_WALLET_SEED_TAG);
}

/** Satoshis each of `n` keys receives at genesis: 1,000,000 coins, less when n × that would pass 20,000,000. */
export function devKeyFunding(n: number): bigint {
  if (!Number.isInteger(n) || n < 1 || n > MAX_DEV_KEYS) throw new RangeError(`dev key count must be 1..${MAX_DEV_KEYS}, got ${n}`);
  const even = DEV_TOTAL_COINS / BigInt(n);
  return (even < DEV_KEY_COINS ? even : DEV_KEY_COINS) * COIN;
}

/** The JSON form printed for scripts: address, WIF and private key hex. */
export function devKeyJson(k: DevKey): { address: string; wif: string; privateKey: string } {
  return { address: k.address, wif: k.wif, privateKey: toHex(k.privateKey) };
}
