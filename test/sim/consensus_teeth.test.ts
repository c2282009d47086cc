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
 * - A scripted restart where P3 is the only thing standing: an honest finalizer commits B and crashes
 *   right after sending that vote; the PREPARE certificate on B lived only in its memory, so after
 *   the restart a conflicting branch looks best. With P3 (its lock on B, kept in the FSI) it refuses
 *   and nothing conflicting becomes final; without P3, with the vote sent before the FSI write, or
 *   with a lost FSI treated as "never voted" instead of the amnesia rule, two conflicting blocks are
 *   finalized. With the FSI lost or corrupt the amnesia rule keeps it safe.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADVERSARIAL, SYNCHRONOUS, maxFaulty, quorumOverlap, runSimulation } from '../../src/consensus/sim/index.ts';
import type { RuleMutations } from '../../src/consensus/index.ts';
import type { SimOptions, SimReport, SurvivingFiles } from '../../src/consensus/sim/index.ts';

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

/**
 * n = 4; p03 is byzantine (votes for everything, keeps every branch); p00, p01, p02 are honest.
 * - slot 20 (10 s): p02 is cut off just before p01's block B (slot 20) appears; its head is B's parent F.
 * - p00 prepares and commits B and crashes right after its COMMIT leaves; p01 and p03 complete the
 *   COMMIT certificate on B (B is final at p01). p00's LIB is still F, and it never saw that certificate.
 * - 12.7 s: p00 restarts among {p00, p02, p03}; p01 is cut off. p02 has produced C (slots 24..35) on F.
 *   For p00 both branches carry PREPARE certificates only up to F's slot (B's lived in its memory), so
 *   C, the later head, is best. C needs p00's PREPARE for a quorum: P3 (lock B, C.justify = F's slot) refuses it.
 * - 20 s: heal; p03's turn builds on B with its COMMIT certificate, everyone follows.
 */
function lostKnowledge(extra: Partial<SimOptions>, files: SurvivingFiles = {}): SimReport {
  return runSimulation({
    seed: 1,
    n: 4,
    durationMs: 30_000,
    net: SYNCHRONOUS,
    byzantine: { count: 1, indices: [3], behaviour: { doubleVote: true, keepForks: true } },
    partitions: [
      { atMs: 9_999, groups: [[0, 1, 3], [2]] },
      { atMs: 12_690, groups: [[0, 2, 3], [1]] },
      { atMs: 20_000, groups: undefined },
    ],
    crashPoints: [{ node: 0, point: 'vote-sent', phase: 'COMMIT', afterMs: 10_001, downMs: 2_600, ...files }],
    ...extra,
  });
}

test('P3 after a restart that lost the certificate knowledge: with the rule no conflicting finality, finality resumes after the heal', () => {
  const r = lostKnowledge({});
  assert.deepEqual(r.violations, []);
  const crash = r.crashLog[0]!;
  assert.equal(crash.head!.slot, 20, 'p00 crashed right after its COMMIT on B (slot 20) left');
  assert.equal(r.nodes[0]!.recoveries[0]!.logLib.slot, 19, 'its LIB was B’s parent F');
  const during = r.world.votesOf('p00').filter((v) => v.phase === 'PREPARE' && v.slot > 20 && v.slot < 36);
  assert.deepEqual(during, [], 'p00 refused every block of the conflicting branch C');
  for (let i = 0; i < 3; i++) assert.ok(r.libTrace[i]![59]! > 40, `node ${i}: finality resumed after the heal (LIB ${r.libTrace[i]![59]})`);
});

for (const [what, extra, files] of [
  ['P3 disabled', { mutations: { skipP3: true } }, {}],
  ['the COMMIT sent before its FSI write (broken persistence order)', { sendBeforePersist: true }, {}],
  ['the FSI lost and the finalizer restarted as if it never voted (no amnesia rule)', { ignoreAmnesiaRule: true }, { keepFsi: false }],
] as const) {
  test(`teeth: the same restart with ${what} finalizes two conflicting blocks`, () => {
    const r = lostKnowledge(extra, files);
    assert.ok(kinds(r).has('conflicting-final'), `expected conflicting finality, got ${[...kinds(r)].join(', ') || 'nothing'}`);
  });
}

for (const [what, files] of [
  ['lost', { keepFsi: false }],
  ['corrupt', { corruptFsi: true }],
] as const) {
  test(`the same restart with the FSI file ${what}: the amnesia rule keeps it safe`, () => {
    const r = lostKnowledge({}, files);
    assert.deepEqual(r.violations, []);
    assert.ok(r.nodes[0]!.recoveries[0]!.amnesia);
    for (let i = 0; i < 3; i++) assert.ok(r.libTrace[i]![59]! > 40, `node ${i}: LIB ${r.libTrace[i]![59]}`);
  });
}
