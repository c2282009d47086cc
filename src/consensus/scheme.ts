/**
 * The signature scheme of votes and block signatures. Consensus code signs and verifies 32-byte
 * digests through this interface; the chain's scheme is BIP-340 Schnorr (CONSENSUS.md §5.9), and the
 * interface keeps the door open for an aggregate scheme later. The deterministic simulator passes a
 * cheap stand-in (`src/consensus/sim/simScheme.ts`) so thousands of votes per run cost microseconds.
 */
import { schnorrSign, schnorrVerify } from '../crypto/secp256k1.ts';

/** Signs and verifies 32-byte digests with 32-byte private keys and 32-byte public keys. */
export interface SignatureScheme {
  /** A 64-byte signature of `digest` by `privateKey`. */
  sign(digest: Uint8Array, privateKey: Uint8Array): Uint8Array;
  /** True when `sig` is `publicKey`'s signature of `digest`. Never throws. */
  verify(sig: Uint8Array, publicKey: Uint8Array, digest: Uint8Array): boolean;
}

const ZERO_AUX = new Uint8Array(32);

/**
 * BIP-340 over secp256k1 with x-only keys; signatures use zero aux randomness (deterministic, as
 * BIP-340 allows), so re-signing the same vote gives the same bytes.
 * Example: `BIP340.verify(BIP340.sign(voteDigest(v), k), xOnlyPublicKeyFromPrivate(k), voteDigest(v))`.
 */
export const BIP340: SignatureScheme = Object.freeze({
  sign: (digest: Uint8Array, privateKey: Uint8Array) => schnorrSign(digest, privateKey, ZERO_AUX),
  verify: (sig: Uint8Array, publicKey: Uint8Array, digest: Uint8Array) => schnorrVerify(sig, publicKey, digest),
});
