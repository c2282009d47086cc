/**
 * The last step of planning a transaction: with the inputs chosen, compute the exact fee (signatures
 * at their worst case) and decide the change: an output when it is worth at least its dust threshold,
 * otherwise folded into the fee. With `subtractFrom`, the fee is taken from those outputs (split
 * equally, the remainder from the first), each of which must stay above dust. Change is placed before
 * a trailing run of OP_RETURN outputs, so a module's opret stays last.
 */
import type { Coin, OutPoint } from '../chain/state/types.ts';
import { dustThreshold, feeForSize } from '../chain/mempool/policy.ts';
import { formatCoins } from '../chain/spec/amount.ts';
import { err, ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { WalletErrorCode, walletError } from './errors.ts';
import type { WalletError } from './errors.ts';
import type { OwnedScriptMatch } from './keystore.ts';
import type { ResolvedOutput } from './outputs.ts';
import type { CcInputSigner } from './sign.ts';
import { inputSize, outputSize, txSize } from './size.ts';

/** An input being planned: its coin and how it will be signed. */
export interface PlannedInput {
  readonly outpoint: OutPoint;
  readonly coin: Coin;
  readonly sequence?: number | undefined;
  readonly scriptSigMax: number;
  readonly sign: { readonly kind: 'owned'; readonly match: OwnedScriptMatch } | { readonly kind: 'cc'; readonly signer: CcInputSigner };
}

/** The final outputs and fee of a plan. */
export interface FinalPlan {
  readonly outputs: readonly { readonly script: Uint8Array; readonly value: bigint }[];
  readonly fee: bigint;
  readonly changeIndex: number;
  /** Estimated size (signatures at their worst case), ≥ the signed size. */
  readonly size: number;
}

/**
 * The exact fee and change for these inputs, or undefined when they fall short (then one more coin is
 * needed). With `subtractFrom`, the fee is taken from those outputs.
 */
export function finalize(
  inputs: readonly PlannedInput[],
  outs: readonly ResolvedOutput[],
  changeScript: Uint8Array,
  changeOutSize: number,
  rate: bigint,
  minChange: bigint,
  subtractFrom: readonly number[],
  dustRate: bigint,
): Result<FinalPlan | undefined, WalletError> {
  const inSizes = inputs.map((p) => inputSize(p.scriptSigMax));
  const outSizes = outs.map((o) => outputSize(o.script.length));
  const sizeNo = txSize(inSizes, outSizes);
  const sizeWith = txSize(inSizes, [...outSizes, changeOutSize]);
  const sumIn = inputs.reduce((s, p) => s + p.coin.value, 0n);
  const pay = outs.reduce((s, o) => s + o.value, 0n);
  const values = outs.map((o) => o.value);

  let fee: bigint;
  let change = 0n;
  let size: number;
  if (subtractFrom.length === 0) {
    const feeWith = feeForSize(rate, sizeWith);
    if (sumIn - pay - feeWith >= minChange) {
      change = sumIn - pay - feeWith;
      fee = feeWith;
      size = sizeWith;
    } else {
      const feeNo = feeForSize(rate, sizeNo);
      if (sumIn - pay < feeNo) return ok(undefined);
      fee = sumIn - pay; // a change below dust is folded into the fee
      size = sizeNo;
    }
  } else {
    if (sumIn < pay) return ok(undefined);
    let required: bigint;
    if (sumIn - pay >= minChange) {
      change = sumIn - pay;
      required = feeForSize(rate, sizeWith);
      size = sizeWith;
      fee = required;
    } else {
      required = feeForSize(rate, sizeNo);
      size = sizeNo;
      fee = required + (sumIn - pay); // the dust left over goes to the fee too
    }
    const k = BigInt(subtractFrom.length);
    const share = required / k;
    for (const [n, i] of subtractFrom.entries()) {
      const cut = share + (n === 0 ? required % k : 0n);
      const left = values[i]! - cut;
      const dust = dustThreshold(outs[i]!.script, dustRate);
      const min = dust > 1n ? dust : 1n;
      if (left < min) {
        return err(
          walletError(WalletErrorCode.AMOUNT_DUST, `output ${i}: ${formatCoins(values[i]!)} coins cannot pay its ${formatCoins(cut)} share of the fee and stay above dust (${min} satoshis)`, {
          output: i,
          amount: values[i]!.toString(),
          fee: cut.toString(),
          minimum: min.toString(),
          hint: 'send a larger amount, or do not subtract the fee from it',
        }),
      );
      }
      values[i] = left;
    }
  }
  const outputs = outs.map((o, i) => ({ script: o.script, value: values[i]! }));
  let changeIndex = -1;
  if (change > 0n) {
    // Change goes before a trailing run of OP_RETURN outputs (module oprets stay last).
    changeIndex = outputs.length;
    while (changeIndex > 0 && outs[changeIndex - 1]!.kind === 'nulldata') changeIndex--;
    outputs.splice(changeIndex, 0, { script: changeScript, value: change });
  }
  return ok({ outputs, fee, changeIndex, size });
}

