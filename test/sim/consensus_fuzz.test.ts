/**
 * Long safety fuzz of the simulator: CCHOST_FUZZ_RUNS seeds (default 0: skipped; the short fuzz in
 * consensus_sim.test.ts always runs). Each seed draws a configuration — n ∈ {4, 7, 21}, 0..f byzantine
 * nodes with a random behaviour, a random network profile, optionally a partition that heals and a
 * crash with or without the FSI — runs 60 s of slots and checks every invariant (no conflicting
 * finality, LIB monotone and certified, no honest double production, vote audit P2/C2/C3/P3).
 * Example: `CCHOST_FUZZ_RUNS=200 node scripts/run-tests.mjs test/sim/consensus_fuzz.test.ts` (about
 * a second per seed on one core).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADVERSARIAL, Prng, SYNCHRONOUS, maxFaulty, runSimulation } from '../../src/consensus/sim/index.ts';
import type { Behaviour, NetProfile, SimOptions } from '../../src/consensus/sim/index.ts';

const seeds = Number(process.env['CCHOST_FUZZ_RUNS'] ?? 0);

/** The configuration a seed stands for (printed on failure, so a failing seed can be replayed). */
function fuzzConfig(seed: number): SimOptions {
  const rng = new Prng(seed * 7919 + 1);
  const n = rng.pick([4, 4, 7, 7, 21]);
  const f = maxFaulty(n);
  const behaviours: Behaviour[] = [
    { doubleVote: true, producer: 'mixed' },
    { doubleVote: true, producer: 'equivocate' },
    { producer: 'mixed' },
    { silent: true },
  ];
  const nets: NetProfile[] = [
    ADVERSARIAL,
    SYNCHRONOUS,
    { minDelayMs: 50, maxDelayMs: 400, jitterMs: 300, tailPerMille: 200, tailMaxMs: 3000, dropPerMille: 50 },
  ];
  const idx = [...Array(n).keys()];
  const opts: { -readonly [K in keyof SimOptions]: SimOptions[K] } = {
    seed,
    n,
    durationMs: 60_000,
    net: rng.pick(nets),
    byzantine: { count: rng.int(0, f + 1), behaviour: rng.pick(behaviours) },
  };
  if (rng.chance(1, 3)) {
    const shuffled = rng.shuffle(idx);
    const cut = rng.int(1, n);
    const at = rng.int(4_000, 30_000);
    opts.partitions = [
      { atMs: at, groups: [shuffled.slice(0, cut), shuffled.slice(cut)] },
      { atMs: at + rng.int(2_000, 20_000), groups: undefined },
    ];
  }
  if (rng.chance(1, 3)) {
    opts.crashes = [{ node: rng.pick(idx), atMs: rng.int(2_000, 40_000), downMs: rng.int(500, 10_000), keepFsi: rng.chance(1, 2), keepWatermark: rng.chance(1, 2) }];
  }
  return opts;
}

test(`long safety fuzz over ${seeds} seeds (CCHOST_FUZZ_RUNS)`, { skip: seeds === 0 ? 'set CCHOST_FUZZ_RUNS to a number of seeds' : false }, () => {
  for (let seed = 1; seed <= seeds; seed++) {
    const cfg = fuzzConfig(seed);
    const r = runSimulation(cfg);
    const show = () => JSON.stringify({ ...cfg, byz: r.byzantine });
    assert.deepEqual(r.violations, [], `seed ${seed}: ${show()}`);
    assert.ok(r.maxLibNum > 0, `seed ${seed}: nothing ever became final: ${show()}`);
  }
});
