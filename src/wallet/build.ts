/**
 * Building and signing a transaction from the wallet's coins:
 * 1. resolve the outputs (addresses of this chain, amounts, dust, OP_RETURN data);
 * 2. take the caller's fixed inputs (e.g. CC inputs with their signers), then select wallet coins
 *    (select.ts), confirmed coins first and unconfirmed ones only when those do not suffice;
 * 3. fee = ceil(size × rate / 1000) with every signature counted at its worst case, recomputed with the
 *    final input and output counts (adding a coin if the exact fee needs one); change goes to a new
 *    wallet key, to the `from` key, or to `changeAddress`, unless it would be dust (then it is
 *    folded into the fee); with `subtractFeeFrom` the fee comes out of those outputs instead;
 * 4. sign every input (SIGHASH_ALL), run the guard (check.ts), and only then store the change key.
 * Nothing is written, reserved or broadcast on failure; the same request gives the same transaction.
 */
import { Transaction } from 'bitcoinjs-lib';
import { MAX_STANDARD_TX_BYTES, dustThreshold, feeForSize } from '../chain/mempool/policy.ts';
import { formatCoins } from '../chain/spec/amount.ts';
import type { ChainSpec } from '../chain/spec/types.ts';
import { outpointKeyFast } from '../chain/state/key.ts';
import type { Coin, OutPoint } from '../chain/state/types.ts';
import { ccActiveAt } from '../chain/validation/flags.ts';
import { isImmatureCoinbase } from '../chain/validation/inputs.ts';
import { matchCcTemplate } from '../script/cc.ts';
import type { CryptoConditionsHook } from '../script/cc.ts';
import { CchostError, err, ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { selfCheck } from './check.ts';
import { balancesOf, listWalletCoins } from './coins.ts';
import type { CoinSource, WalletCoin } from './coins.ts';
import { WalletErrorCode, walletError } from './errors.ts';
import type { WalletError } from './errors.ts';
import type { Keystore } from './keystore.ts';
import type { WalletKey } from './keys.ts';
import { keyP2pkhScript } from './keys.ts';
import { addressScript, resolveOutputs } from './outputs.ts';
import type { OutputRequest, ResolvedOutput } from './outputs.ts';
import { selectCoins } from './select.ts';
import type { SelectionCandidate } from './select.ts';
import { finalize } from './finalize.ts';
import type { FinalPlan, PlannedInput } from './finalize.ts';
import { ownedScriptSigMax, signOwnedInput } from './sign.ts';
import type { CcInputSigner } from './sign.ts';
import { compactSizeLen, inputSize, outputSize, txSize } from './size.ts';

/** The chain parameters the wallet uses (a `ChainSpec` has them all). */
export type WalletChainParams = Pick<ChainSpec, 'prefixes' | 'minRelayFeePerKb' | 'coinbaseMaturity' | 'limits' | 'cc'>;

/** An input the caller fixes (it is always spent, before any selected coin). */
export interface FixedInput {
  readonly outpoint: OutPoint;
  /** The coin it spends (value and script as in the UTXO set). */
  readonly coin: Coin;
  /** Signs it; omit for a P2PKH or P2PK coin of a wallet key. */
  readonly signer?: CcInputSigner;
  /** nSequence (default 0xffffffff, or 0xfffffffe with a lock time). */
  readonly sequence?: number;
}

/** What to build. */
export interface BuildRequest {
  readonly outputs: readonly OutputRequest[];
  /** Indices of payment outputs that pay the fee (split equally, the remainder from the first). */
  readonly subtractFeeFrom?: readonly number[];
  /** Fee rate in satoshis per 1000 bytes (default and minimum: the chain's `minRelayFeePerKb`). */
  readonly feePerKb?: bigint;
  /** Spend only coins with at least this many confirmations (default: confirmed first, then unconfirmed). */
  readonly minConf?: number;
  /** Fund only from this wallet key (address or public key hex); change returns to its address. */
  readonly from?: string;
  /** Send change here instead (a P2PKH or P2SH address of this chain). */
  readonly changeAddress?: string;
  /** Inputs that must be spent (first, in this order). */
  readonly inputs?: readonly FixedInput[];
  /** Coins not to select. */
  readonly exclude?: readonly OutPoint[];
  /** nLockTime (default 0). */
  readonly locktime?: number;
  /** Transaction version (default 1; 2 for BIP68 relative lock times). */
  readonly version?: number;
  /** Dust rate per kB (default the mempool's: 3 × minRelayFeePerKb). */
  readonly dustRelayFeePerKb?: bigint;
  /** The CC hook that verifies CC input i (the node's CC host), for the guard. */
  readonly ccHookFor?: (tx: Transaction, inputIndex: number, coin: Coin) => CryptoConditionsHook;
  /** CC inputs are verified by the caller (full mempool acceptance check) instead of the guard. */
  readonly ccVerifiedByCaller?: boolean;
}

/** Where the builder reads keys, coins and chain parameters. */
export interface BuildContext {
  readonly keystore: Keystore;
  readonly source: CoinSource;
  readonly chain: WalletChainParams;
}

/** A signed transaction that passed the guard. */
export interface BuiltTransaction {
  readonly tx: Transaction;
  /** 32-byte txid, internal byte order (`tx.getId()` is the display hex). */
  readonly txid: Uint8Array;
  /** Satoshis paid to the producer (Σ inputs − Σ outputs). */
  readonly fee: bigint;
  /** Serialized size in bytes. */
  readonly size: number;
  /** The coin each input spends, aligned with `tx.ins`. */
  readonly spent: readonly { readonly outpoint: OutPoint; readonly coin: Coin }[];
  /** Index of the change output, or -1 when there is none. */
  readonly changeIndex: number;
  /** The change address, when there is a change output. */
  readonly changeAddress?: string;
  /** Chain tip height the coins were read at. */
  readonly tipHeight: number;
}

type Fail = { ok: false; error: WalletError };

function fail(code: WalletErrorCode, message: string, details: Record<string, unknown> = {}): Fail {
  return err(walletError(code, message, details));
}

/**
 * Builds, signs and checks a transaction. Example:
 * `buildTransaction({ keystore, source, chain: spec }, { outputs: [{ address, amount: 150_000_000n }] })`.
 */
export function buildTransaction(ctx: BuildContext, req: BuildRequest): Result<BuiltTransaction, WalletError> {
  try {
    return build(ctx, req);
  } catch (e) {
    if (e instanceof CchostError && typeof e.code === 'string' && e.code.startsWith('WALLET_')) return err(e.toData() as WalletError);
    throw e;
  }
}

function build(ctx: BuildContext, req: BuildRequest): Result<BuiltTransaction, WalletError> {
  const { keystore, chain } = ctx;
  const minRate = chain.minRelayFeePerKb;
  const rate = req.feePerKb ?? minRate;
  if (typeof rate !== 'bigint' || rate < minRate) {
    return fail(WalletErrorCode.BAD_FEE_RATE, `the fee rate ${String(rate)} sat/kB is below the chain's minimum relay fee rate ${minRate} sat/kB`, {
      hint: `use at least ${minRate} satoshis per 1000 bytes`,
    });
  }
  const dustRate = req.dustRelayFeePerKb ?? 3n * minRate;
  const version = req.version ?? 1;
  const locktime = req.locktime ?? 0;
  if (!Number.isInteger(version) || version < 1 || version > 2) return fail(WalletErrorCode.BAD_REQUEST, 'the transaction version must be 1 or 2');
  if (!Number.isInteger(locktime) || locktime < 0 || locktime > 0xffffffff) return fail(WalletErrorCode.BAD_REQUEST, 'the lock time must be an integer 0..4294967295');

  // Who funds, where change goes.
  let fromKey: WalletKey | undefined;
  if (req.from !== undefined) {
    fromKey = keystore.findKey(req.from);
    if (fromKey === undefined) {
      return fail(WalletErrorCode.UNKNOWN_KEY, `from: ${req.from} is not a key of this wallet`, {
        key: req.from,
        hint: 'give an address or public key listed by the wallet, or import the key first',
      });
    }
  }
  const walletCoins = listWalletCoins(keystore, ctx.source, {
    coinbaseMaturity: chain.coinbaseMaturity,
    minConf: 0,
    ...(fromKey !== undefined ? { keys: [fromKey] } : {}),
  });
  const spendHeight = walletCoins.tipHeight + 1;
  const ccActive = ccActiveAt(chain, spendHeight);

  const resolved = resolveOutputs(req.outputs, { prefixes: chain.prefixes, dustRelayFeePerKb: dustRate, ccActive });
  if (!resolved.ok) return resolved;
  const outs = resolved.value;
  const subtract = checkSubtract(req.subtractFeeFrom, outs);
  if (!subtract.ok) return subtract;
  const subtractFrom = subtract.value;

  let changeScript: Uint8Array;
  let changeAddress: string;
  let changeKey: WalletKey | undefined;
  if (req.changeAddress !== undefined) {
    const s = addressScript(req.changeAddress, chain.prefixes);
    if (!s.ok) return s;
    changeScript = s.value;
    changeAddress = req.changeAddress;
  } else if (fromKey !== undefined) {
    changeScript = keyP2pkhScript(fromKey);
    changeAddress = fromKey.address;
  } else {
    changeKey = keystore.peekChangeKey();
    changeScript = keyP2pkhScript(changeKey);
    changeAddress = changeKey.address;
  }

  // Fixed inputs.
  const fixed: PlannedInput[] = [];
  const used = new Set<string>();
  for (const [n, f] of (req.inputs ?? []).entries()) {
    const key = outpointKeyFast(f.outpoint);
    if (used.has(key)) return fail(WalletErrorCode.BAD_REQUEST, `inputs[${n}] repeats an earlier input`, { input: n });
    used.add(key);
    if (isImmatureCoinbase(f.coin, spendHeight, chain.coinbaseMaturity)) {
      return fail(WalletErrorCode.BAD_REQUEST, `inputs[${n}] is a block reward spendable from height ${f.coin.height + chain.coinbaseMaturity}`, { input: n });
    }
    const p = planFixed(f, n, keystore, ccActive, req);
    if (!p.ok) return p;
    fixed.push(p.value);
  }
  for (const op of req.exclude ?? []) used.add(outpointKeyFast(op));

  // Candidates: spendable wallet coins not fixed or excluded, and which the wallet can sign.
  const minConf = req.minConf;
  if (minConf !== undefined && (!Number.isInteger(minConf) || minConf < 0)) return fail(WalletErrorCode.BAD_REQUEST, 'minConf must be a non-negative integer');
  const pool: { wc: WalletCoin; plan: PlannedInput }[] = [];
  for (const wc of walletCoins.coins) {
    if (wc.status !== 'spendable' || used.has(outpointKeyFast(wc.outpoint))) continue;
    if (minConf !== undefined && wc.confirmations < minConf) continue;
    const match = keystore.keyForScript(wc.coin.script);
    if (match === undefined) continue;
    pool.push({ wc, plan: { outpoint: wc.outpoint, coin: wc.coin, scriptSigMax: ownedScriptSigMax(match), sign: { kind: 'owned', match } } });
  }

  // Selection works in thousandths of a satoshi (rate × bytes, unrounded), so the fee is rounded once,
  // for the whole transaction, and an exact match is exact. Counts are taken as 1-byte CompactSizes;
  // `finalize` recomputes the exact fee and adds a coin in the rare case that falls short.
  const maxStd = Math.min(MAX_STANDARD_TX_BYTES, chain.limits.maxTxBytes);
  const outSizes = outs.map((o) => outputSize(o.script.length));
  const changeOutSize = outputSize(changeScript.length);
  const fixedSizes = fixed.map((p) => inputSize(p.scriptSigMax));
  const baseSize = txSize(fixedSizes, outSizes) - compactSizeLen(fixed.length) + 1;
  const payTotal = outs.reduce((s, o) => s + o.value, 0n);
  const fixedTotal = fixed.reduce((s, p) => s + p.coin.value, 0n);
  const subtracting = subtractFrom.length > 0;
  const milli = (sat: bigint): bigint => sat * 1000n;
  const inputCost = (p: PlannedInput): bigint => (subtracting ? 0n : rate * BigInt(inputSize(p.scriptSigMax)));
  const target = milli(payTotal - fixedTotal) + (subtracting ? 0n : rate * BigInt(baseSize));
  const changeCost = subtracting ? 0n : rate * BigInt(changeOutSize);
  const dustChange = maxBig(dustThreshold(changeScript, dustRate), 1n);
  const minChange = milli(dustChange);
  const largestInput = pool.reduce((m, c) => Math.max(m, inputSize(c.plan.scriptSigMax)), 1);
  const maxInputs = Math.max(0, Math.floor((maxStd - baseSize - changeOutSize - 4) / largestInput));

  // Tiers: confirmed coins first, unless the caller fixed minConf.
  const tiers = minConf !== undefined ? [pool] : [pool.filter((c) => c.wc.confirmations >= 1), pool];
  let chosen: { wc: WalletCoin; plan: PlannedInput }[] | undefined;
  let remaining: { wc: WalletCoin; plan: PlannedInput }[] = [];
  let tooLarge = false;
  for (const tier of tiers) {
    const candidates: SelectionCandidate[] = tier.map((c) => ({ value: milli(c.wc.coin.value), inputFee: inputCost(c.plan) }));
    const sel = selectCoins({ candidates, target, changeCost, minChange, maxInputs, atLeastOne: fixed.length === 0 });
    if (sel.ok) {
      chosen = sel.selected.map((i) => tier[i]!);
      const picked = new Set(sel.selected);
      remaining = tier.filter((_, i) => !picked.has(i)).sort((a, b) => cmpValueDesc(a.wc.coin.value, b.wc.coin.value));
      break;
    }
    if (sel.reason === 'too-many-inputs') tooLarge = true;
  }
  if (chosen === undefined) {
    if (tooLarge) {
      return fail(WalletErrorCode.TX_TOO_LARGE, `paying this needs more than ${maxInputs} inputs, which would exceed ${maxStd} bytes`, {
        hint: 'send a smaller amount, or consolidate many small coins by sending them to yourself in several smaller transactions first',
      });
    }
    return insufficient(pool, fixed, walletCoins.coins, payTotal, subtracting, rate, baseSize, minConf);
  }

  // Exact fee with the final counts; add a coin when the rounding needs one ("until stable").
  const inputs: PlannedInput[] = [...fixed, ...chosen.map((c) => c.plan)];
  let plan: FinalPlan | undefined;
  for (;;) {
    const r = finalize(inputs, outs, changeScript, changeOutSize, rate, dustChange, subtractFrom, dustRate);
    if (!r.ok) return r;
    if (r.value !== undefined) {
      plan = r.value;
      break;
    }
    const next = remaining.shift();
    if (next === undefined) return insufficient(pool, fixed, walletCoins.coins, payTotal, subtracting, rate, baseSize, minConf);
    inputs.push(next.plan);
  }
  if (plan.size > maxStd) {
    return fail(WalletErrorCode.TX_TOO_LARGE, `the transaction would be ${plan.size} bytes; relay accepts at most ${maxStd}`, {
      size: plan.size,
      hint: 'send a smaller amount, carry less data, or consolidate small coins first',
    });
  }

  // Assemble, sign, check.
  const tx = new Transaction();
  tx.version = version;
  tx.locktime = locktime;
  const defaultSequence = locktime !== 0 ? 0xfffffffe : 0xffffffff;
  for (const p of inputs) tx.addInput(Uint8Array.from(p.outpoint.txid), p.outpoint.vout, p.sequence ?? defaultSequence);
  for (const o of plan.outputs) tx.addOutput(Uint8Array.from(o.script), o.value);
  const scriptSigs: Uint8Array[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const p = inputs[i]!;
    if (p.sign.kind === 'owned') {
      scriptSigs.push(signOwnedInput(tx, i, p.coin, p.sign.match));
      continue;
    }
    let s: Uint8Array;
    try {
      s = p.sign.signer.signInput(tx, i, p.coin);
    } catch (e) {
      const cause = e instanceof CchostError ? e.toData() : { code: 'ERROR', message: String(e) };
      return fail(WalletErrorCode.NO_SIGNER, `the CC signer of input ${i} failed: ${cause.message}`, { input: i, cause });
    }
    if (!(s instanceof Uint8Array) || s.length > p.scriptSigMax) {
      return fail(WalletErrorCode.SELF_CHECK_FAILED, `the CC signer of input ${i} returned a scriptSig larger than the ${p.scriptSigMax} bytes it declared`, {
        input: i,
        hint: 'fix maxScriptSigSize of the CC signer so the fee estimate covers the real size',
      });
    }
    scriptSigs.push(s);
  }
  scriptSigs.forEach((s, i) => tx.setInputScript(i, Uint8Array.from(s)));
  const coins = inputs.map((p) => p.coin);
  const guard = selfCheck(tx, {
    coins,
    fee: plan.fee,
    feePerKb: rate,
    minRelayFeePerKb: minRate,
    dustRelayFeePerKb: dustRate,
    maxTxBytes: chain.limits.maxTxBytes,
    coinbaseMaturity: chain.coinbaseMaturity,
    spendHeight,
    ccActive,
    ccHookFor: req.ccHookFor,
    ccVerifiedByCaller: req.ccVerifiedByCaller,
  });
  if (!guard.ok) return guard;

  // Only now is the change key worth keeping.
  if (plan.changeIndex >= 0 && changeKey !== undefined) keystore.commitChangeKey(changeKey);
  const txid = Uint8Array.from(tx.getHash());
  return ok({
    tx,
    txid,
    fee: plan.fee,
    size: tx.byteLength(),
    spent: inputs.map((p) => ({ outpoint: p.outpoint, coin: p.coin })),
    changeIndex: plan.changeIndex,
    ...(plan.changeIndex >= 0 ? { changeAddress } : {}),
    tipHeight: walletCoins.tipHeight,
  });
}

function planFixed(f: FixedInput, n: number, keystore: Keystore, ccActive: boolean, req: BuildRequest): Result<PlannedInput, WalletError> {
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
    if (ccActive && matchCcTemplate(f.coin.script) !== null && req.ccHookFor === undefined && req.ccVerifiedByCaller !== true) {
      return fail(WalletErrorCode.CC_UNVERIFIED, `inputs[${n}] spends a CC output and no CC hook was given to verify it`, {
        input: n,
        hint: 'pass ccHookFor (the node CC host hook), or set ccVerifiedByCaller and run the mempool acceptance check before returning the transaction',
      });
    }
    return ok({ outpoint: f.outpoint, coin: f.coin, sequence: f.sequence, scriptSigMax: max, sign: { kind: 'cc', signer: f.signer } });
  }
  const match = keystore.keyForScript(f.coin.script);
  if (match === undefined) {
    return fail(WalletErrorCode.NO_SIGNER, `inputs[${n}] spends a coin no wallet key can sign, and no signer was given`, {
      input: n,
      hint: matchCcTemplate(f.coin.script) !== null ? 'pass a CcInputSigner for CC inputs (the CC SDK provides one)' : 'import the key that owns the coin',
    });
  }
  return ok({ outpoint: f.outpoint, coin: f.coin, sequence: f.sequence, scriptSigMax: ownedScriptSigMax(match), sign: { kind: 'owned', match } });
}

function checkSubtract(indices: readonly number[] | undefined, outs: readonly ResolvedOutput[]): Result<number[], WalletError> {
  if (indices === undefined) return ok([]);
  const seen = new Set<number>();
  for (const i of indices) {
    const o = Number.isInteger(i) ? outs[i] : undefined;
    if (o === undefined) return fail(WalletErrorCode.BAD_REQUEST, `subtractFeeFrom: ${String(i)} is not an output index`);
    if (o.kind === 'nulldata' || o.kind === 'cc') return fail(WalletErrorCode.BAD_REQUEST, `subtractFeeFrom: output ${i} is a data or CC output, which cannot pay the fee`);
    if (seen.has(i)) return fail(WalletErrorCode.BAD_REQUEST, `subtractFeeFrom: output ${i} is named twice`);
    seen.add(i);
  }
  return ok([...seen].sort((a, b) => a - b));
}

function insufficient(
  pool: readonly { wc: WalletCoin; plan: PlannedInput }[],
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
    const below = all.filter((c) => c.status === 'spendable' && c.confirmations < minConf).reduce((s, c) => s + c.coin.value, 0n);
    if (below > 0n) notes.push(`${formatCoins(below)} with fewer than ${minConf} confirmations`);
  }
  return fail(
    WalletErrorCode.INSUFFICIENT_FUNDS,
    `insufficient funds: ${formatCoins(needed)} coins needed (${formatCoins(payTotal)} to send${subtracting ? ', fee taken from it' : ` + ${formatCoins(fee)} fee`}), ` +
      `${formatCoins(available)} spendable` + (notes.length > 0 ? ` (not counted: ${notes.join('; ')})` : ''),
    {
      needed: needed.toString(),
      available: available.toString(),
      immature: b.immature.toString(),
      hint: 'send less, wait for immature rewards or unconfirmed coins, or fund the wallet',
    },
  );
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function cmpValueDesc(a: bigint, b: bigint): number {
  return a > b ? -1 : a < b ? 1 : 0;
}
