/**
 * Ed25519 (RFC 8032) through node:crypto, synchronous. Keys are raw: a 32-byte seed (private) and a
 * 32-byte encoded point (public). Verification never throws.
 */
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { CryptoErrorCode, cryptoFail } from './errors.ts';
import { describeLen } from './der.ts';

// DER prefixes of SubjectPublicKeyInfo and PKCS#8 for id-Ed25519 (OID 1.3.101.112); the raw key follows.
const SPKI_PREFIX = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00);
const PKCS8_PREFIX = Uint8Array.of(
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
);

function withPrefix(prefix: Uint8Array, raw: Uint8Array): Buffer {
  const b = Buffer.alloc(prefix.length + raw.length);
  b.set(prefix, 0);
  b.set(raw, prefix.length);
  return b;
}

function privateKeyOf(seed32: Uint8Array): KeyObject {
  if (!(seed32 instanceof Uint8Array) || seed32.length !== 32) {
    cryptoFail(CryptoErrorCode.BAD_KEY, `an Ed25519 private key is a 32-byte seed, got ${describeLen(seed32)}`);
  }
  return createPrivateKey({ key: withPrefix(PKCS8_PREFIX, seed32), format: 'der', type: 'pkcs8' });
}

/**
 * Verifies an Ed25519 signature over `msg` (any length, not pre-hashed). Never throws: wrong sizes,
 * undecodable points and non-canonical S give `false`.
 */
export function ed25519Verify(sig64: Uint8Array, publicKey32: Uint8Array, msg: Uint8Array): boolean {
  if (!(sig64 instanceof Uint8Array) || !(publicKey32 instanceof Uint8Array) || !(msg instanceof Uint8Array)) {
    return false;
  }
  if (sig64.length !== 64 || publicKey32.length !== 32) return false;
  try {
    const key = createPublicKey({ key: withPrefix(SPKI_PREFIX, publicKey32), format: 'der', type: 'spki' });
    return verify(null, msg, key, sig64);
  } catch {
    return false;
  }
}

/** Signs `msg` with the Ed25519 key of a 32-byte seed (deterministic, 64 bytes). Throws `CRYPTO_BAD_KEY`. */
export function ed25519Sign(msg: Uint8Array, seed32: Uint8Array): Uint8Array {
  const key = privateKeyOf(seed32);
  if (!(msg instanceof Uint8Array)) {
    cryptoFail(CryptoErrorCode.BAD_MESSAGE, `an Ed25519 message is a byte array, got ${describeLen(msg)}`);
  }
  return new Uint8Array(sign(null, msg, key));
}

/** The 32-byte Ed25519 public key of a 32-byte seed. Throws `CRYPTO_BAD_KEY`. */
export function ed25519PublicKey(seed32: Uint8Array): Uint8Array {
  const spki = createPublicKey(privateKeyOf(seed32)).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(spki.length - 32));
}
