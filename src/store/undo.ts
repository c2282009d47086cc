/**
 * The per-block undo record. Spent outputs stay in `txout` (marked with their spender), so undoing a
 * block only needs to know which rows it marked: the record lists, for each coin of
 * `BlockDelta.spent` in delta order, the creating transaction's txnum and the output index, as
 * unsigned LEB128 varints after a varint count (about 4–6 bytes per spent coin).
 */

/** A spent output named by the txnum of its transaction and its index. */
export interface OutputRef {
  readonly txnum: number;
  readonly vout: number;
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

function writeVarint(out: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    out[pos++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  out[pos++] = n;
  return pos;
}

/** Encodes an undo record. Example: `encodeUndo([{ txnum: 5, vout: 1 }])` is `01 05 01`. */
export function encodeUndo(refs: readonly OutputRef[]): Uint8Array {
  let size = varintSize(refs.length);
  for (const r of refs) size += varintSize(r.txnum) + varintSize(r.vout);
  const out = new Uint8Array(size);
  let pos = writeVarint(out, 0, refs.length);
  for (const r of refs) {
    pos = writeVarint(out, pos, r.txnum);
    pos = writeVarint(out, pos, r.vout);
  }
  return out;
}

/** Decodes an undo record; `null` if the bytes are not exactly one record. */
export function decodeUndo(bytes: Uint8Array): OutputRef[] | null {
  let pos = 0;
  const read = (): number | null => {
    let n = 0;
    let mul = 1;
    for (;;) {
      if (pos >= bytes.length || mul > 2 ** 49) return null;
      const b = bytes[pos++]!;
      n += (b & 0x7f) * mul;
      if (b < 0x80) return n;
      mul *= 0x80;
    }
  };
  const count = read();
  if (count === null || count > bytes.length) return null;
  const refs: OutputRef[] = [];
  for (let i = 0; i < count; i++) {
    const txnum = read();
    const vout = read();
    if (txnum === null || vout === null) return null;
    refs.push({ txnum, vout });
  }
  return pos === bytes.length ? refs : null;
}
