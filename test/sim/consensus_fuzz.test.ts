/**
 * Seeded safety fuzz of the simulator (CONSENSUS.md §5.12 item 2). Seed s runs n = [4, 7, 21][s mod 3]
 * producers, 0..f of them byzantine with a random behaviour, on a random network profile; with some
 * probability also a partition that heals, a crash at a random persistence point (or between events)
 * with random file losses (an FSI loss counts against the f budget: byzantine + FSI losses ≤ f), and a
 * schedule change that replaces 1–3 members with newcomers. Each run is 60 s of slots, checked after
 * every event: no conflicting finality, LIB monotone and certified (also
 * across restarts), no honest double production, vote audit P2/C2/C3/P3 over both lives of a
 * restarted node, every honest UTXO value equal to its head chain's, identical header states.
 *
 * CCHOST_FUZZ_RUNS seeds (default 6: one short pass over n ∈ {4, 7, 21} twice in the suite);
 * `npm run fuzz:consensus` runs 300. A failing seed prints its configuration, to replay it alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADVERSARIAL, Prng, SYNCHRONOUS, maxFaulty, runSimulation } from '../../src/consensus/sim/index.ts';
import type { Behaviour, NetProfile, PersistPoint, SimOptions } from '../../src/consensus/sim/index.ts';

const seeds = Number(process.env['CCHOST_FUZZ_RUNS'] ?? 6);

const POINTS: readonly PersistPoint[] = [
  'block-stored',
  'store-apply',
  'store-undo',
  'store-redo',
  'apply-failed',
  'fsi-written',
  'vote-sent',
  'watermark-written',
  'block-sent',
  'log-append',
  'log-synced',
  'fork-pruned',
];

/** The configuration a seed stands for (printed on failure, so a failing seed can be replayed). */
function fuzzConfig(seed: number): SimOptions {
  const rng = new Prng(seed * 7919 + 1);
  const n = [4, 7, 21][seed % 3]!;
  const f = maxFaulty(n);
  const behaviours: Behaviour[] = [
    { doubleVote: true, producer: 'mixed' },
    { doubleVote: true, producer: 'equivocate' },
    { producer: 'mixed' },
    { silent: true },
    { doubleVote: true, keepForks: true },
  ];
  const nets: NetProfile[] = [
    ADVERSARIAL,
    SYNCHRONOUS,
    { minDelayMs: 50, maxDelayMs: 400, jitterMs: 300, tailPerMille: 200, tailMaxMs: 3000, dropPerMille: 50 },
  ];
  const extra = rng.chance(1, 4) ? rng.int(1, 4) : 0;
  const total = n + extra;
  const idx = [...Array(total).keys()];
  const opts: { -readonly [K in keyof SimOptions]: SimOptions[K] } = {
    seed,
    n: total,
    durationMs: 60_000,
    net: rng.pick(nets),
    byzantine: { count: rng.int(0, f + 1), behaviour: rng.pick(behaviours) },
    checkStateEveryEvent: true,
  };
  if (extra > 0) {
    const leaving = new Set(rng.shuffle([...Array(n).keys()]).slice(0, extra));
    opts.genesisMembers = [...Array(n).keys()];
    opts.schedulePlan = [{ atSlot: rng.int(10, 60), members: idx.filter((i) => i >= n || !leaving.has(i)) }];
  }
  if (rng.chance(1, 3)) {
    const shuffled = rng.shuffle(idx);
    const cut = rng.int(1, total);
    const at = rng.int(4_000, 30_000);
    opts.partitions = [
      { atMs: at, groups: [shuffled.slice(0, cut), shuffled.slice(cut)] },
      { atMs: at + rng.int(2_000, 20_000), groups: undefined },
    ];
  }
  // a restart that loses its FSI cannot vote until the others form a certificate without it (§5.10
  // step 3), so it counts against the fault budget: byzantine + FSI losses ≤ f, else finality may stop
  let fsiLossesLeft = f - opts.byzantine!.count;
  const files = () => {
    const lose = fsiLossesLeft > 0 && rng.chance(1, 2);
    if (lose) fsiLossesLeft--;
    const corrupt = lose && rng.chance(1, 4);
    return { keepFsi: !lose || corrupt, corruptFsi: corrupt, keepWatermark: rng.chance(1, 2), keepForkDb: rng.chance(3, 4) };
  };
  if (rng.chance(1, 3)) {
    opts.crashes = [{ node: rng.pick(idx), atMs: rng.int(2_000, 40_000), downMs: rng.int(500, 10_000), ...files() }];
  }
  if (rng.chance(1, 2)) {
    opts.crashPoints = [{ node: rng.pick(idx), point: rng.pick(POINTS), afterMs: rng.int(2_000, 40_000), nth: rng.int(1, 4), downMs: rng.int(50, 6_000), ...files() }];
  }
  return opts;
}

test(`safety fuzz over ${seeds} seeds, n ∈ {4, 7, 21}, 0..f byzantine, partitions, crashes at persistence points, schedule changes (CCHOST_FUZZ_RUNS)`, (t) => {
  let crashes = 0;
  let restarts = 0;
  let changes = 0;
  let partitions = 0;
  let byzantine = 0;
  let atF = 0;
  let blocks = 0;
  let finalBlocks = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const cfg = fuzzConfig(seed);
    const r = runSimulation(cfg);
    const show = () => JSON.stringify({ ...cfg, byz: r.byzantine });
    assert.deepEqual(r.violations, [], `seed ${seed}: ${show()}`);
    assert.ok(r.maxLibNum > 0, `seed ${seed}: nothing ever became final: ${show()}`);
    crashes += r.crashLog.length;
    restarts += r.nodes.reduce((k, nd) => k + nd.recoveries.length, 0);
    if (cfg.schedulePlan !== undefined) changes++;
    if (cfg.partitions !== undefined) partitions++;
    byzantine += r.byzantine.length;
    if (r.byzantine.length === maxFaulty(cfg.genesisMembers?.length ?? cfg.n)) atF++;
    blocks += r.blocksCreated;
    finalBlocks += r.maxLibNum;
  }
  t.diagnostic(
    `${seeds} seeds: 0 violations; ${byzantine} byzantine nodes (${atF} runs with exactly f), ${partitions} partitions, ${crashes} crashes at persistence points, ${restarts} restarts, ${changes} schedule changes; ${blocks} blocks created, ${finalBlocks} final (highest LIB summed)`,
  );
  if (seeds >= 30) assert.ok(crashes > 0 && changes > 0, `the fuzz exercised crash points (${crashes}) and schedule changes (${changes})`);
});
