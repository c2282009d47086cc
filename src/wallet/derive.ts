/**
 * Deterministic key derivation for new wallet addresses: key i of a wallet is
 * `taggedHash(WALLET_KEY_TAG, seed ‖ u32be(i))`, hashed again under the same tag until it is a valid
 * secp256k1 private key (1..n-1; a retry happens with probability about 2^-128). The 32-byte seed is
 * random and stored in `wallet.json`, so the file alone restores every derived key.
 */
import { taggedHash } from '../crypto/hash.ts';
import { isValidPrivateKey } from '../crypto/secp256k1.ts';
import { CchostError } from '../util/errors.ts';

/** BIP-340-style tag of wallet key derivation. */
export const WALLET_KEY_TAG = 'CCHOST/WALLET/KEY/v1';

/** Largest derivation index (the index is written as 4 bytes). */
export const MAX_DERIVATION_INDEX = 0xffffffff;

/**
 * The private key at `index` of the wallet with `seed` (32 bytes).
 * Example: `deriveWalletKey(seed, 0)` is the wallet's first key; the same seed and index always give the same key.
 */
export function deriveWalletKey(seed: Uint8Array, index: number): Uint8Array {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) {
    throw new CchostError('WALLET_BAD_REQUEST', 'a wallet seed is 32 bytes');
  }
  if (!Number.isInteger(index) || index < 0 || index > MAX_DERIVATION_INDEX) {
    throw new CchostError('WALLET_BAD_REQUEST', `a derivation index is an integer 0..${MAX_DERIVATION_INDEX}, got ${String(index)}`);
  }
  const i = new Uint8Array(4);
  new DataView(i.buffer).setUint32(0, index, false);
  let k = taggedHash(WALLET_KEY_TAG, seed, i);
  while (!isValidPrivateKey(k)) k = taggedHash(WALLET_KEY_TAG, k);
  return k;
}
