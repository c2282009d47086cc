/**
 * The builder's guard: "transaction builders never return a transaction consensus would reject", for
 * everything checkable without chain context. A built transaction must pass `checkTransaction`, the
 * mempool's standardness rules (outputs, dust, scriptSigs), pay at least the minimum relay fee for its
 * real size, spend no immature coin, and every input script must verify under Core's STANDARD flags
 * (a superset of the block flags), CC inputs through the CC hook with SCRIPT_VERIFY_CRYPTOCONDITIONS.
 */
import type { Transaction } from 'bitcoinjs-lib';
import { checkTransaction, legacyTxSize } from '../chain/checkTransaction.ts';
import { MAX_STANDARD_TX_BYTES, checkStandardInputs, checkStandardTx, feeForSize } from '../chain/mempool/policy.ts';
import type { Coin } from '../chain/state/types.ts';
import { isImmatureCoinbase } from '../chain/validation/inputs.ts';
import { matchCcTemplate } from '../script/cc.ts';
import type { CryptoConditionsHook } from '../script/cc.ts';
import { TransactionSignatureChecker } from '../script/checker.ts';
import { SCRIPT_VERIFY_CRYPTOCONDITIONS, STANDARD_SCRIPT_VERIFY_FLAGS } from '../script/flags.ts';
import { verifyScript } from '../script/interpreter.ts';
import type { ErrorData, Result } from '../util/errors.ts';
import { err, ok } from '../util/errors.ts';
import { WalletErrorCode, walletError } from './errors.ts';
import type { WalletError } from './errors.ts';

/** What the guard checks a transaction against. */
export interface SelfCheckContext {
  /** `coins[i]` is the coin input i spends. */
  readonly coins: readonly Coin[];
  /** The fee the builder meant to pay (Σ inputs − Σ outputs must equal it). */
  readonly fee: bigint;
  /** The fee rate the builder used (≥ the minimum relay rate). */
  readonly feePerKb: bigint;
  readonly minRelayFeePerKb: bigint;
  readonly dustRelayFeePerKb: bigint;
  /** The chain's `limits.maxTxBytes`. */
  readonly maxTxBytes: number;
  readonly coinbaseMaturity: number;
  /** Height of the block the transaction is for (tip + 1). */
  readonly spendHeight: number;
  /** Whether the CC flag is on at `spendHeight`. */
  readonly ccActive: boolean;
  /** The CC hook for input i (CC inputs are verified through it). */
  readonly ccHookFor?: ((tx: Transaction, inputIndex: number, coin: Coin) => CryptoConditionsHook) | undefined;
  /** CC inputs are verified by the caller (e.g. a full mempool acceptance check); skip them here. */
  readonly ccVerifiedByCaller?: boolean | undefined;
}

function failed(what: string, cause: ErrorData | undefined, extra: Record<string, unknown> = {}): { ok: false; error: WalletError } {
  return err(
    walletError(WalletErrorCode.SELF_CHECK_FAILED, `the built transaction ${what}; it was not returned`, {
      ...extra,
      ...(cause !== undefined ? { cause } : {}),
      hint: 'this is a bug in the transaction builder (or in a CC signer); report it with the request that caused it',
    }),
  );
}

/** Runs every check; ok, or `WALLET_SELF_CHECK_FAILED` with the failing rule as `cause`. */
export function selfCheck(tx: Transaction, c: SelfCheckContext): Result<void, WalletError> {
  const ct = checkTransaction(tx, { maxTxBytes: c.maxTxBytes });
  if (!ct.ok) return failed('fails CheckTransaction', ct.error);
  const maxStd = Math.min(MAX_STANDARD_TX_BYTES, c.maxTxBytes);
  const st = checkStandardTx(tx, { ccActive: c.ccActive, maxTxBytes: maxStd, dustRelayFeePerKb: c.dustRelayFeePerKb });
  if (!st.ok) return failed('is not standard', st.error);
  if (c.coins.length !== tx.ins.length) return failed('has inputs without coins', undefined);
  const si = checkStandardInputs(tx, c.coins, c.ccActive);
  if (!si.ok) return failed('has a non-standard scriptSig', si.error);

  let inTotal = 0n;
  for (let i = 0; i < c.coins.length; i++) {
    const coin = c.coins[i]!;
    inTotal += coin.value;
    if (isImmatureCoinbase(coin, c.spendHeight, c.coinbaseMaturity)) return failed(`spends an immature block reward at input ${i}`, undefined, { input: i });
  }
  let outTotal = 0n;
  for (const o of tx.outs) outTotal += o.value;
  if (inTotal - outTotal !== c.fee) return failed(`pays a fee of ${inTotal - outTotal}, not the ${c.fee} computed`, undefined);
  const size = legacyTxSize(tx);
  const minFee = feeForSize(c.minRelayFeePerKb > c.feePerKb ? c.minRelayFeePerKb : c.feePerKb, size);
  if (c.fee < minFee) return failed(`pays ${c.fee} satoshis, below ${minFee} for its ${size} bytes`, undefined, { size });

  for (let i = 0; i < tx.ins.length; i++) {
    const coin = c.coins[i]!;
    const isCc = c.ccActive && matchCcTemplate(coin.script) !== null;
    let flags = STANDARD_SCRIPT_VERIFY_FLAGS;
    let options = {};
    if (isCc) {
      if (c.ccHookFor === undefined) {
        if (c.ccVerifiedByCaller === true) continue;
        return err(
          walletError(WalletErrorCode.CC_UNVERIFIED, `input ${i} spends a CC output and no CC hook was given to verify it`, {
            input: i,
            hint: 'pass ccHookFor (the node CC host hook), or set ccVerifiedByCaller and run the mempool acceptance check before returning the transaction',
          }),
        );
      }
      flags |= SCRIPT_VERIFY_CRYPTOCONDITIONS;
      options = { ccHook: c.ccHookFor(tx, i, coin) };
    }
    const r = verifyScript(tx.ins[i]!.script, coin.script, flags, new TransactionSignatureChecker(tx, i), options);
    if (!r.ok) return failed(`fails script verification at input ${i} (${r.error})`, { code: r.code, message: r.message }, { input: i });
  }
  return ok(undefined);
}
