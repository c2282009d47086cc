/**
 * BIP-340 Schnorr signatures over messages of any length. 32-byte messages go through tiny-secp256k1's
 * WASM implementation; other lengths (allowed since BIP-340's 2023 revision) are computed here from
 * the same curve operations and tagged hashes, so every row of the official vectors passes.
 * Verification never throws.
 */
import * as ecc from 'tiny-secp256k1';
import { randomBytes } from 'node:crypto';
import { CryptoErrorCode, cryptoFail } from './errors.ts';
import { describeLen } from './der.ts';
import { taggedHash } from './hash.ts';
import { N, N_BYTES, P_BYTES, bigToBytes32, bytesToBig, cmp32, modN } from './scalar.ts';

/**
 * Signs `msg` (any length) with BIP-340. `auxRand` is the 32-byte auxiliary randomness; when omitted,
 * 32 fresh random bytes are used (BIP-340's recommendation). Pass `new Uint8Array(32)` for deterministic
 * signatures. Throws `CRYPTO_BAD_KEY`, `CRYPTO_BAD_MESSAGE` or `CRYPTO_BAD_ARGUMENT` on bad input.
 * Example: `schnorrVerify(schnorrSign(m, k), xOnlyPublicKeyFromPrivate(k), m)` is `true`.
 */
export function schnorrSign(msg: Uint8Array, privateKey: Uint8Array, auxRand?: Uint8Array): Uint8Array {
  if (!(msg instanceof Uint8Array)) {
    cryptoFail(CryptoErrorCode.BAD_MESSAGE, `a Schnorr message is a byte array, got ${describeLen(msg)}`);
  }
  if (!ecc.isPrivate(privateKey)) {
    cryptoFail(CryptoErrorCode.BAD_KEY, `a private key is 32 bytes in 1..n-1, got ${describeLen(privateKey)}`);
  }
  if (auxRand !== undefined && (!(auxRand instanceof Uint8Array) || auxRand.length !== 32)) {
    cryptoFail(CryptoErrorCode.BAD_ARGUMENT, `BIP-340 aux_rand is 32 bytes, got ${describeLen(auxRand)}`);
  }
  const aux = auxRand ?? new Uint8Array(randomBytes(32));
  if (msg.length === 32) {
    try {
      return ecc.signSchnorr(msg, privateKey, aux);
    } catch (e) {
      return cryptoFail(CryptoErrorCode.SIGN_FAILED, `Schnorr signing failed: ${String(e)}`);
    }
  }
  const sig = schnorrSignGeneric(msg, privateKey, aux);
  if (!schnorrVerifyGeneric(sig, ecc.xOnlyPointFromScalar(privateKey), msg)) {
    cryptoFail(CryptoErrorCode.SIGN_FAILED, 'Schnorr signature failed its own verification');
  }
  return sig;
}

/**
 * BIP-340 signing written out from the specification (used for messages that are not 32 bytes; also
 * exported so tests can check it against the WASM path). Inputs are assumed valid.
 */
export function schnorrSignGeneric(msg: Uint8Array, privateKey: Uint8Array, aux: Uint8Array): Uint8Array {
  const pub = ecc.pointFromScalar(privateKey, true);
  if (pub === null) return cryptoFail(CryptoErrorCode.BAD_KEY, 'private key gives no public key');
  const px = pub.subarray(1);
  let d = bytesToBig(privateKey);
  if (pub[0] === 0x03) d = N - d; // use the key whose point has an even y
  const dBytes = bigToBytes32(d);
  const mask = taggedHash('BIP0340/aux', aux);
  const t = new Uint8Array(32);
  for (let i = 0; i < 32; i++) t[i] = dBytes[i]! ^ mask[i]!;
  const k0 = modN(bytesToBig(taggedHash('BIP0340/nonce', t, px, msg)));
  if (k0 === 0n) return cryptoFail(CryptoErrorCode.SIGN_FAILED, 'BIP-340 nonce is zero');
  const rPoint = ecc.pointFromScalar(bigToBytes32(k0), true);
  if (rPoint === null) return cryptoFail(CryptoErrorCode.SIGN_FAILED, 'BIP-340 nonce point is infinity');
  const k = rPoint[0] === 0x02 ? k0 : N - k0;
  const rx = rPoint.subarray(1);
  const e = modN(bytesToBig(taggedHash('BIP0340/challenge', rx, px, msg)));
  const sig = new Uint8Array(64);
  sig.set(rx, 0);
  sig.set(bigToBytes32(modN(k + e * d)), 32);
  return sig;
}

/**
 * Verifies a BIP-340 signature (64 bytes R.x‖s) over `msg` of any length against a 32-byte x-only
 * public key. Never throws: malformed sizes, a key not on the curve, R.x ≥ p or s ≥ n give `false`.
 */
export function schnorrVerify(sig64: Uint8Array, xOnlyPubkey32: Uint8Array, msg: Uint8Array): boolean {
  if (!(sig64 instanceof Uint8Array) || !(xOnlyPubkey32 instanceof Uint8Array) || !(msg instanceof Uint8Array)) {
    return false;
  }
  if (sig64.length !== 64 || xOnlyPubkey32.length !== 32) return false;
  if (cmp32(sig64, 0, P_BYTES) >= 0 || cmp32(sig64, 32, N_BYTES) >= 0) return false;
  try {
    // tiny-secp256k1 handles 32-byte messages but rejects R.x in [n, p), which BIP-340 allows.
    if (msg.length === 32 && cmp32(sig64, 0, N_BYTES) < 0) return ecc.verifySchnorr(msg, xOnlyPubkey32, sig64);
    return schnorrVerifyGeneric(sig64, xOnlyPubkey32, msg);
  } catch {
    return false;
  }
}

/**
 * BIP-340 verification from curve operations: R = s·G − e·P with e = H_challenge(r‖P‖m); valid when R
 * is not infinity, has an even y and x(R) = r. Inputs sized and range-checked by `schnorrVerify`.
 */
export function schnorrVerifyGeneric(sig64: Uint8Array, pub32: Uint8Array, msg: Uint8Array): boolean {
  if (!ecc.isXOnlyPoint(pub32)) return false;
  const r = sig64.subarray(0, 32);
  const s = sig64.subarray(32, 64);
  const e = modN(bytesToBig(taggedHash('BIP0340/challenge', r, pub32, msg)));
  const liftP = new Uint8Array(33);
  liftP[0] = 0x02; // lift_x: the point with this x and an even y
  liftP.set(pub32, 1);
  const sIsZero = bytesToBig(s) === 0n;
  const sG = sIsZero ? null : ecc.pointFromScalar(s, true);
  const negE = e === 0n ? 0n : N - e;
  const eP = negE === 0n ? null : ecc.pointMultiply(liftP, bigToBytes32(negE), true);
  let rPoint: Uint8Array | null;
  if (sG !== null && eP !== null) rPoint = ecc.pointAdd(sG, eP, true);
  else rPoint = sG ?? eP;
  if (rPoint === null || rPoint[0] !== 0x02) return false;
  for (let i = 0; i < 32; i++) if (rPoint[i + 1] !== r[i]) return false;
  return true;
}
