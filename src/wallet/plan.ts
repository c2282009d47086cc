/**
 * Planning the inputs of a build: the caller's fixed inputs first, then wallet coins chosen by
 * `selectCoins` (confirmed coins first, unconfirmed ones only when those do not suffice, unless the
 * caller fixed `minConf`), then `finalize` for the exact fee and change, adding the next-largest coin
 * in the rare case the exact counts need one more ("iterate until stable").
 *
 * Selection works in thousandths of a satoshi (rate × bytes, unrounded), so the fee is rounded once,
 * for the whole transaction, and an exact match is exact. Transaction counts are taken as 1-byte
 * CompactSizes; `finalize` uses the real ones.
 */
import { MAX_STANDARD_TX_BYTES, dustThreshold, feeForSize } from '../chain/mempool/policy.ts';
import { formatCoins } from '../chain/spec/amount.ts';
import { outpointKeyFast } from '../chain/state/key.ts';
import type { OutPoint } from '../chain/state/types.ts';
import { isImmatureCoinbase } from '../chain/validation/inputs.ts';
import { matchCcTemplate } from '../script/cc.ts';
import { CchostError, err, ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { balancesOf } from './coins.ts';
import type { WalletCoin } from './coins.ts';
import { WalletErrorCode, walletError } from './errors.ts';
import type { WalletError } from './errors.ts';
import { finalize } from './finalize.ts';
import type { FinalPlan, PlannedInput } from './finalize.ts';
import type { Keystore } from './keystore.ts';
import type { ResolvedOutput } from './outputs.ts';
import type { BuildRequest, FixedInput } from './request.ts';
import { selectCoins } from './select.ts';
import { ownedScriptSigMax } from './sign.ts';
import { compactSizeLen, inputSize, outputSize, txSize } from './size.ts';

type Fail = { ok: false; error: WalletError };

function fail(code: WalletErrorCode, message: string, details: Record<string, unknown> = {}): Fail {
  return err(walletError(code, message, details));
}

/** What planning needs, worked out by the builder from the request. */
export interface PlanSetup {
  readonly keystore: Keystore;
  /** The wallet's coins (only the `from` key's when one is given). */
  readonly coins: readonly WalletCoin[];
  readonly outputs: readonly ResolvedOutput[];
  /** Sorted output indices that pay the fee (empty: the wallet pays it). */
  readonly subtractFrom: readonly number[];
  readonly changeScript: Uint8Array;
  /** Fee rate and dust rate, satoshis per 1000 bytes. */
  readonly rate: bigint;
  readonly dustRate: bigint;
  /** Largest standard transaction for this chain. */
  readonly maxTxBytes: number;
  readonly coinbaseMaturity: number;
  readonly spendHeight: number;
  readonly ccActive: boolean;
}

/** Planned inputs and the final outputs and fee. */
export interface Plan {
  readonly inputs: readonly PlannedInput[];
  readonly final: FinalPlan;
}

interface PoolCoin {
  readonly wc: WalletCoin;
  readonly plan: PlannedInput;
}

/** Chooses inputs and computes the fee and change, or says why it cannot. */
export function planInputs(s: PlanSetup, req: BuildRequest): Result<Plan, WalletError> {
  const fixed: PlannedInput[] = [];
  const used = new Set<string>();
  for (const [n, f] of (req.inputs ?? []).entries()) {
    const key = outpointKeyFast(f.outpoint);
    if (used.has(key)) return fail(WalletErrorCode.BAD_REQUEST, `inputs[${n}] repeats an earlier input`, { input: n });
    used.add(key);
    if (isImmatureCoinbase(f.coin, s.spendHeight, s.coinbaseMaturity)) {
      return fail(WalletErrorCode.BAD_REQUEST, `inputs[${n}] is a block reward spendable from height ${f.coin.height + s.coinbaseMaturity}`, { input: n });
    }
    const p = planFixed(f, n, s, req);
    if (!p.ok) return p;
    fixed.push(p.value);
  }
  for (const op of req.exclude ?? ([] as OutPoint[])) used.add(outpointKeyFast(op));

  const minConf = req.minConf;
  if (minConf !== undefined && (!Number.isInteger(minConf) || minConf < 0)) return fail(WalletErrorCode.BAD_REQUEST, 'minConf must be a non-negative integer');
  const pool: PoolCoin[] = [];
  for (const wc of s.coins) {
    if (wc.status !== 'spendable' || used.has(outpointKeyFast(wc.outpoint))) continue;
    if (minConf !== undefined && wc.confirmations < minConf) continue;
    const match = s.keystore.keyForScript(wc.coin.script);
    if (match === undefined) continue;
    pool.push({ wc, plan: { outpoint: wc.outpoint, coin: wc.coin, scriptSigMax: ownedScriptSigMax(match), sign: { kind: 'owned', match } } });
  }

  const outSizes = s.outputs.map((o) => outputSize(o.script.length));
  const changeOutSize = outputSize(s.changeScript.length);
  const baseSize = txSize(fixed.map((p) => inputSize(p.scriptSigMax)), outSizes) - compactSizeLen(fixed.length) + 1;
  const payTotal = s.outputs.reduce((t, o) => t + o.value, 0n);
  const fixedTotal = fixed.reduce((t, p) => t + p.coin.value, 0n);
  const subtracting = s.subtractFrom.length > 0;
  const milli = (sat: bigint): bigint => sat * 1000n;
  const dust = dustThreshold(s.changeScript, s.dustRate);
  const dustChange = dust > 1n ? dust : 1n;
  const largestInput = pool.reduce((m, c) => Math.max(m, inputSize(c.plan.scriptSigMax)), 1);
  const maxStd = Math.min(MAX_STANDARD_TX_BYTES, s.maxTxBytes);
  const sel = {
    target: milli(payTotal - fixedTotal) + (subtracting ? 0n : s.rate * BigInt(baseSize)),
    changeCost: subtracting ? 0n : s.rate * BigInt(changeOutSize),
    minChange: milli(dustChange),
    // 4 bytes of slack for CompactSize counts beyond one byte.
    maxInputs: Math.max(0, Math.floor((maxStd - baseSize - changeOutSize - 4) / largestInput)),
    atLeastOne: fixed.length === 0,
  };
  const inputCost = (p: PlannedInput): bigint => (subtracting ? 0n : s.rate * BigInt(inputSize(p.scriptSigMax)));
  const noFunds = (): Fail => insufficient(pool, fixed, s.coins, payTotal, subtracting, s.rate, baseSize, minConf);

  const tiers = minConf !== undefined ? [pool] : [pool.filter((c) => c.wc.confirmations >= 1), pool];
  let chosen: PoolCoin[] | undefined;
  let remaining: PoolCoin[] = [];
  let tooLarge = false;
  for (const tier of tiers) {
    const r = selectCoins({ ...sel, candidates: tier.map((c) => ({ value: milli(c.wc.coin.value), inputFee: inputCost(c.plan) })) });
    if (r.ok) {
      chosen = r.selected.map((i) => tier[i]!);
      const picked = new Set(r.selected);
      remaining = tier.filter((_, i) => !picked.has(i)).sort((a, b) => cmpValueDesc(a.wc.coin.value, b.wc.coin.value));
      break;
    }
    if (r.reason === 'too-many-inputs') tooLarge = true;
  }
  if (chosen === undefined) {
    if (!tooLarge) return noFunds();
    return fail(WalletErrorCode.TX_TOO_LARGE, `paying this needs more than ${sel.maxInputs} inputs, which would exceed ${maxStd} bytes`, {
      hint: 'send a smaller amount, or consolidate many small coins by sending them to yourself in several smaller transactions first',
    });
  }

  const inputs: PlannedInput[] = [...fixed, ...chosen.map((c) => c.plan)];
  for (;;) {
    const r = finalize(inputs, s.outputs, s.changeScript, changeOutSize, s.rate, dustChange, s.subtractFrom, s.dustRate);
    if (!r.ok) return r;
    if (r.value !== undefined) {
      if (r.value.size > maxStd) {
        return fail(WalletErrorCode.TX_TOO_LARGE, `the transaction would be ${r.value.size} bytes; relay accepts at most ${maxStd}`, {
          size: r.value.size,
          hint: 'send a smaller amount, carry less data, or consolidate small coins first',
        });
      }
      return ok({ inputs, final: r.value });
    }
    const next = remaining.shift();
    if (next === undefined) return noFunds();
    inputs.push(next.plan);
  }
}

/** How a fixed input will be signed: by its own signer, or by the wallet key that owns it. */
function planFixed(f: FixedInput, n: number, s: PlanSetup, req: BuildRequest): Result<PlannedInput, WalletError> {
  const isCc = matchCcTemplate(f.coin.script) !== null;
  if (f.signer !== undefined) {
    let max: number;
    try {
      max = f.signer.maxScriptSigSize(f.coin);
    } catch (e) {
      const cause = e instanceof CchostError ? e.toData() : { code: 'ERROR', message: String(e) };
      return fail(WalletErrorCode.NO_SIGNER, `the CC signer of inputs[${n}] cannot sign it: ${cause.message}`, { input: n, cause });
    }
    if (!Number.isInteger(max) || max < 1 || max > 0xffff) {
      return fail(WalletErrorCode.BAD_REQUEST, `inputs[${n}]: the signer's maxScriptSigSize must be an integer 1..65535, got ${String(max)}`, { input: n });
    }
    if (s.ccActive && isCc && req.ccHookFor === undefined && req.ccVerifiedByCaller !== true) {
      return fail(WalletErrorCode.CC_UNVERIFIED, `inputs[${n}] spends a CC output and no CC hook was given to verify it`, {
        input: n,
        hint: 'pass ccHookFor (the node CC host hook), or set ccVerifiedByCaller and run the mempool acceptance check before returning the transaction',
      });
    }
    return ok({ outpoint: f.outpoint, coin: f.coin, sequence: f.sequence, scriptSigMax: max, sign: { kind: 'cc', signer: f.signer } });
  }
  const match = s.keystore.keyForScript(f.coin.script);
  if (match === undefined) {
    return fail(WalletErrorCode.NO_SIGNER, `inputs[${n}] spends a coin no wallet key can sign, and no signer was given`, {
      input: n,
      hint: isCc ? 'pass a CcInputSigner for CC inputs (the CC SDK provides one)' : 'import the key that owns the coin',
    });
  }
  return ok({ outpoint: f.outpoint, coin: f.coin, sequence: f.sequence, scriptSigMax: ownedScriptSigMax(match), sign: { kind: 'owned', match } });
}

/** WALLET_INSUFFICIENT_FUNDS with what was needed, what is spendable, and what was not counted. */
function insufficient(
  pool: readonly PoolCoin[],
  fixed: readonly PlannedInput[],
  all: readonly WalletCoin[],
  payTotal: bigint,
  subtracting: boolean,
  rate: bigint,
  baseSize: number,
  minConf: number | undefined,
): Fail {
  let available = 0n;
  let size = baseSize;
  for (const c of pool) {
    available += c.wc.coin.value;
    size += inputSize(c.plan.scriptSigMax);
  }
  for (const p of fixed) available += p.coin.value;
  // The fee if every spendable coin were spent: the least that would have to be paid on top.
  const fee = subtracting ? 0n : feeForSize(rate, size);
  const needed = payTotal + fee;
  const b = balancesOf(all);
  const notes: string[] = [];
  if (b.immature > 0n) notes.push(`${formatCoins(b.immature)} in immature block rewards`);
  if (b.spentInMempool > 0n) notes.push(`${formatCoins(b.spentInMempool)} already spent by unconfirmed transactions`);
  if (minConf !== undefined) {
    const below = all.filter((c) => c.status === 'spendable' && c.confirmations < minConf).reduce((t, c) => t + c.coin.value, 0n);
    if (below > 0n) notes.push(`${formatCoins(below)} with fewer than ${minConf} confirmations`);
  }
  return fail(
    WalletErrorCode.INSUFFICIENT_FUNDS,
    `insufficient funds: ${formatCoins(needed)} coins needed (${formatCoins(payTotal)} to send${subtracting ? ', fee taken from it' : ` + ${formatCoins(fee)} fee`}), ` +
      `${formatCoins(available)} spendable` +
      (notes.length > 0 ? ` (not counted: ${notes.join('; ')})` : ''),
    {
      needed: needed.toString(),
      available: available.toString(),
      immature: b.immature.toString(),
      hint: 'send less, wait for immature rewards or unconfirmed coins, or fund the wallet',
    },
  );
}

function cmpValueDesc(a: bigint, b: bigint): number {
  return a > b ? -1 : a < b ? 1 : 0;
}
