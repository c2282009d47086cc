/**
 * Lookups shared by the node's methods: a block by hash or height (komodod accepts either in
 * `getblock`), a transaction by display txid in the mempool or the chain, and decoding of raw
 * transaction hex with bitcoind's errors.
 */
import type { Transaction } from 'bitcoinjs-lib';
import { decodeBlock } from '../../chain/block/block.ts';
import type { Block } from '../../chain/block/types.ts';
import { parseTransaction } from '../../chain/transaction.ts';
import { fromHex, reverseBytes } from '../../util/bytes.ts';
import type { NodeContext } from './context.ts';
import { nodeRpcError, txDecodeError } from './errors.ts';

/** A stored block, decoded. */
export interface FoundBlock {
  readonly height: number;
  readonly id: Uint8Array;
  readonly bytes: Uint8Array;
  readonly block: Block;
}

/** The height a `blockhash` parameter names: a 64-hex block id or a decimal height. Throws -5 / -8. */
export function blockHeightOf(node: NodeContext, ref: string, param: string): { height: number; id: Uint8Array } {
  if (/^[0-9a-fA-F]{64}$/.test(ref)) {
    const h = node.store.getHeader(fromHex(ref));
    if (h === undefined) throw nodeRpcError('rpc/BLOCK_NOT_FOUND', 'Block not found', { param, blockhash: ref.toLowerCase() });
    return { height: h.height, id: h.id };
  }
  if (/^\d{1,10}$/.test(ref)) {
    const height = Number(ref);
    const tip = node.tip().height;
    if (height > tip) throw nodeRpcError('rpc/HEIGHT_OUT_OF_RANGE', `Invalid parameter '${param}': block height ${height} out of range (tip ${tip})`, { param, height, tip });
    const h = node.store.getHeader(height);
    if (h === undefined) throw nodeRpcError('rpc/BLOCK_NOT_FOUND', 'Block not found', { param, height });
    return { height, id: h.id };
  }
  throw nodeRpcError('rpc/BAD_BLOCK_REF', `Invalid parameter '${param}': expected a block hash (64 hex digits) or a height, got '${ref.slice(0, 80)}'`, {
    param,
  });
}

/** The block a `blockhash` parameter names, decoded. */
export function findBlock(node: NodeContext, ref: string, param: string): FoundBlock {
  const { height, id } = blockHeightOf(node, ref, param);
  const stored = node.store.getBlockByHeight(height);
  if (stored === undefined) throw nodeRpcError('rpc/BLOCK_NOT_FOUND', 'Block not found', { param, height });
  const d = decodeBlock(stored.bytes);
  if (!d.ok) throw new Error(`stored block ${height} does not decode: ${d.error.message}`);
  return { height, id, bytes: stored.bytes, block: d.value };
}

/** Internal-order txid of a display-order txid parameter. */
export function internalTxid(displayOrder: Uint8Array): Uint8Array {
  return reverseBytes(displayOrder);
}

/** Decodes raw transaction bytes; -22 with the decoder's code and offset when they do not decode. */
export function decodeRawTx(bytes: Uint8Array): Transaction {
  const r = parseTransaction(bytes);
  if (!r.ok) throw txDecodeError(r.error);
  return r.value;
}
