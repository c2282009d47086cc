/**
 * The subtypes mask and its BIT STRING form (CC.md A3.4): bit i means type id i, counted from the
 * most significant bit of the first content byte, trailing zero bytes dropped, the unused-bits count
 * `7 − maxId mod 8`; the empty mask is `07 00` as both reference implementations emit it.
 */
import { CCErrorCode, fail } from './errors.ts';
import { KNOWN_TYPES_MASK, TYPES } from './types.ts';

/** BIT STRING contents (unused-bits byte first) of a mask. Example: {secp256k1, eval} → `00 04 01`. */
export function subtypesContents(mask: number): Uint8Array {
  if (mask === 0) return Uint8Array.of(7, 0);
  const maxId = 31 - Math.clz32(mask);
  const n = (maxId >> 3) + 1;
  const out = new Uint8Array(n + 1);
  out[0] = 7 - (maxId & 7);
  for (let i = 0; i <= maxId; i++) if (mask & (1 << i)) out[1 + (i >> 3)]! |= 0x80 >> (i & 7);
  return out;
}

/**
 * The mask denoted by BIT STRING contents `buf[start..end)`, which must be byte-identical to
 * `subtypesContents(mask)` and set only known type ids (A6.5).
 */
export function readSubtypes(buf: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n < 2 || n > 3) fail(CCErrorCode.PARSE, 'A6.5', `subtypes BIT STRING of ${n} content bytes is not canonical`, start);
  let mask = 0;
  for (let i = 1; i < n; i++) {
    const byte = buf[start + i]!;
    for (let b = 0; b < 8; b++) if (byte & (0x80 >> b)) mask |= 1 << ((i - 1) * 8 + b);
  }
  const canon = subtypesContents(mask);
  let same = canon.length === n;
  for (let i = 0; same && i < n; i++) same = canon[i] === buf[start + i];
  if (!same) fail(CCErrorCode.PARSE, 'A6.5', 'subtypes BIT STRING is not the canonical encoding of its mask', start);
  if (mask & ~KNOWN_TYPES_MASK) fail(CCErrorCode.PARSE, 'A6.5', 'subtypes name an unknown type id', start);
  return mask;
}

/** The type names of a mask in type-id order. Example: 0x8020 → `['secp256k1-sha-256', 'eval-sha-256']`. */
export function maskNames(mask: number): string[] {
  return TYPES.filter((t) => mask & (1 << t.id)).map((t) => t.name);
}
