/**
 * The adapter between transaction validation and the CC host (src/cc/host). Per transaction that
 * touches crypto-conditions (spends a CC template output or creates one, while
 * SCRIPT_VERIFY_CRYPTOCONDITIONS is on), validation does:
 *
 *   const s = ccHost.beginTransaction(tx, spentCoins, ctx);
 *   for each input i:  verifyScript(..., { ccHook: s.hookForInput(i) })   // B4: fulfillment checks, records eval hits
 *   (all input scripts passed)
 *   s.finish()                                                            // B8.3 module dispatch + B7 output rules
 *
 * `finish` runs once per transaction after every input script has passed (modules see only
 * signature-valid inputs), in both modes; a block never reuses a mempool verdict (CC.md B8.5).
 * When a transaction's scripts are found in the script cache (verified at mempool entry), validation
 * skips `verifyScript` for its non-CC inputs; for each CC input it calls `s.reuseInput(i, info)` with
 * the `info` the hook returned at mempool time, and runs `verifyScript` again when the session has no
 * `reuseInput` or it returns false. So a host that returns its eval hits as `info` saves the condition
 * signature checks at block time, and module dispatch still runs in block mode.
 *
 * With no host configured, CC spends fail closed in the script layer (CC_NO_HOST → TX_SCRIPT_FAILED)
 * and transactions creating CC outputs fail with TX_CC_NO_HOST. A host that throws gives
 * TX_CC_HOST_ERROR. Everything here is pure: no clock, no I/O beyond the views passed in.
 */
import type { Transaction } from 'bitcoinjs-lib';
import type { CryptoConditionsHook } from '../../script/cc.ts';
import type { ErrorData, Result } from '../../util/errors.ts';
import type { ChainSpec } from '../spec/types.ts';
import type { Coin, UtxoView } from '../state/types.ts';
import type { ValidationMode } from './flags.ts';

/** What the chain layer tells the CC host about the transaction being validated (CC.md B8.4). */
export interface CcTxContext {
  readonly mode: ValidationMode;
  /** Height of the block being connected or assembled (tip + 1 in the mempool). */
  readonly height: number;
  /** That block's time in unix ms (slot start; the tip's time in the mempool). Never the wall clock. */
  readonly blockTimeMs: number;
  readonly spec: ChainSpec;
  /** The script flags in force (SCRIPT_VERIFY_CRYPTOCONDITIONS is set). */
  readonly flags: number;
  /** The transaction's txid (internal byte order). */
  readonly txid: Uint8Array;
  /**
   * Coins as of just before this transaction: chain + earlier transactions of the block, or chain +
   * mempool. Live: read it during the session (`hookForInput` checks and `finish`), not afterwards.
   */
  readonly view: UtxoView;
  /** An unconfirmed transaction by txid: an earlier one of the same block (block mode) or a mempool one (mempool mode). */
  readonly pendingTx: (txid: Uint8Array) => Transaction | undefined;
}

/** A rejection from the CC host (CC.md B12 codes, or `<name>/<CODE>` from a module). */
export interface CcRejection extends ErrorData {
  readonly code: string;
  readonly message: string;
  readonly input?: number;
  readonly output?: number;
  readonly evalCode?: number;
  readonly module?: string;
}

/** The host's state for one transaction. */
export interface CcTxSession {
  /** The hook `verifyScript` calls when input `index` spends a CC template (B4 steps 2–9); it records eval hits. */
  hookForInput(index: number): CryptoConditionsHook;
  /**
   * Optional: accept input `index` as already verified from the script cache, given the `info` its
   * hook returned when the transaction entered the mempool (same txid, flags and module set). Return
   * false to make validation run `verifyScript` for the input again.
   */
  reuseInput?(index: number, info: unknown): boolean;
  /** After every input script passed: module dispatch (B8.3) and output creation rules (B7). */
  finish(): Result<void, CcRejection>;
}

/** The CC host as transaction validation sees it. Implemented by src/cc/host. */
export interface CcHostAdapter {
  /** Starts validating `tx`; `spent[i]` is the coin input i spends (empty for a coinbase). */
  beginTransaction(tx: Transaction, spent: readonly Coin[], ctx: CcTxContext): CcTxSession;
}
