/**
 * Building and signing a transaction from the wallet's coins:
 * 1. resolve the outputs (addresses of this chain, amounts, dust, OP_RETURN data) and where change
 *    goes: a new wallet key (stored only if the transaction is returned), the `from` key, or
 *    `changeAddress`;
 * 2. plan the inputs (plan.ts): fixed inputs, selected coins, fee = ceil(size × rate / 1000) with every
 *    signature at its worst case, change or dust folded into the fee, or the fee subtracted from outputs;
 * 3. sign every input (SIGHASH_ALL; CC inputs through their `CcInputSigner`), run the guard (check.ts),
 *    and only then store the change key.
 * Nothing is written, reserved or broadcast on failure; the same request on the same wallet state gives
 * the same transaction (RFC 6979 signatures, deterministic selection).
 */
import { Transaction } from 'bitcoinjs-lib';
import { ccActiveAt } from '../chain/validation/flags.ts';
import { CchostError, err, ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { selfCheck } from './check.ts';
import { listWalletCoins } from './coins.ts';
import { WalletErrorCode, walletError } from './errors.ts';
import type { WalletError } from './errors.ts';
import { keyP2pkhScript } from './keys.ts';
import type { WalletKey } from './keys.ts';
import { addressScript, resolveOutputs } from './outputs.ts';
import type { ResolvedOutput } from './outputs.ts';
import { planInputs } from './plan.ts';
import type { Plan, PlanSetup } from './plan.ts';
import type { BuildContext, BuildRequest, BuiltTransaction } from './request.ts';
import { signOwnedInput } from './sign.ts';

type Fail = { ok: false; error: WalletError };

function fail(code: WalletErrorCode, message: string, details: Record<string, unknown> = {}): Fail {
  return err(walletError(code, message, details));
}

/** Where change goes. */
interface ChangeTarget {
  readonly script: Uint8Array;
  readonly address: string;
  /** A new wallet key, stored when the transaction is returned. */
  readonly newKey?: WalletKey;
}

/**
 * Builds, signs and checks a transaction; never returns one the guard rejects. Example:
 * `buildTransaction({ keystore, source, chain: spec }, { outputs: [{ address, amount: 150_000_000n }] })`.
 */
export function buildTransaction(ctx: BuildContext, req: BuildRequest): Result<BuiltTransaction, WalletError> {
  try {
    const setup = prepare(ctx, req);
    if (!setup.ok) return setup;
    const plan = planInputs(setup.value.plan, req);
    if (!plan.ok) return plan;
    return signAndCheck(ctx, req, setup.value, plan.value);
  } catch (e) {
    // Keystore writes (the change key) throw typed wallet errors; anything else is a bug.
    if (e instanceof CchostError && e.code.startsWith('WALLET_')) return err(e.toData() as WalletError);
    throw e;
  }
}

interface Setup {
  readonly plan: PlanSetup;
  readonly change: ChangeTarget;
  readonly tipHeight: number;
  readonly version: number;
  readonly locktime: number;
}

/** Checks the request and reads the wallet's coins. */
function prepare(ctx: BuildContext, req: BuildRequest): Result<Setup, WalletError> {
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
  const coins = listWalletCoins(keystore, ctx.source, {
    coinbaseMaturity: chain.coinbaseMaturity,
    ...(fromKey !== undefined ? { keys: [fromKey] } : {}),
  });
  const spendHeight = coins.tipHeight + 1;
  const ccActive = ccActiveAt(chain, spendHeight);

  const outputs = resolveOutputs(req.outputs, { prefixes: chain.prefixes, dustRelayFeePerKb: dustRate, ccActive });
  if (!outputs.ok) return outputs;
  const subtractFrom = checkSubtract(req.subtractFeeFrom, outputs.value);
  if (!subtractFrom.ok) return subtractFrom;

  let change: ChangeTarget;
  if (req.changeAddress !== undefined) {
    const s = addressScript(req.changeAddress, chain.prefixes);
    if (!s.ok) return s;
    change = { script: s.value, address: req.changeAddress };
  } else if (fromKey !== undefined) {
    change = { script: keyP2pkhScript(fromKey), address: fromKey.address };
  } else {
    const k = keystore.peekChangeKey();
    change = { script: keyP2pkhScript(k), address: k.address, newKey: k };
  }

  return ok({
    plan: {
      keystore,
      coins: coins.coins,
      outputs: outputs.value,
      subtractFrom: subtractFrom.value,
      changeScript: change.script,
      rate,
      dustRate,
      maxTxBytes: chain.limits.maxTxBytes,
      coinbaseMaturity: chain.coinbaseMaturity,
      spendHeight,
      ccActive,
    },
    change,
    tipHeight: coins.tipHeight,
    version,
    locktime,
  });
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

/** Assembles and signs the planned transaction, runs the guard, stores a new change key. */
function signAndCheck(ctx: BuildContext, req: BuildRequest, setup: Setup, plan: Plan): Result<BuiltTransaction, WalletError> {
  const { inputs, final } = plan;
  const tx = new Transaction();
  tx.version = setup.version;
  tx.locktime = setup.locktime;
  // With a lock time, inputs must not all be final or the lock time is ignored.
  const defaultSequence = setup.locktime !== 0 ? 0xfffffffe : 0xffffffff;
  for (const p of inputs) tx.addInput(Uint8Array.from(p.outpoint.txid), p.outpoint.vout, p.sequence ?? defaultSequence);
  for (const o of final.outputs) tx.addOutput(Uint8Array.from(o.script), o.value);

  // Sign against the unsigned transaction (the legacy sighash blanks every scriptSig), then fill in.
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

  const { chain } = ctx;
  const guard = selfCheck(tx, {
    coins: inputs.map((p) => p.coin),
    fee: final.fee,
    feePerKb: setup.plan.rate,
    minRelayFeePerKb: chain.minRelayFeePerKb,
    dustRelayFeePerKb: setup.plan.dustRate,
    maxTxBytes: chain.limits.maxTxBytes,
    coinbaseMaturity: chain.coinbaseMaturity,
    spendHeight: setup.plan.spendHeight,
    ccActive: setup.plan.ccActive,
    ccHookFor: req.ccHookFor,
    ccVerifiedByCaller: req.ccVerifiedByCaller,
  });
  if (!guard.ok) return guard;

  // Only now is a new change key worth keeping (a write failure throws WALLET_IO: no transaction then).
  const hasChange = final.changeIndex >= 0;
  if (hasChange && setup.change.newKey !== undefined) ctx.keystore.commitChangeKey(setup.change.newKey);
  return ok({
    tx,
    txid: Uint8Array.from(tx.getHash()),
    fee: final.fee,
    size: tx.byteLength(),
    spent: inputs.map((p) => ({ outpoint: p.outpoint, coin: p.coin })),
    changeIndex: final.changeIndex,
    ...(hasChange ? { changeAddress: setup.change.address } : {}),
    tipHeight: setup.tipHeight,
  });
}
