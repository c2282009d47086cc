/**
 * secp256k1 facade over tiny-secp256k1 (libsecp256k1 compiled to WASM), shaped after Bitcoin Core:
 * `ecdsaVerifyLax` is `CPubKey::Verify` (lax DER, hybrid keys, S normalised to low-S), signing is
 * RFC 6979 with low-S, and every verifier returns `false` instead of throwing on malformed input.
 * Functions that produce keys or signatures throw a `CchostError` (`CRYPTO_BAD_KEY`, ...) on bad input.
 * BIP-340 Schnorr lives in `schnorr.ts` and DER coding in `der.ts`; both are re-exported here.
 */
import * as ecc from 'tiny-secp256k1';
import { randomBytes } from 'node:crypto';
import { CryptoErrorCode, cryptoFail } from './errors.ts';
import { LaxDer, describeLen, encodeDer, parseDerLaxInto } from './der.ts';
import { HALF_N_BYTES, N_BYTES, cmp32 } from './scalar.ts';

export { parseDerLax, encodeDer } from './der.ts';
export { schnorrSign, schnorrVerify } from './schnorr.ts';

/**
 * True when the length matches the header byte as Core's `CPubKey` requires: 02/03 → 33 bytes,
 * 04/06/07 → 65 bytes. Does not check the point.
 */
function pubkeyShapeOk(p: Uint8Array): boolean {
  const len = p.length;
  if (len === 33) return p[0] === 0x02 || p[0] === 0x03;
  if (len === 65) return p[0] === 0x04 || p[0] === 0x06 || p[0] === 0x07;
  return false;
}

/**
 * True for a public key Core accepts for verification: 33-byte compressed (02/03), 65-byte uncompressed
 * (04) or hybrid (06 even y, 07 odd y; the parity must match), on the curve.
 * Example: `isValidPubkey(publicKeyFromPrivate(k))` is `true`.
 */
export function isValidPubkey(pubkey: Uint8Array): boolean {
  if (!(pubkey instanceof Uint8Array) || !pubkeyShapeOk(pubkey)) return false;
  try {
    return ecc.isPoint(pubkey);
  } catch {
    return false;
  }
}

/** True for 32 bytes in 1..n-1: a usable secp256k1 private key. */
export function isValidPrivateKey(k: Uint8Array): boolean {
  return ecc.isPrivate(k);
}

function assertPrivateKey(k: Uint8Array): void {
  if (!ecc.isPrivate(k)) {
    cryptoFail(
      CryptoErrorCode.BAD_KEY,
      k instanceof Uint8Array && k.length === 32
        ? 'private key is out of range: it must be a 32-byte number in 1..n-1'
        : `a private key is 32 bytes, got ${describeLen(k)}`,
    );
  }
}

function assertMsg32(msg32: Uint8Array): void {
  if (!(msg32 instanceof Uint8Array) || msg32.length !== 32) {
    cryptoFail(CryptoErrorCode.BAD_MESSAGE, `ECDSA signs a 32-byte hash, got ${describeLen(msg32)}`);
  }
}

// Reused by ecdsaVerifyLax so the hot path allocates nothing; tiny-secp256k1 copies it into WASM memory.
const SCRATCH_SIG = new Uint8Array(64);

/**
 * Core's `CPubKey::Verify`: verifies a DER signature (WITHOUT the sighash-type byte) over a 32-byte
 * hash with Core's lax DER parser, normalising S to low-S first. Accepts compressed, uncompressed and
 * hybrid keys. Never throws: any malformed input gives `false`.
 * Example: `ecdsaVerifyLax(ecdsaSign(h, k), publicKeyFromPrivate(k), h)` is `true`.
 */
export function ecdsaVerifyLax(sigDer: Uint8Array, pubkey: Uint8Array, msg32: Uint8Array): boolean {
  if (!(sigDer instanceof Uint8Array) || !(pubkey instanceof Uint8Array) || !(msg32 instanceof Uint8Array)) {
    return false;
  }
  if (msg32.length !== 32 || !pubkeyShapeOk(pubkey)) return false;
  if (parseDerLaxInto(sigDer, SCRATCH_SIG) !== LaxDer.Ok) return false;
  // r or s ≥ n: libsecp256k1 parses this as an (invalid) all-zero signature, so verification fails.
  if (cmp32(SCRATCH_SIG, 0, N_BYTES) >= 0 || cmp32(SCRATCH_SIG, 32, N_BYTES) >= 0) return false;
  try {
    return ecc.verify(msg32, pubkey, SCRATCH_SIG, false);
  } catch {
    return false; // the key is not on the curve (or a hybrid key with the wrong parity)
  }
}

/**
 * Verifies a 64-byte r‖s signature over a 32-byte hash. With `requireLowS` (the default) a high-S
 * signature is `false`, as crypto-condition secp256k1 nodes require. Never throws.
 */
export function ecdsaVerifyCompact(
  sig64: Uint8Array,
  pubkey: Uint8Array,
  msg32: Uint8Array,
  opts?: { requireLowS?: boolean },
): boolean {
  if (!(sig64 instanceof Uint8Array) || !(pubkey instanceof Uint8Array) || !(msg32 instanceof Uint8Array)) {
    return false;
  }
  if (sig64.length !== 64 || msg32.length !== 32 || !pubkeyShapeOk(pubkey)) return false;
  if (cmp32(sig64, 0, N_BYTES) >= 0 || cmp32(sig64, 32, N_BYTES) >= 0) return false;
  try {
    return ecc.verify(msg32, pubkey, sig64, opts?.requireLowS ?? true);
  } catch {
    return false;
  }
}

/**
 * Signs a 32-byte hash: RFC 6979 deterministic nonce, low-S, 64 bytes r‖s.
 * Throws `CRYPTO_BAD_MESSAGE` / `CRYPTO_BAD_KEY` on bad input.
 */
export function ecdsaSignCompact(msg32: Uint8Array, privateKey: Uint8Array): Uint8Array {
  assertMsg32(msg32);
  assertPrivateKey(privateKey);
  try {
    return ecc.sign(msg32, privateKey);
  } catch (e) {
    return cryptoFail(CryptoErrorCode.SIGN_FAILED, `ECDSA signing failed: ${String(e)}`);
  }
}

/**
 * Signs a 32-byte hash and returns a strict-DER signature (no sighash-type byte): RFC 6979, low-S.
 * Example: `concatBytes(ecdsaSign(sighash, key), Uint8Array.of(0x01))` is a SIGHASH_ALL scriptSig push.
 */
export function ecdsaSign(msg32: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return encodeDer(ecdsaSignCompact(msg32, privateKey));
}

/** True when the S half of a 64-byte r‖s signature is at most n/2 (Core's low-S rule). False for other sizes. */
export function isLowS(sig64: Uint8Array): boolean {
  return sig64 instanceof Uint8Array && sig64.length === 64 && cmp32(sig64, 32, HALF_N_BYTES) <= 0;
}

/**
 * The public key of a private key: 33-byte compressed by default, 65-byte (04) when `compressed` is
 * false. Throws `CRYPTO_BAD_KEY` for an invalid private key.
 */
export function publicKeyFromPrivate(privateKey: Uint8Array, compressed = true): Uint8Array {
  assertPrivateKey(privateKey);
  const p = ecc.pointFromScalar(privateKey, compressed);
  if (p === null) return cryptoFail(CryptoErrorCode.BAD_KEY, 'private key gives no public key');
  return p;
}

/**
 * Re-encodes a valid public key (compressed, uncompressed or hybrid) as 33-byte compressed or 65-byte
 * uncompressed (04). Throws `CRYPTO_BAD_KEY` when the key is not valid.
 */
export function normalizePubkey(pubkey: Uint8Array, compressed = true): Uint8Array {
  if (!isValidPubkey(pubkey)) {
    cryptoFail(CryptoErrorCode.BAD_KEY, `not a valid secp256k1 public key (${describeLen(pubkey)})`);
  }
  if (pubkey[0] === 0x06 || pubkey[0] === 0x07) {
    // tiny-secp256k1 parses hybrid keys; convert through the 04 form to be safe.
    const u = pubkey.slice();
    u[0] = 0x04;
    return ecc.pointCompress(u, compressed);
  }
  return ecc.pointCompress(pubkey, compressed);
}

/** A fresh random private key (node:crypto `randomBytes`, retried until it is in 1..n-1). */
export function randomPrivateKey(): Uint8Array {
  for (;;) {
    const k = new Uint8Array(randomBytes(32));
    if (ecc.isPrivate(k)) return k;
  }
}

/**
 * The 32-byte x coordinate of a public key (the BIP-340 x-only key). Accepts 33-byte 02/03 and 65-byte
 * 04/06/07 encodings; checks the shape only, not that the point is on the curve. Throws `CRYPTO_BAD_KEY`.
 */
export function xOnly(pubkey33: Uint8Array): Uint8Array {
  if (!(pubkey33 instanceof Uint8Array) || !pubkeyShapeOk(pubkey33)) {
    cryptoFail(
      CryptoErrorCode.BAD_KEY,
      `xOnly needs a 33-byte (02/03) or 65-byte (04/06/07) public key, got ${describeLen(pubkey33)}` +
        (pubkey33 instanceof Uint8Array && pubkey33.length > 0 ? ` starting 0x${pubkey33[0]!.toString(16)}` : ''),
    );
  }
  return pubkey33.slice(1, 33);
}

/** The x-only (BIP-340) public key of a private key. Throws `CRYPTO_BAD_KEY`. */
export function xOnlyPublicKeyFromPrivate(privateKey: Uint8Array): Uint8Array {
  assertPrivateKey(privateKey);
  return ecc.xOnlyPointFromScalar(privateKey);
}
