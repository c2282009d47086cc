/**
 * String codes the node's RPC methods raise themselves (the `rpc/` namespace of MODULES.md §1.6, in
 * `error.data.code`), the numeric error each maps to, and the table-wide mapping of lower layers'
 * codes (wallet, store, mempool) to bitcoind numbers.
 */
import type { TxError } from '../../chain/errors.ts';
import { WALLET_RPC_ERRORS } from '../../wallet/errors.ts';
import { StoreErrorCode } from '../../store/errors.ts';
import type { CchostError } from '../../util/errors.ts';
import { rpcError } from '../errors.ts';
import type { RpcErrorName } from '../errors.ts';

/** The node methods' own codes and their numeric errors. */
export const NODE_RPC_CODES = {
  /** No block with that hash (or height). */
  'rpc/BLOCK_NOT_FOUND': 'RPC_INVALID_ADDRESS_OR_KEY',
  /** No transaction with that txid in the mempool or the chain. */
  'rpc/TX_NOT_FOUND': 'RPC_INVALID_ADDRESS_OR_KEY',
  /** The transaction is not in the mempool. */
  'rpc/NOT_IN_MEMPOOL': 'RPC_INVALID_ADDRESS_OR_KEY',
  /** The output has no recorded spender. */
  'rpc/NO_SPENT_INFO': 'RPC_INVALID_ADDRESS_OR_KEY',
  /** A block height above the tip. */
  'rpc/HEIGHT_OUT_OF_RANGE': 'RPC_INVALID_PARAMETER',
  /** A block reference that is neither a 64-hex hash nor a height. */
  'rpc/BAD_BLOCK_REF': 'RPC_INVALID_PARAMETER',
  /** Raw transaction bytes that do not decode. */
  'rpc/TX_DECODE_FAILED': 'RPC_DESERIALIZATION_ERROR',
  /** The transaction is already confirmed. */
  'rpc/TX_ALREADY_IN_CHAIN': 'RPC_VERIFY_ALREADY_IN_CHAIN',
  /** Not a module OP_RETURN (eval code and function id). */
  'rpc/BAD_OPRET': 'RPC_INVALID_PARAMETER',
  /** A field of an object parameter is missing or invalid. */
  'rpc/BAD_FIELD': 'RPC_INVALID_PARAMETER',
  /** A field of an object parameter has the wrong JSON type. */
  'rpc/FIELD_WRONG_TYPE': 'RPC_TYPE_ERROR',
  /** The node runs without a wallet. */
  'rpc/NO_WALLET': 'RPC_METHOD_NOT_FOUND',
} as const satisfies Record<string, RpcErrorName>;

/** One of the node methods' codes. */
export type NodeRpcCode = keyof typeof NODE_RPC_CODES;

/** Throws-ready error for one of the node's codes. Example: `throw nodeRpcError('rpc/TX_NOT_FOUND', 'No such transaction', { txid })`. */
export function nodeRpcError(code: NodeRpcCode, message: string, details: Record<string, unknown> = {}): CchostError {
  return rpcError(NODE_RPC_CODES[code], code, message, details);
}

/** The failure of a transaction that does not decode: -22 with the decoder's code and offset. */
export function txDecodeError(e: TxError): CchostError {
  const { code: _code, message, ...rest } = e;
  return rpcError('RPC_DESERIALIZATION_ERROR', 'rpc/TX_DECODE_FAILED', `TX decode failed: ${message}`, { ...rest, decode_code: e.code });
}

/**
 * Lower-layer codes whose bitcoind number is not the prefix default: wallet codes (docs/wallet.md),
 * "already known" verdicts (-27, as bitcoind), store failures (-20). Passed as the table's `errorMap`.
 */
export const NODE_ERROR_MAP: Readonly<Record<string, RpcErrorName>> = Object.freeze({
  ...(WALLET_RPC_ERRORS as Readonly<Record<string, RpcErrorName>>),
  TX_ALREADY_KNOWN: 'RPC_VERIFY_ALREADY_IN_CHAIN',
  TX_ALREADY_IN_MEMPOOL: 'RPC_VERIFY_ALREADY_IN_CHAIN',
  ...Object.fromEntries(Object.values(StoreErrorCode).map((c) => [c, 'RPC_DATABASE_ERROR' as const])),
});
