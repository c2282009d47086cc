/**
 * An append-only byte writer for the chain's binary formats (headers, certificates, blocks). Integers
 * are little-endian like Bitcoin's; variable lengths use Bitcoin's CompactSize, always minimal.
 */
import { CchostError } from '../../util/errors.ts';

/** Grows a buffer as values are appended. Example: `new ByteWriter().u32(7).bytes()` is `07000000`. */
export class ByteWriter {
  private buf: Uint8Array;
  private len = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Appends one byte (0..255). */
  u8(v: number): this {
    checkUint(v, 0xff, 'u8');
    this.reserve(1);
    this.buf[this.len++] = v;
    return this;
  }

  /** Appends an unsigned 32-bit little-endian integer. */
  u32(v: number): this {
    checkUint(v, 0xffffffff, 'u32');
    this.reserve(4);
    this.buf[this.len++] = v & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 24) & 0xff;
    return this;
  }

  /** Appends an unsigned 64-bit little-endian integer. */
  u64(v: bigint): this {
    if (v < 0n || v > 0xffffffffffffffffn) throw new CchostError('CODEC_RANGE', `u64 out of range: ${v}`);
    this.reserve(8);
    let x = v;
    for (let i = 0; i < 8; i++) {
      this.buf[this.len++] = Number(x & 0xffn);
      x >>= 8n;
    }
    return this;
  }

  /** Appends a minimal Bitcoin CompactSize (values up to 2^53 - 1). */
  varint(v: number): this {
    checkUint(v, Number.MAX_SAFE_INTEGER, 'varint');
    if (v < 0xfd) return this.u8(v);
    if (v <= 0xffff) {
      this.u8(0xfd);
      this.reserve(2);
      this.buf[this.len++] = v & 0xff;
      this.buf[this.len++] = (v >>> 8) & 0xff;
      return this;
    }
    if (v <= 0xffffffff) return this.u8(0xfe).u32(v);
    return this.u8(0xff).u64(BigInt(v));
  }

  /** Appends raw bytes; with `expectedLength`, asserts the length first (fixed-width fields). */
  raw(b: Uint8Array, expectedLength?: number): this {
    if (expectedLength !== undefined && b.length !== expectedLength) {
      throw new CchostError('CODEC_RANGE', `expected ${expectedLength} bytes, got ${b.length}`);
    }
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** Appends CompactSize(length) followed by the bytes. */
  varBytes(b: Uint8Array): this {
    return this.varint(b.length).raw(b);
  }

  /** Number of bytes written so far. */
  get length(): number {
    return this.len;
  }

  /** A copy of the bytes written. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function checkUint(v: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new CchostError('CODEC_RANGE', `${what} out of range: ${v}`);
  }
}
