/**
 * RSASSA-PSS with SHA-256 as crypto-conditions' `rsa-sha-256` type uses it: MGF1-SHA-256, salt length
 * exactly 32, public exponent 65537, key given as its raw big-endian modulus. Through node:crypto.
 */
import { createPrivateKey, createPublicKey, sign, verify, constants } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { CryptoErrorCode, cryptoFail } from './errors.ts';

/** The salt length crypto-conditions' RSA signatures use (the five-bells vectors verify only with 32). */
export const RSA_PSS_SALT_LENGTH = 32;

/**
 * Verifies an RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32, e = 65537) signature over `msg`. The modulus is
 * unsigned big-endian without leading zero bytes; the signature must be exactly as long as the modulus
 * (RFC 8017 §8.1.2 step 1). Never throws. Size limits (crypto-conditions allows 128..512-byte moduli)
 * are the caller's rule.
 */
export function rsaPssSha256Verify(modulus: Uint8Array, signature: Uint8Array, msg: Uint8Array): boolean {
  if (!(modulus instanceof Uint8Array) || !(signature instanceof Uint8Array) || !(msg instanceof Uint8Array)) {
    return false;
  }
  if (modulus.length === 0 || modulus[0] === 0 || signature.length !== modulus.length) return false;
  try {
    const key = createPublicKey({
      key: { kty: 'RSA', n: Buffer.from(modulus).toString('base64url'), e: 'AQAB' },
      format: 'jwk',
    });
    return verify(
      'sha256',
      msg,
      { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: RSA_PSS_SALT_LENGTH },
      signature,
    );
  } catch {
    return false;
  }
}

/**
 * Signs `msg` with RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32): for tests and tools that build RSA
 * fulfillments. `privateKey` is a KeyObject or a PEM string. Throws `CRYPTO_BAD_KEY` on an unusable key.
 */
export function rsaPssSha256Sign(privateKey: KeyObject | string, msg: Uint8Array): Uint8Array {
  try {
    const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
    return new Uint8Array(
      sign('sha256', msg, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: RSA_PSS_SALT_LENGTH }),
    );
  } catch (e) {
    return cryptoFail(CryptoErrorCode.BAD_KEY, `RSA-PSS signing failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The raw big-endian modulus (no leading zeros) of an RSA public or private key. Throws `CRYPTO_BAD_KEY`. */
export function rsaModulus(key: KeyObject | string): Uint8Array {
  try {
    const pub = typeof key === 'string' ? createPublicKey(key) : createPublicKey(key);
    const jwk = pub.export({ format: 'jwk' });
    if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string') throw new Error(`not an RSA key (${String(jwk.kty)})`);
    return new Uint8Array(Buffer.from(jwk.n, 'base64url'));
  } catch (e) {
    return cryptoFail(CryptoErrorCode.BAD_KEY, `cannot read an RSA modulus: ${e instanceof Error ? e.message : String(e)}`);
  }
}
