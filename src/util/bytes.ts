/**
 * Byte helpers shared by every layer. Bytes are always `Uint8Array`; hex is lower-case on output and
 * accepted in either case on input.
 */

const HEX = '0123456789abcdef';
const HEX_VALUES: Record<string, number> = {};
for (let i = 0; i < 16; i++) {
  HEX_VALUES[HEX[i]!] = i;
  HEX_VALUES[HEX[i]!.toUpperCase()] = i;
}

/** Lower-case hex of `b`. Example: `toHex(new Uint8Array([1, 255]))` is `'01ff'`. */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]! >> 4]! + HEX[b[i]! & 15]!;
  return s;
}

/** True when `s` is an even-length string of hex digits (the empty string included). */
export function isHex(s: unknown): s is string {
  return typeof s === 'string' && s.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(s);
}

/** Bytes of a hex string; throws `RangeError` on odd length or a non-hex digit (check with `isHex` first at a boundary). */
export function fromHex(s: string): Uint8Array {
  if (s.length % 2 !== 0) throw new RangeError(`hex string has odd length ${s.length}`);
  const out = new Uint8Array(s.length / 2);
  // Node's decoder stops at the first pair that is not hex; a short count sends us to the slow
  // loop below, which names the offset. (Its own array: never a view of Buffer's shared pool.)
  if (Buffer.from(out.buffer, out.byteOffset, out.length).write(s, 'hex') === out.length) return out;
  for (let i = 0; i < out.length; i++) {
    const hi = HEX_VALUES[s[2 * i]!];
    const lo = HEX_VALUES[s[2 * i + 1]!];
    if (hi === undefined || lo === undefined) throw new RangeError(`not a hex digit at offset ${2 * i}`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Concatenation of byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Byte-for-byte equality. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Unsigned lexicographic comparison: negative, zero or positive, like `Buffer.compare`. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** A reversed copy (for txid display order and back). */
export function reverseBytes(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b[b.length - 1 - i]!;
  return out;
}

/** UTF-8 bytes of a string. */
export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
