/**
 * DER encodings of ECDSA signatures. `parseDerLax` reproduces the behaviour of libsecp256k1's
 * `ecdsa_signature_parse_der_lax`, which Bitcoin Core uses for every signature check (BIP-66 strictness
 * is a separate script flag): it skips the sequence length, accepts long-form and padded lengths,
 * ignores trailing bytes after S and strips leading zero bytes from R and S.
 */
import { CryptoErrorCode, cryptoFail } from './errors.ts';

/** Outcomes of `parseDerLaxInto`. */
export const LaxDer = {
  /** r and s each fit in 32 bytes. */
  Ok: 0,
  /** R or S is longer than 32 bytes after its leading zeros (Core: parsed as an invalid signature). */
  Overflow: 1,
  /** The structure is broken (missing tags, lengths past the end). */
  Malformed: 2,
} as const;

/** One of the `LaxDer` outcomes. */
export type LaxDer = (typeof LaxDer)[keyof typeof LaxDer];

/**
 * Reads one INTEGER header at `pos` (tag 0x02 then a length). Returns the content length and moves
 * the cursor through `cur[0]`; -1 when the header is broken.
 */
function readIntHeader(sig: Uint8Array, cur: Int32Array): number {
  const len = sig.length;
  let pos = cur[0]!;
  if (pos >= len || sig[pos] !== 0x02) return -1;
  pos++;
  if (pos >= len) return -1;
  let lenbyte = sig[pos++]!;
  let vlen: number;
  if (lenbyte & 0x80) {
    // Long form: the count of length bytes, which may start with zero padding.
    lenbyte -= 0x80;
    if (lenbyte > len - pos) return -1;
    while (lenbyte > 0 && sig[pos] === 0) {
      pos++;
      lenbyte--;
    }
    if (lenbyte >= 4) return -1;
    vlen = 0;
    while (lenbyte > 0) {
      vlen = vlen * 256 + sig[pos]!;
      pos++;
      lenbyte--;
    }
  } else {
    vlen = lenbyte;
  }
  if (vlen > len - pos) return -1;
  cur[0] = pos;
  return vlen;
}

/** Copies the big-endian integer sig[pos..pos+vlen) into out[off..off+32) without leading zeros; false when it needs more than 32 bytes. */
function copyInt(sig: Uint8Array, pos: number, vlen: number, out: Uint8Array, off: number): boolean {
  while (vlen > 0 && sig[pos] === 0) {
    pos++;
    vlen--;
  }
  if (vlen > 32) return false;
  for (let i = 0; i < vlen; i++) out[off + 32 - vlen + i] = sig[pos + i]!;
  return true;
}

const cursor = new Int32Array(1);

/**
 * Lax-parses `sig` into `out` (64 bytes r‖s, zero-filled first) without allocating. Values are not
 * range-checked against n here. Used by the verification hot path.
 */
export function parseDerLaxInto(sig: Uint8Array, out: Uint8Array): LaxDer {
  out.fill(0);
  const len = sig.length;
  let pos = 0;
  if (len === 0 || sig[0] !== 0x30) return LaxDer.Malformed;
  pos = 1;
  if (pos >= len) return LaxDer.Malformed;
  let lenbyte = sig[pos++]!;
  if (lenbyte & 0x80) {
    // The sequence length itself is ignored; only its long-form byte count is skipped.
    lenbyte -= 0x80;
    if (lenbyte > len - pos) return LaxDer.Malformed;
    pos += lenbyte;
  }
  cursor[0] = pos;
  const rlen = readIntHeader(sig, cursor);
  if (rlen < 0) return LaxDer.Malformed;
  const rpos = cursor[0]!;
  cursor[0] = rpos + rlen;
  const slen = readIntHeader(sig, cursor);
  if (slen < 0) return LaxDer.Malformed;
  const spos = cursor[0]!;
  // Bytes after S are ignored.
  if (!copyInt(sig, rpos, rlen, out, 0) || !copyInt(sig, spos, slen, out, 32)) {
    out.fill(0);
    return LaxDer.Overflow;
  }
  return LaxDer.Ok;
}

/**
 * Parses a DER signature (without the sighash-type byte) the way Bitcoin Core does before verifying:
 * r and s come back as 32-byte big-endian values; `null` when the structure is broken or a value needs
 * more than 32 bytes (Core then fails the check). Values ≥ n are returned as they are; verification
 * rejects them. Example: `parseDerLax(fromHex('3006020101020102'))` gives r = 1, s = 2.
 */
export function parseDerLax(sig: Uint8Array): { r: Uint8Array; s: Uint8Array } | null {
  if (!(sig instanceof Uint8Array)) return null;
  const out = new Uint8Array(64);
  if (parseDerLaxInto(sig, out) !== LaxDer.Ok) return null;
  return { r: out.slice(0, 32), s: out.slice(32, 64) };
}

/** Appends a minimal DER INTEGER for the unsigned 32-byte value at `src[off..off+32)`. */
function derInt(src: Uint8Array, off: number, out: number[]): void {
  let start = off;
  const end = off + 32;
  while (start < end - 1 && src[start] === 0) start++;
  const pad = src[start]! & 0x80 ? 1 : 0;
  out.push(0x02, end - start + pad);
  if (pad) out.push(0);
  for (let i = start; i < end; i++) out.push(src[i]!);
}

/**
 * Strict (BIP-66) DER encoding of a 64-byte r‖s signature, without a sighash-type byte.
 * Throws `CRYPTO_BAD_SIGNATURE` unless `sig64` is 64 bytes.
 * Example: `encodeDer(compact)` then append the hash type to build a scriptSig signature.
 */
export function encodeDer(sig64: Uint8Array): Uint8Array {
  if (!(sig64 instanceof Uint8Array) || sig64.length !== 64) {
    cryptoFail(CryptoErrorCode.BAD_SIGNATURE, `a compact signature is 64 bytes (r‖s), got ${describeLen(sig64)}`);
  }
  const body: number[] = [];
  derInt(sig64, 0, body);
  derInt(sig64, 32, body);
  const out = new Uint8Array(body.length + 2);
  out[0] = 0x30;
  out[1] = body.length;
  out.set(body, 2);
  return out;
}

/** "N bytes" or the type of a non-byte value, for error messages. */
export function describeLen(x: unknown): string {
  return x instanceof Uint8Array ? `${x.length} bytes` : `a ${x === null ? 'null' : typeof x}`;
}
