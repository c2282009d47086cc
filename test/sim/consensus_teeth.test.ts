/**
 * Teeth tests (CONSENSUS.md §5.12 item 3): the checks must fail when the assumptions fail.
 * - More byzantine signers than two quorums can absorb (2q − n: f + 1 for n = 4, 7; 9 for n = 21)
 *   make conflicting blocks final: the simulator finds it.
 * - With rule C2 disabled on the honest nodes (mutation), the fuzz finalizes conflicting blocks; with
 *   P3 disabled, the auditor catches honest PREPAREs that leave a lock without a newer justify claim.
 *   (In the simulator P3-off rarely turns into conflicting finality: honest nodes vote only on their
 *   best head, and fork choice by certified slot already keeps them on a committed branch unless a
 *   newer certificate exists elsewhere. P3 is what keeps this true when fork-choice knowledge is lost,
 *   e.g. after a restart, and for nodes whose head differs.) The same seeds are clean with the rules on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADVERSARIAL, maxFaulty, quorumOverlap, runSimulation } from '../../src/consensus/sim/index.ts';
import type { RuleMutations } from '../../src/consensus/index.ts';
import type { SimReport } from '../../src/consensus/sim/index.ts';

const splitBrain = { doubleVote: true, producer: 'equivocate' as const };

function kinds(r: SimReport): Set<string> {
  return new Set(r.violations.map((v) => v.kind));
}

for (const n of [4, 7, 21]) {
  test(`n=${n}: ${quorumOverlap(n)} equivocating double voters finalize conflicting blocks (the checker bites)`, () => {
    const count = quorumOverlap(n);
    if (n !== 21) assert.equal(count, maxFaulty(n) + 1);
    // the byzantine producers must hold turns inside the run: take the first `count` in schedule order
    const r = runSimulation({ seed: 1, n, durationMs: 60_000, byzantine: { count, indices: [...Array(count).keys()], behaviour: splitBrain } });
    assert.ok(kinds(r).has('conflicting-final'), `expected conflicting finality, got ${[...kinds(r)].join(', ') || 'nothing'}`);
  });
}

for (const n of [4, 7, 21]) {
  test(`n=${n}: the same split-brain attack with f byzantine stays safe`, () => {
    const count = maxFaulty(n);
    // n = 21: six byzantine turns come first (no finality while every block is equivocated and the
    // honest nodes are split 7/8 < q), then honest turns finalize everything again
    const r = runSimulation({ seed: 1, n, durationMs: 60_000, byzantine: { count, indices: [...Array(count).keys()], behaviour: splitBrain } });
    assert.deepEqual(r.violations, []);
    assert.ok(r.minLibNum > 60, `and finality keeps going (LIB ${r.minLibNum})`);
  });
}

type Run = (seed: number, mutations: RuleMutations) => Set<string>;

const n4: Run = (seed, mutations) =>
  kinds(runSimulation({ seed, n: 4, durationMs: 60_000, net: ADVERSARIAL, mutations, byzantine: { count: 1, behaviour: { doubleVote: true, producer: 'mixed' } } }));
const n7: Run = (seed, mutations) =>
  kinds(runSimulation({ seed, n: 7, durationMs: 60_000, net: ADVERSARIAL, mutations, byzantine: { count: 2, behaviour: { doubleVote: true, producer: 'mixed' } } }));

/** The first seed in 1..maxSeeds whose mutated run shows one of `wanted`. */
function hunt(run: Run, mutations: RuleMutations, wanted: readonly string[], maxSeeds: number): { seed: number; found: Set<string> } | undefined {
  for (let seed = 1; seed <= maxSeeds; seed++) {
    const found = run(seed, mutations);
    if (wanted.some((w) => found.has(w))) return { seed, found };
  }
  return undefined;
}

test('mutation: with C2 disabled the fuzz finalizes conflicting blocks; the same seed is clean with C2', () => {
  const hit = hunt(n7, { skipC2: true }, ['conflicting-final'], 12);
  assert.ok(hit !== undefined, 'the C2 mutation must be caught within 12 seeds');
  assert.ok(hit.found.has('audit-C2') || hit.found.has('conflicting-final'));
  assert.deepEqual([...n7(hit.seed, {})], [], `seed ${hit.seed} without the mutation`);
});

test('mutation: with P3 disabled the auditor catches PREPAREs that leave a lock; the same seed is clean with P3', () => {
  const hit = hunt(n4, { skipP3: true }, ['audit-P3'], 16);
  assert.ok(hit !== undefined, 'the P3 mutation must be caught within 16 seeds');
  assert.deepEqual([...n4(hit.seed, {})], [], `seed ${hit.seed} without the mutation`);
});
