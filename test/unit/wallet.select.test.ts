/**
 * Coin selection (pure): exact matches found by branch and bound, change only when it is worth at
 * least the dust threshold, largest-first fallback, input limits, insufficient funds, determinism.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectCoins } from '../../src/wallet/index.ts';
import type { SelectionCandidate, SelectionParams } from '../../src/wallet/index.ts';

const c = (...values: number[]): SelectionCandidate[] => values.map((v) => ({ value: BigInt(v), inputFee: 0n }));

function params(candidates: SelectionCandidate[], target: number, extra: Partial<SelectionParams> = {}): SelectionParams {
  return { candidates, target: BigInt(target), changeCost: 34n, minChange: 546n, maxInputs: 100, atLeastOne: true, ...extra };
}

function picked(p: SelectionParams): number[] {
  const r = selectCoins(p);
  assert.ok(r.ok, JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  return r.selected.map((i) => Number(p.candidates[i]!.value)).sort((a, b) => b - a);
}

test('exact match: branch and bound finds the subset summing exactly to the target even when largest-first would overshoot', () => {
  const p = params(c(10_000, 7_000, 5_000, 3_000, 2_000), 12_000);
  const r = selectCoins(p);
  assert.ok(r.ok);
  assert.equal(r.method, 'bnb');
  assert.equal(r.excess, 0n);
  assert.equal(r.change, false);
  assert.deepEqual(picked(p), [10_000, 2_000]);
});

test('no-change window: a subset whose excess is below changeCost + minChange is taken without change (excess to the fee)', () => {
  // 10,000 + 2,300 = 12,300: excess 300 < 34 + 546, so no change output.
  const p = params(c(10_000, 7_000, 2_300), 12_000);
  const r = selectCoins(p);
  assert.ok(r.ok);
  assert.equal(r.change, false);
  assert.equal(r.excess, 300n);
});

test('change: with no subset in the window, largest-first adds coins until the change is at least minChange after its cost', () => {
  const p = params(c(100_000, 50_000, 1_000), 120_000);
  const r = selectCoins(p);
  assert.ok(r.ok);
  assert.equal(r.method, 'largest-first');
  assert.equal(r.change, true);
  assert.deepEqual(picked(p), [100_000, 50_000]);
  assert.ok(r.excess >= 34n + 546n);
});

test('dust folding: when all coins together leave less than changeCost + minChange over the target, there is no change', () => {
  // Sum 12,400, target 12,000: excess 400 is too small for a change output of ≥ 546 after its 34 fee.
  const r = selectCoins(params(c(6_400, 6_000), 12_000, { maxTries: 0 }));
  assert.ok(r.ok);
  assert.equal(r.change, false);
  assert.equal(r.excess, 400n);
});

test('effective values: a coin worth less than the fee of its own input is never selected', () => {
  const cands: SelectionCandidate[] = [
    { value: 50_000n, inputFee: 148n },
    { value: 100n, inputFee: 148n },
  ];
  const r = selectCoins(params(cands, 49_852));
  assert.ok(r.ok);
  assert.deepEqual(r.selected, [0]);
  assert.equal(r.excess, 0n);
  const short = selectCoins(params(cands, 49_853));
  assert.ok(!short.ok);
  assert.equal(short.reason, 'insufficient');
  assert.equal(short.available, 49_852n);
});

test('insufficient funds: the failure reports the total effective value available', () => {
  const r = selectCoins(params(c(1_000, 2_000, 3_000), 7_000));
  assert.ok(!r.ok);
  assert.equal(r.reason, 'insufficient');
  assert.equal(r.available, 6_000n);
});

test('input limit: funds spread over too many coins give too-many-inputs, not insufficient', () => {
  const r = selectCoins(params(c(...Array.from({ length: 10 }, () => 1_000)), 5_000, { maxInputs: 3 }));
  assert.ok(!r.ok);
  assert.equal(r.reason, 'too-many-inputs');
  const ok = selectCoins(params(c(...Array.from({ length: 10 }, () => 1_000)), 5_000, { maxInputs: 5 }));
  assert.ok(ok.ok);
  assert.equal(ok.selected.length, 5);
});

test('target already covered: nothing is selected unless a transaction needs an input, then the smallest coin is', () => {
  const none = selectCoins(params(c(5_000, 1_000), -700, { atLeastOne: false }));
  assert.ok(none.ok);
  assert.deepEqual(none.selected, []);
  assert.equal(none.change, true);
  const one = selectCoins(params(c(5_000, 1_000), 0));
  assert.ok(one.ok);
  assert.deepEqual(one.selected, [1]);
});

test('determinism: the same candidates in a different order select the same values', () => {
  const values = [31_000, 7_000, 12_500, 12_500, 900, 44_000, 3_300, 18_000];
  const a = picked(params(c(...values), 50_000));
  const b = picked(params(c(...[...values].reverse()), 50_000));
  assert.deepEqual(a, b);
});

test('branch and bound with many equal coins finishes quickly and uses the fewest of them', () => {
  const r = selectCoins(params(c(...Array.from({ length: 200 }, () => 1_000)), 7_000));
  assert.ok(r.ok);
  assert.equal(r.selected.length, 7);
  assert.equal(r.excess, 0n);
});
