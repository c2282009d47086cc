/**
 * Context-free block body checks (Core's CheckBlock): a coinbase first and only first, txRoot equal to
 * the merkle root of the txids and not a CVE-2012-2459 mutation, no duplicate txids, the serialized
 * size within `limits.maxBlockBytes`, and every transaction free of witness data and passing
 * `checkTransaction`. Each txid is
 * computed once (`txidOf`) and handed on to connection.
 */
import { equalBytes } from '../../util/bytes.ts';
import type { Result } from '../../util/errors.ts';
import { encodeHeader } from '../block/header.ts';
import type { Block } from '../block/types.ts';
import { checkTransaction, isCoinbase, legacyTxSize } from '../checkTransaction.ts';
import { TxErrorCode } from '../errors.ts';
import { merkleRoot } from '../merkle.ts';
import type { ChainSpec } from '../spec/types.ts';
import { displayTxid, txidKey } from '../state/key.ts';
import { txidOf } from '../state/txid.ts';
import { BlockRejectCode, blockReject } from './errors.ts';
import type { BlockRejection } from './errors.ts';

/** Bytes of a CompactSize for `n`. */
export function compactSizeLen(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9;
}

/** Serialized size of a block without serializing its transactions (header bytes + count + legacy sizes). */
export function blockSize(block: Block): number {
  let n = encodeHeader(block.header).length + compactSizeLen(block.txs.length);
  for (const tx of block.txs) n += legacyTxSize(tx);
  return n;
}

/** What the body checks computed. */
export interface BlockBody {
  /** Txids in block order (internal byte order). */
  readonly txids: readonly Uint8Array[];
  /** Serialized block size in bytes. */
  readonly size: number;
}

/**
 * Runs the context-free body checks. `blockBytes`, when the caller has the block's bytes, gives the
 * size without re-encoding. Example: `checkBlockBody(block, spec)` before connecting.
 */
export function checkBlockBody(block: Block, spec: ChainSpec, blockBytes?: Uint8Array): Result<BlockBody, BlockRejection> {
  const txs = block.txs;
  if (txs.length === 0 || !isCoinbase(txs[0]!)) {
    return blockReject(BlockRejectCode.NO_COINBASE, 'the first transaction of a block must be its coinbase', { reason: 'bad-cb-missing' });
  }
  const txids = txs.map(txidOf);
  const { root, mutated } = merkleRoot(txids);
  if (!equalBytes(root, block.header.txRoot)) {
    return blockReject(BlockRejectCode.BAD_TXROOT, 'txRoot does not match the merkle root of the transactions', { reason: 'bad-txnmrklroot' });
  }
  if (mutated) {
    return blockReject(BlockRejectCode.MUTATED, 'the transaction list repeats hashes in a way that gives the same txRoot as another list (CVE-2012-2459)', {
      reason: 'bad-txns-duplicate',
    });
  }
  const size = blockBytes !== undefined ? blockBytes.length : blockSize(block);
  if (size > spec.limits.maxBlockBytes) {
    return blockReject(BlockRejectCode.OVERSIZE, `the block is ${size} bytes; the chain allows ${spec.limits.maxBlockBytes}`, { reason: 'bad-blk-length' });
  }
  const seen = new Set<string>();
  for (let i = 0; i < txs.length; i++) {
    if (i > 0 && isCoinbase(txs[i]!)) {
      return blockReject(BlockRejectCode.MULTIPLE_COINBASE, `transaction ${i} is a second coinbase`, { reason: 'bad-cb-multiple', txIndex: i, txid: displayTxid(txids[i]!) });
    }
    const k = txidKey(txids[i]!);
    if (seen.has(k)) {
      return blockReject(BlockRejectCode.DUPLICATE_TX, `transaction ${i} repeats an earlier transaction`, { reason: 'bad-txns-duplicate', txIndex: i, txid: displayTxid(txids[i]!) });
    }
    seen.add(k);
  }
  for (let i = 0; i < txs.length; i++) {
    if (txs[i]!.hasWitnesses()) {
      const txError = { code: TxErrorCode.DECODE_SEGWIT, message: 'the transaction carries witness data; cchost transactions are legacy only' };
      return blockReject(BlockRejectCode.TX_INVALID, `transaction ${i}: ${txError.message}`, { txIndex: i, txid: displayTxid(txids[i]!), txError });
    }
    const r = checkTransaction(txs[i]!, { maxTxBytes: spec.limits.maxTxBytes });
    if (!r.ok) {
      return blockReject(BlockRejectCode.TX_INVALID, `transaction ${i}: ${r.error.message}`, {
        reason: r.error.reason,
        txIndex: i,
        txid: displayTxid(txids[i]!),
        txError: r.error,
      });
    }
  }
  return { ok: true, value: { txids, size } };
}
