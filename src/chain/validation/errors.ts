/**
 * Rejection codes of contextual transaction validation, mempool acceptance and block validation.
 * A rejection is data: `{code, message, ...}` with the fields needed to act on it (`input`, `output`,
 * `outpoint`, `evalCode`, `module`, `conflictingTxid`, ...). Txids inside rejections are display hex
 * (reversed, as RPC prints them). `reason` carries Bitcoin Core's reject string where one exists, for
 * bitcoind-compatible RPC messages. The context-free codes of `checkTransaction` (`TX_VIN_EMPTY`, ...,
 * src/chain/errors.ts) pass through unchanged.
 */
import type { ErrorData } from '../../util/errors.ts';
import type { TxErrorCode } from '../errors.ts';

/** Codes of contextual and mempool transaction rejections. */
export const TxRejectCode = {
  /** An input's outpoint is not an unspent coin in the view (bad-txns-inputs-missingorspent); names the outpoint. */
  MISSING_INPUTS: 'TX_MISSING_INPUTS',
  /** An input spends a block reward before `coinbaseMaturity` blocks have passed (bad-txns-premature-spend-of-coinbase). */
  PREMATURE_SPEND_OF_COINBASE: 'TX_PREMATURE_SPEND_OF_COINBASE',
  /** A spent coin's value, or the running input total, is outside 0..MAX_MONEY (bad-txns-inputvalues-outofrange). */
  INPUT_VALUES_OUT_OF_RANGE: 'TX_INPUT_VALUES_OUT_OF_RANGE',
  /** The outputs are worth more than the inputs (bad-txns-in-belowout). */
  IN_BELOWOUT: 'TX_IN_BELOWOUT',
  /** The lock time is not yet reached at this height / block time, and some input is not final (bad-txns-nonfinal). */
  NONFINAL: 'TX_NONFINAL',
  /** A BIP68 relative lock (version ≥ 2) is not yet satisfied (non-BIP68-final). */
  NONFINAL_SEQUENCE: 'TX_NONFINAL_SEQUENCE',
  /** An input script fails under the consensus flags (mandatory-script-verify-flag-failed); `scriptError` names why. */
  SCRIPT_FAILED: 'TX_SCRIPT_FAILED',
  /** An input script fails only under the mempool's extra standardness flags (non-mandatory-script-verify-flag). */
  SCRIPT_POLICY: 'TX_SCRIPT_POLICY',
  /** The CC host rejected the transaction: a module verdict (`ccCode` = `<name>/<CODE>`) or a B7 output rule (CC_OUTPUT, ...). */
  CC_REJECTED: 'TX_CC_REJECTED',
  /** The CC host adapter threw or returned something malformed; the transaction is rejected (fail closed). */
  CC_HOST_ERROR: 'TX_CC_HOST_ERROR',
  /** The transaction creates CC outputs while the CC flag is on, but no CC host is configured (fail closed). */
  CC_NO_HOST: 'TX_CC_NO_HOST',
  /** A coinbase was offered to the mempool (coinbase). */
  COINBASE: 'TX_COINBASE',
  /** Mempool policy refuses the transaction; `reason` says which rule (version, tx-size, scriptsig-size, ...). */
  NONSTANDARD: 'TX_NONSTANDARD',
  /** The transaction is already in the mempool (txn-already-in-mempool). */
  ALREADY_IN_MEMPOOL: 'TX_ALREADY_IN_MEMPOOL',
  /** The transaction is already confirmed: its inputs are spent and its outputs exist in the chain (txn-already-known). */
  ALREADY_KNOWN: 'TX_ALREADY_KNOWN',
  /** An input is already spent by another mempool transaction (txn-mempool-conflict); names `conflictingTxid`. */
  MEMPOOL_CONFLICT: 'TX_MEMPOOL_CONFLICT',
  /** The fee is below the chain's minimum relay fee for the transaction's size (min relay fee not met). */
  MIN_RELAY_FEE: 'TX_MIN_RELAY_FEE',
  /** The mempool is full and the fee rate does not beat what was evicted (mempool full). */
  MEMPOOL_FULL: 'TX_MEMPOOL_FULL',
  /** Too many or too large unconfirmed ancestors or descendants (too-long-mempool-chain). */
  TOO_LONG_MEMPOOL_CHAIN: 'TX_TOO_LONG_MEMPOOL_CHAIN',
} as const;

/** One of the contextual/mempool rejection codes. */
export type TxRejectCode = (typeof TxRejectCode)[keyof typeof TxRejectCode];

/** A transaction rejection (contextual, mempool, or a context-free `TxErrorCode`). */
export interface TxRejection extends ErrorData {
  readonly code: TxRejectCode | TxErrorCode;
  readonly message: string;
  /** Core's reject string, when there is one. */
  readonly reason?: string;
  /** Index of the offending input. */
  readonly input?: number;
  /** Index of the offending output. */
  readonly output?: number;
  /** `txid:vout` (display txid) of a missing or conflicting input. */
  readonly outpoint?: string;
  /** Display txid of the mempool transaction that already spends the outpoint. */
  readonly conflictingTxid?: string;
  /** The script error name (`EVAL_FALSE`, `CC_SIG`, ...) for script failures. */
  readonly scriptError?: string;
  /** The CC host's code: `CC_OUTPUT`, `CC_MODULE_THREW`, ... or a module's `<name>/<CODE>`. */
  readonly ccCode?: string;
  /** Eval code of the module concerned. */
  readonly evalCode?: number;
  /** Name of the module concerned. */
  readonly module?: string;
}

/** Codes of block validation (header, body and connection). */
export const BlockRejectCode = {
  /** The header's chain id is not this chain's. */
  WRONG_CHAIN: 'BLOCK_WRONG_CHAIN',
  /** num ≠ parent.num + 1. */
  BAD_HEIGHT: 'BLOCK_BAD_HEIGHT',
  /** The header's parent id is not the expected parent. */
  BAD_PARENT: 'BLOCK_BAD_PARENT',
  /** slot ≤ parent slot. */
  BAD_SLOT: 'BLOCK_BAD_SLOT',
  /** slot is later than the caller's `maxSlot` (now_slot + 1; time passed in). */
  SLOT_IN_FUTURE: 'BLOCK_SLOT_IN_FUTURE',
  /** The header names a producer other than the one scheduled for its slot. */
  WRONG_PRODUCER: 'BLOCK_WRONG_PRODUCER',
  /** activeVersion / pendingVersion differ from the schedule state. */
  BAD_SCHEDULE_VERSION: 'BLOCK_BAD_SCHEDULE_VERSION',
  /** The BIP-340 producer signature does not verify under the scheduled producer's key. */
  BAD_SIGNATURE: 'BLOCK_BAD_SIGNATURE',
  /** ancestorsRoot is not the MMR root of the ids of blocks 0..num-1. */
  BAD_ANCESTORS_ROOT: 'BLOCK_BAD_ANCESTORS_ROOT',
  /** stateRoot is not 32 zero bytes (no UTXO commitment is defined yet). */
  BAD_STATE_ROOT: 'BLOCK_BAD_STATE_ROOT',
  /** No transactions, or the first is not a coinbase (bad-cb-missing). */
  NO_COINBASE: 'BLOCK_NO_COINBASE',
  /** A coinbase appears after the first transaction (bad-cb-multiple). */
  MULTIPLE_COINBASE: 'BLOCK_MULTIPLE_COINBASE',
  /** txRoot does not match the transactions (bad-txnmrklroot). */
  BAD_TXROOT: 'BLOCK_BAD_TXROOT',
  /** The transaction list is a CVE-2012-2459 mutation (repeated tail hashes; bad-txns-duplicate). */
  MUTATED: 'BLOCK_MUTATED',
  /** Two transactions have the same txid. */
  DUPLICATE_TX: 'BLOCK_DUPLICATE_TX',
  /** The serialized block is larger than the chain's `limits.maxBlockBytes`. */
  OVERSIZE: 'BLOCK_OVERSIZE',
  /** The coinbase scriptSig does not start with the block height (BIP34; bad-cb-height). */
  BAD_CB_HEIGHT: 'BLOCK_BAD_CB_HEIGHT',
  /** The coinbase pays more than reward(height) + fees (bad-cb-amount). */
  BAD_CB_AMOUNT: 'BLOCK_BAD_CB_AMOUNT',
  /** The fees of the block add up to more than MAX_MONEY (bad-txns-accumulated-fee-outofrange). */
  FEES_OUT_OF_RANGE: 'BLOCK_FEES_OUT_OF_RANGE',
  /** A transaction is invalid; `txIndex`, `txid` and `txError` (its rejection) say which and why. */
  TX_INVALID: 'BLOCK_TX_INVALID',
} as const;

/** One of the block rejection codes. */
export type BlockRejectCode = (typeof BlockRejectCode)[keyof typeof BlockRejectCode];

/** A block rejection. */
export interface BlockRejection extends ErrorData {
  readonly code: BlockRejectCode;
  readonly message: string;
  readonly reason?: string;
  /** Index of the offending transaction in the block. */
  readonly txIndex?: number;
  /** Display txid of the offending transaction. */
  readonly txid?: string;
  /** The transaction's own rejection (for BLOCK_TX_INVALID). */
  readonly txError?: TxRejection;
}

/** A failed `Result` carrying a transaction rejection. */
export function txReject(code: TxRejectCode | TxErrorCode, message: string, extra: Omit<Partial<TxRejection>, 'code' | 'message'> = {}): { ok: false; error: TxRejection } {
  return { ok: false, error: { code, message, ...extra } };
}

/** A failed `Result` carrying a block rejection. */
export function blockReject(code: BlockRejectCode, message: string, extra: Omit<Partial<BlockRejection>, 'code' | 'message'> = {}): { ok: false; error: BlockRejection } {
  return { ok: false, error: { code, message, ...extra } };
}
