/**
 * The deterministic simulator against CONSENSUS.md §5.12 items 1–2: determinism, liveness and
 * head − LIB on a synchronous network with up to f silent producers, and a short safety fuzz
 * (n ∈ {4, 7, 21}, 0..f byzantine double-voting producers with mixed block strategies, on an
 * adversarial network). Longer fuzzing: consensus_fuzz.test.ts with CCHOST_FUZZ_RUNS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADVERSARIAL, SYNCHRONOUS, maxFaulty, runSimulation, simName } from '../../src/consensus/sim/index.ts';
import type { SimReport } from '../../src/consensus/sim/index.ts';

function noViolations(r: SimReport, what: string): void {
  assert.deepEqual(r.violations, [], `${what}: ${r.violations.map((v) => `${v.kind} ${v.detail}`).join('; ')}`);
}

test('fork-database invariants hold after every delivered message (root final, everything descends from it, head on it)', () => {
  const r = runSimulation({
    seed: 8,
    n: 4,
    durationMs: 30_000,
    net: ADVERSARIAL,
    byzantine: { count: 1, behaviour: { doubleVote: true, producer: 'mixed' } },
    partitions: [{ atMs: 6_000, groups: [[0, 1], [2, 3]] }, { atMs: 12_000, groups: undefined }],
    checkInvariantsEveryEvent: true,
  });
  noViolations(r, 'every event');
  assert.ok(r.minLibNum > 20);
});

test('determinism: the same seed gives the same run, another seed a different one', () => {
  const a = runSimulation({ seed: 42, n: 4, durationMs: 15_000, net: ADVERSARIAL, byzantine: { count: 1, behaviour: { doubleVote: true, producer: 'mixed' } } });
  const b = runSimulation({ seed: 42, n: 4, durationMs: 15_000, net: ADVERSARIAL, byzantine: { count: 1, behaviour: { doubleVote: true, producer: 'mixed' } } });
  const c = runSimulation({ seed: 43, n: 4, durationMs: 15_000, net: ADVERSARIAL, byzantine: { count: 1, behaviour: { doubleVote: true, producer: 'mixed' } } });
  const sig = (r: SimReport) => JSON.stringify({ m: r.messages, b: r.blocksCreated, l: r.honestLibs.map((x) => Buffer.from(x.id).toString('hex')), t: r.libTrace });
  assert.equal(sig(a), sig(b));
  assert.notEqual(sig(a), sig(c));
});

for (const n of [4, 7, 21]) {
  test(`liveness, n=${n}, synchronous network: every block final within one slot, head − LIB ≤ 1 at every slot start`, () => {
    const durationMs = n === 21 ? 30_000 : 60_000;
    const r = runSimulation({ seed: 1, n, durationMs, net: SYNCHRONOUS });
    noViolations(r, `n=${n}`);
    const slots = durationMs / 500;
    assert.equal(r.blocksCreated, slots);
    assert.ok(r.minLibNum >= slots - 1, `LIB ${r.minLibNum} of ${slots}`);
    assert.ok(r.maxHeadMinusLib <= 1, `head − LIB reached ${r.maxHeadMinusLib}`);
    assert.ok(r.finalityMs.p99 < 500, `finality p99 ${r.finalityMs.p99} ms`);
  });
}

for (const n of [4, 7, 21]) {
  test(`liveness with f silent producers, n=${n}: their turns are empty, finality continues`, () => {
    const f = maxFaulty(n);
    const durationMs = 60_000;
    // every third producer in schedule order, so silent turns fall inside the 10 turns of the run
    const silent = [...Array(f).keys()].map((i) => 3 * i);
    const r = runSimulation({ seed: 2, n, durationMs, byzantine: { count: f, indices: silent, behaviour: { silent: true } } });
    noViolations(r, `n=${n}`);
    const slots = durationMs / 500;
    let honestSlots = 0;
    for (let s = 1; s <= slots; s++) if (!silent.includes(Math.floor(s / 12) % n)) honestSlots++;
    assert.ok(honestSlots < slots - 12);
    assert.equal(r.blocksCreated, honestSlots, 'exactly the honest producers’ slots have blocks');
    assert.ok(r.minLibNum >= r.blocksCreated - 1, `LIB ${r.minLibNum}, blocks ${r.blocksCreated}`);
    assert.ok(r.maxHeadMinusLib <= 1, `head − LIB reached ${r.maxHeadMinusLib}`);
  });
}

const FUZZ: { n: number; byz: number[]; seeds: number[]; durationMs: number }[] = [
  { n: 4, byz: [0, 1], seeds: [1, 2], durationMs: 60_000 },
  { n: 7, byz: [0, 1, 2], seeds: [1], durationMs: 60_000 },
  { n: 21, byz: [6], seeds: [1], durationMs: 30_000 },
];

test('safety fuzz: 0..f byzantine double voters with equivocating/forking/withholding/invalid blocks, adversarial network', () => {
  let demotedDoubleVoters = 0;
  for (const { n, byz, seeds, durationMs } of FUZZ) {
    for (const count of byz) {
      for (const seed of seeds) {
        const r = runSimulation({ seed, n, durationMs, net: ADVERSARIAL, byzantine: { count, behaviour: { doubleVote: true, producer: 'mixed' } } });
        const what = `n=${n} byz=${count} seed=${seed}`;
        noViolations(r, what);
        const slots = durationMs / 500;
        assert.ok(r.minLibNum >= slots / 2, `${what}: LIB only reached ${r.minLibNum}`);
        const byzNames = new Set(r.byzantine.map(simName));
        for (const d of r.demotedOnFinalChain) assert.ok(byzNames.has(d), `${what}: honest ${d} was demoted`);
        demotedDoubleVoters += r.demotedOnFinalChain.length;
        for (const nd of r.nodes) if (!byzNames.has(nd.name)) assert.equal(nd.db.checkInvariants(), undefined);
      }
    }
  }
  assert.ok(demotedDoubleVoters > 0, 'double votes are caught as evidence and punished on the final chain');
});
