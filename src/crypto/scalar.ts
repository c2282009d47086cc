/**
 * secp256k1 constants and the few scalar helpers the facade needs (bigint arithmetic mod the group
 * order n, 32-byte big-endian conversions). Not constant-time: used for verification, for parsing and
 * for the rare signing paths that tiny-secp256k1 does not cover.
 */

/** The group order n. */
export const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
/** n / 2 (floor): the largest low-S value. */
export const HALF_N = N >> 1n;
/** The field prime p. */
export const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;

/** n as 32 big-endian bytes. */
export const N_BYTES: Uint8Array = bigToBytes32(N);
/** n / 2 as 32 big-endian bytes. */
export const HALF_N_BYTES: Uint8Array = bigToBytes32(HALF_N);
/** p as 32 big-endian bytes. */
export const P_BYTES: Uint8Array = bigToBytes32(P);

/** Compares the 32 bytes of `a` starting at `off` with the 32-byte big-endian number `b`: -1, 0 or 1. */
export function cmp32(a: Uint8Array, off: number, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const x = a[off + i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** True when the 32 bytes of `a` at `off` are all zero. */
export function isZero32(a: Uint8Array, off: number): boolean {
  for (let i = 0; i < 32; i++) if (a[off + i] !== 0) return false;
  return true;
}

/** The unsigned big-endian integer value of `b`. */
export function bytesToBig(b: Uint8Array): bigint {
  let x = 0n;
  for (let i = 0; i < b.length; i++) x = (x << 8n) | BigInt(b[i]!);
  return x;
}

/** `x` (0 ≤ x < 2^256) as 32 big-endian bytes. */
export function bigToBytes32(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** `x mod n` in 0..n-1. */
export function modN(x: bigint): bigint {
  const r = x % N;
  return r < 0n ? r + N : r;
}
