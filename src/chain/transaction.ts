/**
 * Decoding legacy transactions: a typed wrapper over bitcoinjs-lib's `Transaction.fromBuffer`. The
 * bytes are first walked with the chain's bounds-checked reader, so every failure is a typed error:
 * truncation, non-minimal CompactSize (which Core rejects and bitcoinjs accepts), the segwit
 * serialization (cchost has none) and trailing bytes.
 */
import { Transaction } from 'bitcoinjs-lib';
import type { Result } from '../util/errors.ts';
import { rememberTxBytes } from './state/txid.ts';
import { ByteReader, DecodeFailure } from './codec/reader.ts';
import { TX_READER_CODES, TxErrorCode } from './errors.ts';
import type { TxError } from './errors.ts';

export { Transaction };

/** Walks a legacy transaction; throws `DecodeFailure` on the first structural problem. */
function scan(bytes: Uint8Array): void {
  const r = new ByteReader(bytes, TX_READER_CODES);
  const max = bytes.length;
  r.u32(); // version
  if (bytes.length >= 6 && bytes[4] === 0x00 && bytes[5] === 0x01) {
    r.fail(
      TxErrorCode.DECODE_SEGWIT,
      'segwit serialization (marker 00, flag 01 after the version); cchost transactions use the legacy format ' +
        '(a transaction with no inputs and one output reads the same way, and has no inputs anyway)',
    );
  }
  const nIn = r.varint(max);
  for (let i = 0; i < nIn; i++) {
    r.skip(36); // prevout
    r.skip(r.varint(max)); // scriptSig
    r.u32(); // sequence
  }
  const nOut = r.varint(max);
  for (let i = 0; i < nOut; i++) {
    r.skip(8); // value
    r.skip(r.varint(max)); // scriptPubKey
  }
  r.u32(); // locktime
  r.end(TxErrorCode.DECODE_TRAILING);
}

/**
 * Parses a legacy (non-segwit) transaction. Never throws: malformed bytes give a `TX_DECODE_*` error
 * with the byte offset.
 * Example: `const r = parseTransaction(fromHex(hex)); if (r.ok) r.value.getId()`.
 */
export function parseTransaction(bytes: Uint8Array): Result<Transaction, TxError> {
  if (!(bytes instanceof Uint8Array)) {
    return { ok: false, error: { code: TxErrorCode.DECODE_MALFORMED, message: 'a transaction must be given as bytes' } };
  }
  try {
    scan(bytes);
  } catch (e) {
    if (e instanceof DecodeFailure) {
      return { ok: false, error: { code: e.code as TxErrorCode, message: `transaction: ${e.message}`, offset: e.offset } };
    }
    return { ok: false, error: { code: TxErrorCode.DECODE_MALFORMED, message: `transaction: ${String(e)}` } };
  }
  try {
    const tx = Transaction.fromBuffer(bytes);
    // The scan refused the segwit form and non-minimal CompactSizes, so `bytes` is the canonical
    // serialization: `txidOf` hashes it and block encoding copies it. A view into a larger buffer is
    // copied so it does not pin that buffer.
    rememberTxBytes(tx, bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice());
    return { ok: true, value: tx };
  } catch (e) {
    return {
      ok: false,
      error: { code: TxErrorCode.DECODE_MALFORMED, message: `transaction: ${e instanceof Error ? e.message : String(e)}` },
    };
  }
}
