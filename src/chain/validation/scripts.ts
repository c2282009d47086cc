/**
 * Input scripts and CC dispatch for one transaction: `verifyScript` for every input with the flags of
 * the mode, the CC session of ccAdapter.ts around it, and the script cache in front of it.
 */
import type { Transaction } from 'bitcoinjs-lib';
import { matchCcTemplate } from '../../script/cc.ts';
import type { CryptoConditionsHook } from '../../script/cc.ts';
import { TransactionSignatureChecker } from '../../script/checker.ts';
import { SCRIPT_VERIFY_CRYPTOCONDITIONS } from '../../script/flags.ts';
import { verifyScript } from '../../script/interpreter.ts';
import type { ScriptFailure } from '../../script/interpreter.ts';
import type { Result } from '../../util/errors.ts';
import type { ChainSpec } from '../spec/types.ts';
import type { Coin, UtxoView } from '../state/types.ts';
import type { CcHostAdapter, CcTxSession } from './ccAdapter.ts';
import { TxRejectCode, txReject } from './errors.ts';
import type { TxRejection } from './errors.ts';
import { BLOCK_SCRIPT_FLAGS } from './flags.ts';
import type { ValidationMode } from './flags.ts';
import type { ScriptCache } from './scriptCache.ts';

/** Everything the script stage needs besides the transaction. */
export interface ScriptCheckContext {
  readonly spec: ChainSpec;
  readonly mode: ValidationMode;
  readonly height: number;
  readonly blockTimeMs: number;
  /** `scriptFlagsFor(spec, height, mode)`. */
  readonly flags: number;
  /** `ccContextKey(spec, height)`. */
  readonly ccKey: number;
  readonly ccHost?: CcHostAdapter | undefined;
  readonly scriptCache?: ScriptCache | undefined;
  /** Coins as of just before this transaction (given to the CC host). */
  readonly view: UtxoView;
  /** Unconfirmed transactions by txid (given to the CC host). */
  readonly pendingTx: (txid: Uint8Array) => Transaction | undefined;
}

/** How the script stage went. */
export interface ScriptCheckOutcome {
  /** True when the scripts were taken from the script cache. */
  readonly cacheHit: boolean;
  /** True when the CC host was involved (CC inputs or CC outputs with the CC flag on). */
  readonly touchesCc: boolean;
}

function scriptFailure(f: ScriptFailure, input: number, code: TxRejectCode, mode: ValidationMode): { ok: false; error: TxRejection } {
  const policy = code === TxRejectCode.SCRIPT_POLICY;
  const reason = policy ? `non-mandatory-script-verify-flag (${f.message})` : mode === 'mempool' ? `mandatory-script-verify-flag-failed (${f.message})` : `block-script-verify-flag-failed (${f.message})`;
  return txReject(code, `input ${input}: script ${policy ? 'is not standard' : 'fails'}: ${f.error} (${f.message})`, {
    reason,
    input,
    scriptError: f.error,
  });
}

/**
 * Verifies every input script of `tx` (whose spent coins are `coins`, aligned with `tx.ins`; empty for
 * a coinbase, which has no scripts to run) and runs the CC session. In mempool mode a failure is
 * re-run under the block flags to tell TX_SCRIPT_POLICY (only policy flags fail) from
 * TX_SCRIPT_FAILED. On success in mempool mode the transaction enters the script cache.
 */
export function checkTxScripts(
  tx: Transaction,
  txid: Uint8Array,
  coins: readonly Coin[],
  ctx: ScriptCheckContext,
): Result<ScriptCheckOutcome, TxRejection> {
  const flags = ctx.flags;
  const ccOn = (flags & SCRIPT_VERIFY_CRYPTOCONDITIONS) !== 0;
  const nIn = coins.length;
  let ccInputs: boolean[] | undefined;
  let ccOutputs = false;
  if (ccOn) {
    for (let i = 0; i < nIn; i++) {
      if (matchCcTemplate(coins[i]!.script) !== null) (ccInputs ??= new Array<boolean>(nIn).fill(false))[i] = true;
    }
    for (const o of tx.outs) {
      if (matchCcTemplate(o.script) !== null) {
        ccOutputs = true;
        break;
      }
    }
  }
  const touchesCc = ccInputs !== undefined || ccOutputs;

  let session: CcTxSession | undefined;
  if (touchesCc) {
    if (ctx.ccHost === undefined) {
      if (ccInputs === undefined) {
        return txReject(TxRejectCode.CC_NO_HOST, 'the transaction creates CC outputs but this node has no CC host configured to check them', {});
      }
      // CC inputs without a host fail closed in verifyScript (CC_NO_HOST).
    } else {
      try {
        session = ctx.ccHost.beginTransaction(tx, coins, {
          mode: ctx.mode,
          height: ctx.height,
          blockTimeMs: ctx.blockTimeMs,
          spec: ctx.spec,
          flags,
          txid,
          view: ctx.view,
          pendingTx: ctx.pendingTx,
        });
      } catch (e) {
        return txReject(TxRejectCode.CC_HOST_ERROR, `the CC host failed to start on this transaction: ${String(e)}`);
      }
      if (session === null || typeof session !== 'object' || typeof session.hookForInput !== 'function' || typeof session.finish !== 'function') {
        return txReject(TxRejectCode.CC_HOST_ERROR, 'the CC host returned a malformed session');
      }
    }
  }

  const cached = nIn > 0 ? ctx.scriptCache?.lookup(txid, flags, ctx.ccKey) : undefined;
  const ccInfo: unknown[] = new Array<unknown>(nIn);
  for (let i = 0; i < nIn; i++) {
    const isCc = ccInputs?.[i] === true;
    if (cached !== undefined) {
      if (!isCc) continue;
      const info = cached.ccInfo[i];
      if (session?.reuseInput !== undefined && info !== undefined) {
        let reused = false;
        try {
          reused = session.reuseInput(i, info) === true;
        } catch (e) {
          return txReject(TxRejectCode.CC_HOST_ERROR, `input ${i}: the CC host failed to reuse a cached verification: ${String(e)}`, { input: i });
        }
        if (reused) {
          ccInfo[i] = info;
          continue;
        }
      }
    }
    const input = tx.ins[i]!;
    const hook: CryptoConditionsHook | undefined = isCc && session !== undefined ? session.hookForInput(i) : undefined;
    const r = verifyScript(input.script, coins[i]!.script, flags, new TransactionSignatureChecker(tx, i), hook !== undefined ? { ccHook: hook } : {});
    if (!r.ok) {
      if (ctx.mode === 'mempool') {
        const mandatory = BLOCK_SCRIPT_FLAGS | (flags & SCRIPT_VERIFY_CRYPTOCONDITIONS);
        const hook2 = isCc && session !== undefined ? session.hookForInput(i) : undefined;
        const r2 = verifyScript(input.script, coins[i]!.script, mandatory, new TransactionSignatureChecker(tx, i), hook2 !== undefined ? { ccHook: hook2 } : {});
        if (r2.ok) return scriptFailure(r, i, TxRejectCode.SCRIPT_POLICY, ctx.mode);
        return scriptFailure(r2, i, TxRejectCode.SCRIPT_FAILED, ctx.mode);
      }
      return scriptFailure(r, i, TxRejectCode.SCRIPT_FAILED, ctx.mode);
    }
    if (isCc) ccInfo[i] = r.cc;
  }

  if (session !== undefined) {
    let fin: unknown;
    try {
      fin = session.finish();
    } catch (e) {
      return txReject(TxRejectCode.CC_HOST_ERROR, `the CC host failed while validating modules: ${String(e)}`);
    }
    const f = fin as { ok?: unknown; error?: { code?: unknown; message?: unknown; input?: unknown; output?: unknown; evalCode?: unknown; module?: unknown } };
    if (f === null || typeof f !== 'object' || typeof f.ok !== 'boolean') {
      return txReject(TxRejectCode.CC_HOST_ERROR, 'the CC host returned a malformed verdict');
    }
    if (!f.ok) {
      const e = f.error;
      if (e === null || typeof e !== 'object' || typeof e.code !== 'string') return txReject(TxRejectCode.CC_HOST_ERROR, 'the CC host returned a rejection without a code');
      const extra: Record<string, unknown> = { ccCode: e.code };
      if (typeof e.input === 'number') extra['input'] = e.input;
      if (typeof e.output === 'number') extra['output'] = e.output;
      if (typeof e.evalCode === 'number') extra['evalCode'] = e.evalCode;
      if (typeof e.module === 'string') extra['module'] = e.module;
      const msg = typeof e.message === 'string' ? e.message : e.code;
      return txReject(TxRejectCode.CC_REJECTED, `${e.code}: ${msg}`, { ...extra, reason: e.code });
    }
  }

  if (cached === undefined && ctx.mode === 'mempool' && ctx.scriptCache !== undefined && nIn > 0) {
    ctx.scriptCache.add(txid, flags, ctx.ccKey, ccInfo);
  }
  return { ok: true, value: { cacheHit: cached !== undefined, touchesCc } };
}
