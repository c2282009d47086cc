/**
 * Error codes of the crypto layer. Each is a stable string; the message says what was wrong and how
 * to fix it. Verification functions never use these: they return `false` on any malformed input.
 */
import { CchostError } from '../util/errors.ts';

/** The error codes `src/crypto` reports. */
export const CryptoErrorCode = {
  /** A private key is not 32 bytes in the range 1..n-1, or a public key is not a valid curve point. */
  BAD_KEY: 'CRYPTO_BAD_KEY',
  /** A message given to a signing function has the wrong size (ECDSA signs exactly 32 bytes). */
  BAD_MESSAGE: 'CRYPTO_BAD_MESSAGE',
  /** A signature given to an encoder is not 64 bytes r‖s with r and s in 1..n-1. */
  BAD_SIGNATURE: 'CRYPTO_BAD_SIGNATURE',
  /** An auxiliary value (BIP-340 aux_rand, RSA key material) has the wrong size or form. */
  BAD_ARGUMENT: 'CRYPTO_BAD_ARGUMENT',
  /** A string contains a character outside the Base58 alphabet. */
  BAD_BASE58: 'CRYPTO_BAD_BASE58',
  /** A Base58Check string is shorter than its 4-byte checksum or the checksum does not match. */
  BAD_CHECKSUM: 'CRYPTO_BAD_CHECKSUM',
  /** An address has a bad checksum, the wrong length or a version byte this chain does not use. */
  BAD_ADDRESS: 'CRYPTO_BAD_ADDRESS',
  /** A WIF private key has a bad checksum, the wrong length, prefix or compression flag, or an invalid key. */
  BAD_WIF: 'CRYPTO_BAD_WIF',
  /** A signing operation failed inside the library (should not happen with valid inputs). */
  SIGN_FAILED: 'CRYPTO_SIGN_FAILED',
} as const;

/** One of the crypto layer's error codes. */
export type CryptoErrorCode = (typeof CryptoErrorCode)[keyof typeof CryptoErrorCode];

/** Throws a `CchostError` with a crypto code. */
export function cryptoFail(code: CryptoErrorCode, message: string, details: Record<string, unknown> = {}): never {
  throw new CchostError(code, message, details);
}
