/**
 * Error codes of transaction decoding and the context-free transaction checks (Core's
 * `CheckTransaction`). Each failure is data: `{ code, message, reason?, input?, output?, offset? }`,
 * where `reason` is Core's reject string (`bad-txns-vin-empty`, ...) for RPC compatibility.
 */
import type { ReaderCodes } from './codec/reader.ts';

/** The codes `parseTransaction` and `checkTransaction` report. */
export const TxErrorCode = {
  /** The bytes end before the transaction does. */
  DECODE_TRUNCATED: 'TX_DECODE_TRUNCATED',
  /** A CompactSize count or length is not minimally encoded (Core rejects these too). */
  DECODE_NONCANONICAL: 'TX_DECODE_NONCANONICAL',
  /** A count or length is larger than the input could possibly hold. */
  DECODE_LIMIT: 'TX_DECODE_LIMIT',
  /** The bytes use the segwit serialization (marker 00, flag 01 after the version); cchost has no segwit. */
  DECODE_SEGWIT: 'TX_DECODE_SEGWIT',
  /** Bytes follow a complete transaction. */
  DECODE_TRAILING: 'TX_DECODE_TRAILING',
  /** The input is not bytes, or bitcoinjs-lib rejected a structurally complete transaction. */
  DECODE_MALFORMED: 'TX_DECODE_MALFORMED',
  /** The transaction has no inputs (bad-txns-vin-empty). */
  VIN_EMPTY: 'TX_VIN_EMPTY',
  /** The transaction has no outputs (bad-txns-vout-empty). */
  VOUT_EMPTY: 'TX_VOUT_EMPTY',
  /** The legacy serialization is larger than the size limit (bad-txns-oversize). */
  OVERSIZE: 'TX_OVERSIZE',
  /** An output value is negative (bad-txns-vout-negative). */
  VOUT_NEGATIVE: 'TX_VOUT_NEGATIVE',
  /** An output value is above MAX_MONEY (bad-txns-vout-toolarge). */
  VOUT_TOOLARGE: 'TX_VOUT_TOOLARGE',
  /** The running total of output values exceeds MAX_MONEY (bad-txns-txouttotal-toolarge). */
  TXOUTTOTAL_TOOLARGE: 'TX_TXOUTTOTAL_TOOLARGE',
  /** Two inputs spend the same outpoint (bad-txns-inputs-duplicate; CVE-2018-17144). */
  INPUTS_DUPLICATE: 'TX_INPUTS_DUPLICATE',
  /** A coinbase scriptSig is shorter than 2 or longer than 100 bytes (bad-cb-length). */
  CB_LENGTH: 'TX_CB_LENGTH',
  /** A non-coinbase input spends the null outpoint (bad-txns-prevout-null). */
  PREVOUT_NULL: 'TX_PREVOUT_NULL',
} as const;

/** One of the transaction error codes. */
export type TxErrorCode = (typeof TxErrorCode)[keyof typeof TxErrorCode];

/** A transaction decoding or checking failure. */
export interface TxError {
  readonly code: TxErrorCode;
  readonly message: string;
  /** Core's reject reason, for the context-free checks. */
  readonly reason?: string;
  /** Index of the offending input. */
  readonly input?: number;
  /** Index of the offending output. */
  readonly output?: number;
  /** Byte offset of a decoding failure. */
  readonly offset?: number;
  readonly [key: string]: unknown;
}

/** Reader codes for transaction decoding. */
export const TX_READER_CODES: ReaderCodes = {
  truncated: TxErrorCode.DECODE_TRUNCATED,
  nonCanonical: TxErrorCode.DECODE_NONCANONICAL,
  limit: TxErrorCode.DECODE_LIMIT,
};
