import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WEEKLY_FACTORS, WEEK_MS, WEIGHT_EPOCH_MS, elect, voteWeight, weeksSinceEpoch } from '../../src/consensus/index.ts';
import type { Candidate, HeaderState } from '../../src/consensus/index.ts';
import { Chain, NAMES4, scheduleOf } from './consensus_fixture.ts';

/** floor(N^(1/k)) by bisection on BigInt. */
function iroot(N: bigint, k: bigint): bigint {
  let lo = 0n;
  let hi = 1n;
  while (hi ** k <= N) hi <<= 1n;
  while (lo < hi - 1n) {
    const mid = (lo + hi) >> 1n;
    if (mid ** k <= N) lo = mid;
    else hi = mid;
  }
  return lo;
}

test('the 52 weekly factors are round(2^(k/52) × 2^64), regenerated exactly', () => {
  assert.equal(WEEKLY_FACTORS.length, 52);
  for (let k = 0; k < 52; k++) {
    // 2^(k/52) × 2^64 = (2^(k + 64·52))^(1/52); round half up: (2r + 1)^52 < 2^52 N ⇔ r + 1/2 < root
    const N = 1n << BigInt(k + 64 * 52);
    let r = iroot(N, 52n);
    if ((2n * r + 1n) ** 52n < N << 52n) r += 1n;
    assert.equal(WEEKLY_FACTORS[k], r, `T[${k}]`);
  }
  assert.equal((WEEKLY_FACTORS[1]! * 1_000_000n + (1n << 63n)) >> 64n, 1_013_419n, 'the seed’s 2^(1/52) = 1.013419 per week');
});

test('voteWeight: exact doubling per 52 weeks, monotone per week, integer-only', () => {
  assert.equal(voteWeight(1000n, 0), 1000n);
  assert.equal(voteWeight(1000n, 52), 2000n);
  assert.equal(voteWeight(1000n, 52 * 24), 1000n << 24n);
  const stake = 123_456_789_012_345n;
  let prev = voteWeight(stake, 0);
  for (let w = 1; w < 200; w++) {
    const x = voteWeight(stake, w);
    assert.ok(x > prev, `week ${w}`);
    assert.ok(x - 2n * voteWeight(stake, w - 52 < 0 ? 0 : w - 52) <= 1n || w < 52);
    prev = x;
  }
  assert.throws(() => voteWeight(-1n, 0), RangeError);
  assert.throws(() => voteWeight(1n, 1.5), RangeError);
});

test('weeksSinceEpoch counts whole weeks from 2000-01-01', () => {
  assert.equal(weeksSinceEpoch(WEIGHT_EPOCH_MS - 1), 0);
  assert.equal(weeksSinceEpoch(WEIGHT_EPOCH_MS + WEEK_MS - 1), 0);
  assert.equal(weeksSinceEpoch(WEIGHT_EPOCH_MS + 3 * WEEK_MS), 3);
  assert.equal(weeksSinceEpoch(Date.UTC(2024, 0, 1)), Math.floor((Date.UTC(2024, 0, 1) - Date.UTC(2000, 0, 1)) / WEEK_MS));
});

test('elect: top n by weight among ready, non-standby candidates, sorted by name, only when it changes something', () => {
  const c = new Chain(scheduleOf(1, NAMES4));
  const st = c.add(1);
  const key = (name: string) => scheduleOf(1, [name]).producers[0]!.key;
  const cand = (name: string, weight: bigint, ready = true): Candidate => ({ name, key: key(name), weight, ready });
  const pool = [cand('zed', 900n), cand('alice', 500n), cand('bob', 500n), cand('carol', 400n), cand('dave', 300n), cand('erin', 950n, false)];
  const s = elect(pool, st, 4, 4);
  assert.ok(s);
  assert.equal(s.version, 2);
  assert.deepEqual(s.producers.map((p) => p.name), ['alice', 'bob', 'carol', 'zed'], 'erin is not ready; dave has the least weight');
  // the current set again: nothing to propose
  assert.equal(elect([cand('alice', 1n), cand('bob', 1n), cand('carol', 1n), cand('dave', 1n)], st, 4, 4), undefined);
  // standby producers are skipped
  const demoted: HeaderState = { ...st, standby: [{ name: 'zed', reason: 'missed-slots', atNum: 1 }] };
  assert.deepEqual(elect(pool, demoted, 3, 3)?.producers.map((p) => p.name), ['alice', 'bob', 'carol']);
  // ties in weight go to the smaller name
  assert.deepEqual(elect([cand('yan', 100n), cand('xia', 100n), cand('wes', 100n), cand('vic', 99n)], st, 2, 2)?.producers.map((p) => p.name), ['wes', 'xia']);
  assert.equal(elect(pool.slice(0, 3), st, 4, 4), undefined, 'too few candidates');
});
