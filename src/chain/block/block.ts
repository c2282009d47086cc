/**
 * Binary form of blocks: header ‖ CompactSize txCount ‖ transactions, each in Bitcoin's legacy
 * serialization (no segwit marker; DESIGN.md §3). Transactions are parsed with bitcoinjs-lib and must
 * re-serialize to exactly the bytes read, so a block has one encoding and its txids match its bytes.
 */
import { Transaction } from 'bitcoinjs-lib';
import { CchostError, err, ok } from '../../util/errors.ts';
import type { Result } from '../../util/errors.ts';
import { equalBytes } from '../../util/bytes.ts';
import { knownTxBytes, rememberTxBytes } from '../state/txid.ts';
import { ByteReader, DecodeFailure } from '../codec/reader.ts';
import { ByteWriter } from '../codec/writer.ts';
import { ABSOLUTE_MAX_BLOCK_BYTES } from '../params.ts';
import { BLOCK_READER_CODES, BlockErrorCode } from './errors.ts';
import { readHeader, writeHeader } from './header.ts';
import type { Block } from './types.ts';

/** Smallest legacy transaction: version, 0 inputs, 0 outputs, locktime. */
const MIN_TX_BYTES = 10;

/** Options of `decodeBlock`. */
export interface DecodeBlockOptions {
  /** Reject inputs longer than this (the chain's `limits.maxBlockBytes`); default 32 MiB. */
  readonly maxBytes?: number;
}

/** Legacy bytes of a transaction; throws `BLOCK_ENCODE_INVALID` for a transaction with witnesses. */
export function legacyTxBytes(tx: Transaction): Uint8Array {
  const known = knownTxBytes(tx);
  if (known !== undefined) return known;
  if (tx.hasWitnesses()) {
    throw new CchostError(BlockErrorCode.ENCODE_INVALID, 'transactions carry no witness data on this chain (legacy serialization only)');
  }
  return tx.toBuffer();
}

/** Serializes a block. Example: `decodeBlock(encodeBlock(b))` gives back an equal block. */
export function encodeBlock(block: Block): Uint8Array {
  const w = new ByteWriter(1024);
  writeHeader(w, block.header);
  w.varint(block.txs.length);
  for (const tx of block.txs) w.raw(legacyTxBytes(tx));
  return w.bytes();
}

/** Skips one legacy transaction structurally and returns a view of its bytes (`Transaction.fromBuffer` copies what it keeps). */
function scanTx(r: ByteReader): Uint8Array {
  const start = r.offset;
  r.skip(4); // version
  const nIn = r.varint(Math.floor(r.remaining / 41));
  for (let i = 0; i < nIn; i++) {
    r.skip(36); // prevout
    r.skip(r.varint(r.remaining)); // scriptSig
    r.skip(4); // sequence
  }
  const nOut = r.varint(Math.floor(r.remaining / 9));
  for (let i = 0; i < nOut; i++) {
    r.skip(8); // value
    r.skip(r.varint(r.remaining)); // scriptPubKey
  }
  r.skip(4); // locktime
  return r.viewSince(start);
}

/**
 * Whether bitcoinjs-lib reads `bytes` as a segwit transaction: a zero input count (the marker)
 * followed by a byte 0x01 (the flag). Any other bytes it parses exactly as `scanTx` walked them.
 */
function segwitShaped(bytes: Uint8Array): boolean {
  return bytes[4] === 0x00 && bytes[5] === 0x01;
}

/**
 * Parses one transaction from exactly `bytes`, requiring the canonical legacy form. `scanTx` has
 * already refused non-minimal CompactSizes (`BLOCK_NONCANONICAL`), and every other legacy field
 * (fixed-width integers, raw hashes and scripts) re-serializes to the bytes it was read from, so a
 * legacy-shaped transaction is canonical without re-serializing it. Only segwit-shaped bytes, which
 * the parser reads differently from the scan, are re-serialized and compared.
 */
function parseTx(r: ByteReader, bytes: Uint8Array, index: number): Transaction {
  let tx: Transaction;
  try {
    tx = Transaction.fromBuffer(bytes);
  } catch (e) {
    r.fail(BlockErrorCode.BAD_TX, `transaction ${index} does not parse: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (segwitShaped(bytes) && (tx.hasWitnesses() || !equalBytes(tx.toBuffer(), bytes))) {
    r.fail(BlockErrorCode.TX_NONCANONICAL, `transaction ${index} is not in canonical legacy serialization`);
  }
  // The bytes are the canonical serialization, so their double SHA-256 is the txid: no second pass.
  rememberTxBytes(tx, bytes);
  return tx;
}

/**
 * Parses a block that fills `bytes` exactly. Never throws; errors carry `BLOCK_*` codes, the byte
 * offset and, for transaction errors, the transaction's index in the message.
 */
export function decodeBlock(bytes: Uint8Array, opts: DecodeBlockOptions = {}): Result<Block> {
  const maxBytes = Math.min(opts.maxBytes ?? ABSOLUTE_MAX_BLOCK_BYTES, ABSOLUTE_MAX_BLOCK_BYTES);
  if (bytes.length > maxBytes) {
    return err({ code: BlockErrorCode.TOO_LARGE, message: `block is ${bytes.length} bytes, the limit is ${maxBytes}`, offset: 0 });
  }
  const r = new ByteReader(bytes, BLOCK_READER_CODES);
  try {
    const header = readHeader(r);
    const n = r.varint(Math.floor(r.remaining / MIN_TX_BYTES));
    const txs: Transaction[] = [];
    for (let i = 0; i < n; i++) txs.push(parseTx(r, scanTx(r), i));
    r.end(BlockErrorCode.TRAILING_BYTES);
    return ok({ header, txs });
  } catch (e) {
    if (e instanceof DecodeFailure) return err({ code: e.code, message: `block: ${e.message}`, offset: e.offset });
    throw e;
  }
}
