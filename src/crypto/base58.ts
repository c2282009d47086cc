/**
 * Base58 and Base58Check (Bitcoin's alphabet). Decoders return a `Result` and never throw; the input
 * must be exactly the encoded text (no surrounding whitespace).
 */
import { err, ok } from '../util/errors.ts';
import type { ErrorData, Result } from '../util/errors.ts';
import { hash256 } from './hash.ts';
import { CryptoErrorCode } from './errors.ts';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGIT[ALPHABET.charCodeAt(i)] = i;

/** Base58 encoding of `b`; each leading zero byte becomes a leading '1'. Example: `base58Encode(Uint8Array.of(0x61))` is `'2g'`. */
export function base58Encode(b: Uint8Array): string {
  let zeros = 0;
  while (zeros < b.length && b[zeros] === 0) zeros++;
  // Base-58 digits, least significant first; log(256)/log(58) < 1.37.
  const digits: number[] = [];
  for (let i = zeros; i < b.length; i++) {
    let carry = b[i]!;
    for (let j = 0; j < digits.length; j++) {
      carry += digits[j]! * 256;
      digits[j] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  let s = '1'.repeat(zeros);
  for (let i = digits.length - 1; i >= 0; i--) s += ALPHABET[digits[i]!]!;
  return s;
}

/** Bytes of a Base58 string; `CRYPTO_BAD_BASE58` names the first character outside the alphabet. */
export function base58Decode(s: string): Result<Uint8Array> {
  if (typeof s !== 'string') {
    return err({ code: CryptoErrorCode.BAD_BASE58, message: `Base58 input must be a string, got ${typeof s}` });
  }
  let zeros = 0;
  while (zeros < s.length && s.charCodeAt(zeros) === 0x31) zeros++;
  const bytes: number[] = []; // least significant first
  for (let i = zeros; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? DIGIT[c]! : -1;
    if (v < 0) {
      const ch = JSON.stringify(s[i] ?? '');
      return err({
        code: CryptoErrorCode.BAD_BASE58,
        message:
          `invalid Base58 character ${ch} at position ${i}: ` +
          `Base58 uses 1-9, A-Z and a-z except 0, O, I and l, with no spaces`,
        position: i,
      });
    }
    let carry = v;
    for (let j = 0; j < bytes.length; j++) {
      carry += bytes[j]! * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  const out = new Uint8Array(zeros + bytes.length);
  for (let i = 0; i < bytes.length; i++) out[out.length - 1 - i] = bytes[i]!;
  return ok(out);
}

/** Base58Check: `payload ‖ first 4 bytes of HASH256(payload)`, Base58-encoded. */
export function base58CheckEncode(payload: Uint8Array): string {
  const h = hash256(payload);
  const buf = new Uint8Array(payload.length + 4);
  buf.set(payload, 0);
  buf.set(h.subarray(0, 4), payload.length);
  return base58Encode(buf);
}

/**
 * The payload of a Base58Check string: `CRYPTO_BAD_BASE58` for a bad character, `CRYPTO_BAD_CHECKSUM`
 * when the string is too short or its checksum does not match.
 */
export function base58CheckDecode(s: string): Result<Uint8Array> {
  const r = base58Decode(s);
  if (!r.ok) return r;
  const b = r.value;
  if (b.length < 4) {
    return err<ErrorData>({
      code: CryptoErrorCode.BAD_CHECKSUM,
      message: `Base58Check data is ${b.length} bytes, too short to hold its 4-byte checksum`,
    });
  }
  const payload = b.subarray(0, b.length - 4);
  const h = hash256(payload);
  for (let i = 0; i < 4; i++) {
    if (h[i] !== b[b.length - 4 + i]) {
      return err<ErrorData>({
        code: CryptoErrorCode.BAD_CHECKSUM,
        message: 'Base58Check checksum mismatch: the string was mistyped or truncated',
      });
    }
  }
  return ok(payload.slice());
}
