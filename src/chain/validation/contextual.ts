/**
 * The contextual checks of one non-coinbase transaction, in Core's order: lock time (IsFinalTx),
 * inputs from the view with values, fee and coinbase maturity (CheckTxInputs), BIP68 relative locks,
 * then scripts and CC dispatch. Context-free checks (`checkTransaction`) come before this and are the
 * caller's. Block connection runs it with the overlay "chain + earlier transactions of this block";
 * the mempool runs the same stages with its own policy checks in between.
 */
import type { Transaction } from 'bitcoinjs-lib';
import type { Result } from '../../util/errors.ts';
import type { ChainSpec } from '../spec/types.ts';
import type { Coin, UtxoView } from '../state/types.ts';
import type { CcHostAdapter } from './ccAdapter.ts';
import { TxRejectCode, txReject } from './errors.ts';
import type { TxRejection } from './errors.ts';
import { checkSequenceLocks, isFinalTx } from './finality.ts';
import { ccContextKey, scriptFlagsFor } from './flags.ts';
import type { ValidationMode } from './flags.ts';
import { checkTxInputs } from './inputs.ts';
import type { ScriptCache } from './scriptCache.ts';
import { checkTxScripts } from './scripts.ts';
import type { ScriptCheckContext } from './scripts.ts';

/** The chain context of a transaction check. */
export interface TxContext {
  readonly spec: ChainSpec;
  readonly mode: ValidationMode;
  /** Height of the block the transaction is checked for (tip + 1 in the mempool). */
  readonly height: number;
  /** That block's time, unix ms (`slotStartMs(spec, slot)`; the tip's time in the mempool). */
  readonly blockTimeMs: number;
  /** Time (ms) of the block at a lower height of this chain, for BIP68 time locks. */
  readonly blockTimeAt: (height: number) => number;
  readonly ccHost?: CcHostAdapter | undefined;
  readonly scriptCache?: ScriptCache | undefined;
  /** Unconfirmed transactions by txid, for the CC host (default: none). */
  readonly pendingTx?: ((txid: Uint8Array) => Transaction | undefined) | undefined;
  /** Precomputed `scriptFlagsFor(spec, height, mode)`. */
  readonly flags?: number | undefined;
  /** Precomputed `ccContextKey(spec, height)`. */
  readonly ccKey?: number | undefined;
}

/** What a passing transaction costs and spends. */
export interface TxCheckResult {
  readonly fee: bigint;
  /** The spent coins, aligned with `tx.ins`. */
  readonly coins: readonly Coin[];
  /** Scripts were found in the script cache. */
  readonly cacheHit: boolean;
  /** The CC host took part. */
  readonly touchesCc: boolean;
  /** The inputs' outpoint keys when the view took keys (pass them to `BlockConnector.apply`). */
  readonly inputKeys: readonly string[] | undefined;
}

const NO_PENDING = (): undefined => undefined;

/** True when the transaction's lock time allows it at this height/time; otherwise the TX_NONFINAL rejection. */
export function checkFinal(tx: Transaction, height: number, blockTimeMs: number): Result<void, TxRejection> {
  if (isFinalTx(tx, height, blockTimeMs)) return { ok: true, value: undefined };
  const lt = tx.locktime >>> 0;
  const what = lt < 500_000_000 ? `height ${lt}` : `unix time ${lt}`;
  return txReject(TxRejectCode.NONFINAL, `the transaction is locked until after ${what} (checked at height ${height}, block time ${Math.floor(blockTimeMs / 1000)} s)`, {
    reason: 'bad-txns-nonfinal',
  });
}

/** BIP68 check as a Result (TX_NONFINAL_SEQUENCE naming the input). */
export function checkRelativeLocks(tx: Transaction, coins: readonly Coin[], ctx: Pick<TxContext, 'height' | 'blockTimeMs' | 'blockTimeAt'>): Result<void, TxRejection> {
  const f = checkSequenceLocks(tx, coins, ctx.height, ctx.blockTimeMs, ctx.blockTimeAt);
  if (f === undefined) return { ok: true, value: undefined };
  const need = f.kind === 'height' ? `height ${f.needed} (this is ${ctx.height})` : `block time ${f.needed} ms (this is ${ctx.blockTimeMs})`;
  return txReject(TxRejectCode.NONFINAL_SEQUENCE, `input ${f.input} has a relative lock (BIP68) satisfied only from ${need}`, {
    reason: 'non-BIP68-final',
    input: f.input,
  });
}

/**
 * The script-check context of a transaction validated under `ctx` against `view`: flags and the CC
 * cache key derived from the height unless `ctx` fixes them. `scriptCache` is separate because the
 * coinbase is never cached.
 */
export function scriptCheckContext(ctx: TxContext, view: UtxoView, scriptCache: ScriptCache | undefined): ScriptCheckContext {
  return {
    spec: ctx.spec,
    mode: ctx.mode,
    height: ctx.height,
    blockTimeMs: ctx.blockTimeMs,
    flags: ctx.flags ?? scriptFlagsFor(ctx.spec, ctx.height, ctx.mode),
    ccKey: ctx.ccKey ?? ccContextKey(ctx.spec, ctx.height),
    ccHost: ctx.ccHost,
    scriptCache,
    view,
    pendingTx: ctx.pendingTx ?? NO_PENDING,
  };
}

/**
 * All contextual checks of a non-coinbase transaction against `view`.
 * Example: `checkTxContextual(tx, txidOf(tx), overlay, {spec, mode: 'block', height, blockTimeMs, blockTimeAt})`.
 */
export function checkTxContextual(tx: Transaction, txid: Uint8Array, view: UtxoView, ctx: TxContext): Result<TxCheckResult, TxRejection> {
  const fin = checkFinal(tx, ctx.height, ctx.blockTimeMs);
  if (!fin.ok) return fin;
  const inputs = checkTxInputs(tx, view, ctx.height, ctx.spec.coinbaseMaturity);
  if (!inputs.ok) return inputs;
  const { coins, fee } = inputs.value;
  const rel = checkRelativeLocks(tx, coins, ctx);
  if (!rel.ok) return rel;
  const scripts = checkTxScripts(tx, txid, coins, scriptCheckContext(ctx, view, ctx.scriptCache));
  if (!scripts.ok) return scripts;
  return { ok: true, value: { fee, coins, cacheHit: scripts.value.cacheHit, touchesCc: scripts.value.touchesCc, inputKeys: inputs.value.keys } };
}
