/**
 * Bitcoin's CompactSize, strictly: the reader rejects non-minimal forms (`FD 0100`, …) as the B10
 * codec requires; the writer always emits the minimal form.
 */

/** The minimal CompactSize of `n` (0 ≤ n < 2⁶⁴). Example: `writeCompactSize(253)` is `FD FD00`. */
export function writeCompactSize(n: number | bigint): Uint8Array {
  const v = BigInt(n);
  if (v < 0n || v >= 1n << 64n) throw new RangeError(`CompactSize out of range: ${v}`);
  if (v < 0xfdn) return Uint8Array.of(Number(v));
  const width = v <= 0xffffn ? 2 : v <= 0xffffffffn ? 4 : 8;
  const out = new Uint8Array(1 + width);
  out[0] = width === 2 ? 0xfd : width === 4 ? 0xfe : 0xff;
  let x = v;
  for (let i = 1; i <= width; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** A CompactSize read: its value and the position after it, or why it failed. */
export type CompactSizeRead =
  | { readonly ok: true; readonly value: bigint; readonly end: number }
  | { readonly ok: false; readonly reason: 'truncated' | 'non-minimal' };

/** Reads a CompactSize at `pos`, rejecting truncation and non-minimal encodings. Never throws. */
export function readCompactSize(buf: Uint8Array, pos: number): CompactSizeRead {
  if (pos >= buf.length) return { ok: false, reason: 'truncated' };
  const first = buf[pos]!;
  if (first < 0xfd) return { ok: true, value: BigInt(first), end: pos + 1 };
  const width = first === 0xfd ? 2 : first === 0xfe ? 4 : 8;
  if (pos + 1 + width > buf.length) return { ok: false, reason: 'truncated' };
  let v = 0n;
  for (let i = width; i >= 1; i--) v = (v << 8n) | BigInt(buf[pos + i]!);
  const min = width === 2 ? 0xfdn : width === 4 ? 0x10000n : 0x100000000n;
  if (v < min) return { ok: false, reason: 'non-minimal' };
  return { ok: true, value: v, end: pos + 1 + width };
}
