/**
 * What a verification worker does with one job: parse the transaction and run the chain's own script
 * stage (`checkTxScripts`, mempool mode, the job's flags) over the coins it was given, with no CC host
 * and no script cache. A transaction the CC host would have to take part in is not judged here
 * (VERDICT_NOT_HANDLED): the node only sends transactions without CC inputs or outputs, and this is
 * the backstop. Pure: no clock, no I/O, no shared state.
 */
import { parseTransaction } from '../chain/transaction.ts';
import type { ChainSpec } from '../chain/spec/types.ts';
import type { UtxoView } from '../chain/state/types.ts';
import { TxRejectCode } from '../chain/validation/errors.ts';
import { checkTxScripts } from '../chain/validation/scripts.ts';
import { VERDICT_INVALID, VERDICT_NOT_HANDLED, VERDICT_VALID } from './verifyProtocol.ts';
import type { VerifyJob } from './verifyProtocol.ts';

const NO_COINS: UtxoView = { getCoin: () => undefined };
/** `checkTxScripts` only hands the txid to the CC host and the script cache, and neither is used here. */
const UNUSED_TXID = new Uint8Array(32);

/**
 * The verdict byte of one job. Example: `judgeJob(spec, { tx, coins, flags, ccKey, height, blockTimeMs })`
 * is VERDICT_VALID when every input script passes under `flags`.
 */
export function judgeJob(spec: ChainSpec, job: VerifyJob): number {
  const parsed = parseTransaction(job.tx);
  if (!parsed.ok) return VERDICT_INVALID;
  const tx = parsed.value;
  if (tx.ins.length !== job.coins.length || tx.ins.length === 0) return VERDICT_INVALID;
  const r = checkTxScripts(tx, UNUSED_TXID, job.coins, {
    spec,
    mode: 'mempool',
    height: job.height,
    blockTimeMs: job.blockTimeMs,
    flags: job.flags,
    ccKey: job.ccKey,
    ccHost: undefined,
    scriptCache: undefined,
    view: NO_COINS,
    pendingTx: () => undefined,
  });
  if (!r.ok) return r.error.code === TxRejectCode.CC_NO_HOST || r.error.scriptError === 'CC_NO_HOST' ? VERDICT_NOT_HANDLED : VERDICT_INVALID;
  return r.value.touchesCc ? VERDICT_NOT_HANDLED : VERDICT_VALID;
}
