/**
 * A bounds-checked byte reader for the chain's binary formats. Every read that would run past the end,
 * or meet a non-minimal CompactSize or a length above its bound, throws a `DecodeFailure`; the public
 * decoders catch exactly that class and return it as a typed `Result` error, so no input can escape as
 * an untyped exception.
 */

/** Thrown inside decoders only; carries the stable error code the decoder reports. */
export class DecodeFailure extends Error {
  readonly code: string;
  readonly offset: number;

  constructor(code: string, message: string, offset: number) {
    super(message);
    this.name = 'DecodeFailure';
    this.code = code;
    this.offset = offset;
  }
}

/** The codes a reader reports for its three structural failures. */
export interface ReaderCodes {
  readonly truncated: string;
  readonly nonCanonical: string;
  readonly limit: string;
}

/** Generic codes, for formats that have no namespace of their own. */
export const CODEC_CODES: ReaderCodes = {
  truncated: 'CODEC_TRUNCATED', // the input ends before the value does
  nonCanonical: 'CODEC_NONCANONICAL', // a CompactSize is not minimally encoded
  limit: 'CODEC_LIMIT', // a length or count exceeds its bound
};

/** Reads values front to back. Example: `new ByteReader(b).u32()`. */
export class ByteReader {
  private pos = 0;

  /** `codes` names the error codes this reader reports (each format uses its own namespace). */
  constructor(
    private readonly buf: Uint8Array,
    private readonly codes: ReaderCodes = CODEC_CODES,
  ) {}

  /** Current offset. */
  get offset(): number {
    return this.pos;
  }

  /** Bytes left. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** Throws a `DecodeFailure` with `code` at the current offset. */
  fail(code: string, message: string): never {
    throw new DecodeFailure(code, `${message} (at byte ${this.pos})`, this.pos);
  }

  private need(n: number): void {
    if (this.buf.length - this.pos < n) {
      this.fail(this.codes.truncated, `input ends early: need ${n} more bytes, ${this.buf.length - this.pos} left`);
    }
  }

  /** One byte. */
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  /** Unsigned 32-bit little-endian. */
  u32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000;
  }

  /** Unsigned 64-bit little-endian as a bigint. */
  u64(): bigint {
    const lo = BigInt(this.u32());
    const hi = BigInt(this.u32());
    return (hi << 32n) | lo;
  }

  /** A minimal CompactSize no greater than `max`. */
  varint(max: number): number {
    const first = this.u8();
    let v: number;
    if (first < 0xfd) return this.bound(first, max);
    if (first === 0xfd) {
      this.need(2);
      v = this.buf[this.pos]! | (this.buf[this.pos + 1]! << 8);
      this.pos += 2;
      if (v < 0xfd) this.fail(this.codes.nonCanonical, 'non-minimal CompactSize');
    } else if (first === 0xfe) {
      v = this.u32();
      if (v <= 0xffff) this.fail(this.codes.nonCanonical, 'non-minimal CompactSize');
    } else {
      const big = this.u64();
      if (big <= 0xffffffffn) this.fail(this.codes.nonCanonical, 'non-minimal CompactSize');
      if (big > BigInt(max)) this.fail(this.codes.limit, `length ${big} exceeds the limit ${max}`);
      v = Number(big);
    }
    return this.bound(v, max);
  }

  /** Exactly `n` bytes (a copy, so the result does not alias the input). */
  raw(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** CompactSize length (≤ `max`) followed by that many bytes. */
  varBytes(max: number): Uint8Array {
    return this.raw(this.varint(max));
  }

  /** Skips `n` bytes. */
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /** A copy of the bytes from offset `start` up to the current offset. */
  since(start: number): Uint8Array {
    return this.buf.slice(start, this.pos);
  }

  /** A view (no copy) of the bytes from offset `start` up to the current offset. */
  viewSince(start: number): Uint8Array {
    return this.buf.subarray(start, this.pos);
  }

  /** A view of the next `n` bytes without consuming them. */
  peek(n: number): Uint8Array {
    this.need(n);
    return this.buf.subarray(this.pos, this.pos + n);
  }

  /** Fails with `code` unless the input is fully consumed. */
  end(code: string): void {
    if (this.pos !== this.buf.length) this.fail(code, `${this.buf.length - this.pos} trailing bytes`);
  }

  /** Fails with the reader's limit code when `v` exceeds `max`; returns `v`. */
  bound(v: number, max: number, what = 'length'): number {
    if (v > max) this.fail(this.codes.limit, `${what} ${v} exceeds the limit ${max}`);
    return v;
  }
}
