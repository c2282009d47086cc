/**
 * Error codes of the wallet. Each failure is data: a stable `WALLET_*` code, a message that names the
 * problem, a `hint` that says how to fix it, and the fields needed to act on it (`path`, `needed`,
 * `available`, `output`, ...). Amounts inside errors are decimal satoshi strings (JSON-safe).
 */
import { CchostError } from '../util/errors.ts';
import type { ErrorData } from '../util/errors.ts';

/** The error codes `src/wallet` reports. */
export const WalletErrorCode = {
  /** Another process holds the wallet file's lock (`wallet.json.lock` names its pid). */
  LOCKED: 'WALLET_LOCKED',
  /** `wallet.json` is not a cchost wallet: bad JSON, unknown format or version, or inconsistent keys. */
  CORRUPT: 'WALLET_CORRUPT',
  /** Reading or writing the wallet file failed (permissions, disk full, missing datadir). */
  IO: 'WALLET_IO',
  /** A key given to import is neither a WIF key of this chain nor 64 hex digits of a valid private key. */
  BAD_KEY: 'WALLET_BAD_KEY',
  /** An address or public key names no key in this wallet. */
  UNKNOWN_KEY: 'WALLET_UNKNOWN_KEY',
  /** A destination address does not decode for this chain (`reason` and the expected prefixes in the message). */
  BAD_ADDRESS: 'WALLET_BAD_ADDRESS',
  /** An amount is not an integer number of satoshis in 1..MAX_MONEY, or the outputs add up to more than MAX_MONEY. */
  BAD_AMOUNT: 'WALLET_BAD_AMOUNT',
  /** An output is worth less than it costs to spend (dust), possibly after the fee was subtracted from it. */
  AMOUNT_DUST: 'WALLET_AMOUNT_DUST',
  /** The spendable coins do not cover the outputs and the fee; `needed` and `available` say by how much. */
  INSUFFICIENT_FUNDS: 'WALLET_INSUFFICIENT_FUNDS',
  /** The transaction would exceed the largest standard size (too many inputs or too much data). */
  TX_TOO_LARGE: 'WALLET_TX_TOO_LARGE',
  /** A requested fee rate is below the chain's minimum relay fee rate. */
  BAD_FEE_RATE: 'WALLET_BAD_FEE_RATE',
  /** A malformed build request: no outputs, a bad subtract-fee index, an oversized or non-standard output, a bad label. */
  BAD_REQUEST: 'WALLET_BAD_REQUEST',
  /** An input spends a coin the wallet cannot sign and no signer was given for it (e.g. a CC coin without a `CcInputSigner`). */
  NO_SIGNER: 'WALLET_NO_SIGNER',
  /** The transaction has CC inputs but no CC hook was given to verify them (pass `ccHookFor`, or `ccVerifiedByCaller`). */
  CC_UNVERIFIED: 'WALLET_CC_UNVERIFIED',
  /** The built transaction failed the builder's own consensus/policy check; a bug, reported instead of a bad transaction. */
  SELF_CHECK_FAILED: 'WALLET_SELF_CHECK_FAILED',
} as const;

/** One of the wallet's error codes. */
export type WalletErrorCode = (typeof WalletErrorCode)[keyof typeof WalletErrorCode];

/** A wallet failure as data. */
export interface WalletError extends ErrorData<WalletErrorCode> {
  readonly code: WalletErrorCode;
  readonly message: string;
  /** How to fix it, when there is something to do. */
  readonly hint?: string;
}

/** Builds a `WalletError`. Example: `walletError('WALLET_UNKNOWN_KEY', 'no key for R...', { address })`. */
export function walletError(code: WalletErrorCode, message: string, details: Record<string, unknown> = {}): WalletError {
  return { ...details, code, message };
}

/** Throws a wallet error as a `CchostError` (what the keystore's methods do). */
export function walletFail(code: WalletErrorCode, message: string, details: Record<string, unknown> = {}): never {
  throw new CchostError(code, message, details);
}

/**
 * The bitcoind RPC error each wallet code answers with (names of `RPC_ERRORS` in src/rpc/errors.ts),
 * chosen as bitcoind's wallet RPCs do: insufficient funds −6, bad address or key −5, a key not in the
 * wallet −4, an invalid amount −3, a too-small amount or too-large transaction −4 ("Transaction amount
 * too small", "Transaction too large"), a bad parameter −8. Pass it as the RPC table's `errorMap`.
 */
export const WALLET_RPC_ERRORS: Readonly<Record<WalletErrorCode, string>> = Object.freeze({
  WALLET_LOCKED: 'RPC_WALLET_ERROR',
  WALLET_CORRUPT: 'RPC_WALLET_ERROR',
  WALLET_IO: 'RPC_WALLET_ERROR',
  WALLET_BAD_KEY: 'RPC_INVALID_ADDRESS_OR_KEY',
  WALLET_UNKNOWN_KEY: 'RPC_WALLET_ERROR',
  WALLET_BAD_ADDRESS: 'RPC_INVALID_ADDRESS_OR_KEY',
  WALLET_BAD_AMOUNT: 'RPC_TYPE_ERROR',
  WALLET_AMOUNT_DUST: 'RPC_WALLET_ERROR',
  WALLET_INSUFFICIENT_FUNDS: 'RPC_WALLET_INSUFFICIENT_FUNDS',
  WALLET_TX_TOO_LARGE: 'RPC_WALLET_ERROR',
  WALLET_BAD_FEE_RATE: 'RPC_INVALID_PARAMETER',
  WALLET_BAD_REQUEST: 'RPC_INVALID_PARAMETER',
  WALLET_NO_SIGNER: 'RPC_WALLET_ERROR',
  WALLET_CC_UNVERIFIED: 'RPC_INVALID_PARAMETER',
  WALLET_SELF_CHECK_FAILED: 'RPC_VERIFY_REJECTED',
});
