/**
 * Error codes of the block codec. Decoders return them in a `Result` and never throw on any input.
 */
import type { ReaderCodes } from '../codec/reader.ts';

/** The codes block and header decoding report. */
export const BlockErrorCode = {
  /** The input ends before the header or block does. */
  TRUNCATED: 'BLOCK_TRUNCATED',
  /** Bytes follow a complete header or block. */
  TRAILING_BYTES: 'BLOCK_TRAILING_BYTES',
  /** The input is larger than the size limit the caller passed. */
  TOO_LARGE: 'BLOCK_TOO_LARGE',
  /** A CompactSize is not minimal, or an optional list is present but empty. */
  NONCANONICAL: 'BLOCK_NONCANONICAL',
  /** A length or count exceeds its bound (names, schedules, evidence, bitmaps). */
  LIMIT: 'BLOCK_LIMIT',
  /** The header format byte is not 1. */
  BAD_FORMAT: 'BLOCK_BAD_FORMAT',
  /** The optional-fields flag byte has unknown bits set. */
  BAD_FLAGS: 'BLOCK_BAD_FLAGS',
  /** A producer name is not lower-case ASCII of the `NAME_RE` form. */
  BAD_NAME: 'BLOCK_BAD_NAME',
  /** A QC phase byte is neither 1 (PREPARE) nor 2 (COMMIT). */
  BAD_PHASE: 'BLOCK_BAD_PHASE',
  /** A transaction does not parse as a legacy Bitcoin transaction. */
  BAD_TX: 'BLOCK_BAD_TX',
  /** A transaction parses but does not re-serialize to the same bytes (witness marker, odd encodings). */
  TX_NONCANONICAL: 'BLOCK_TX_NONCANONICAL',
  /** A value given to an encoder is out of range or inconsistent (a programming error; thrown). */
  ENCODE_INVALID: 'BLOCK_ENCODE_INVALID',
} as const;

/** One of the block codec's error codes. */
export type BlockErrorCode = (typeof BlockErrorCode)[keyof typeof BlockErrorCode];

/** Reader codes for the block formats. */
export const BLOCK_READER_CODES: ReaderCodes = {
  truncated: BlockErrorCode.TRUNCATED,
  nonCanonical: BlockErrorCode.NONCANONICAL,
  limit: BlockErrorCode.LIMIT,
};
