/**
 * Crash and restart (CONSENSUS.md §5.10, §5.12 item 5): restarted nodes rebuild their fork database
 * from the persisted blocks, forget certificates they only knew from votes, keep their FSI and
 * watermark or lose them (amnesia rule), and vote again only from the startup slot. Up to f crashed
 * nodes never stop finality; f + 1 stop it until they return. The checker asserts no conflicting
 * finality, no honest double vote (auditor) and no honest double production along the way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADVERSARIAL, maxFaulty, runSimulation, simName } from '../../src/consensus/sim/index.ts';

for (const keepFsi of [true, false]) {
  test(`f of 7 crash and restart ${keepFsi ? 'with' : 'without (amnesia rule)'} their FSI: finality continues, the restarted nodes vote again and catch up`, () => {
    // p05 and p06 hold turns 5 and 6 (slots 60..83), after their restarts; the producers of the
    // crash window (p01, p02) stay up
    const crashes = [
      { node: 5, atMs: 7_000, downMs: 6_000, keepFsi, keepWatermark: keepFsi },
      { node: 6, atMs: 9_300, downMs: 4_100, keepFsi, keepWatermark: keepFsi },
    ];
    assert.equal(crashes.length, maxFaulty(7));
    const r = runSimulation({ seed: 5, n: 7, durationMs: 45_000, net: ADVERSARIAL, crashes });
    assert.deepEqual(r.violations, []);
    for (let i = 0; i < 7; i++) {
      if (crashes.some((c) => c.node === i)) continue;
      const t = r.libTrace[i]!;
      assert.ok(t[26]! > t[14]! + 6, `node ${i}: finality continued while two were down (${t[14]} → ${t[26]})`);
    }
    for (const c of crashes) {
      const restartedAt = c.atMs + c.downMs;
      const after = r.world.votesOf(simName(c.node)).filter((v) => v.at >= restartedAt);
      assert.ok(after.length > 10, `${simName(c.node)} voted again after its restart`);
      const startup = Math.floor(restartedAt / 500) + 2;
      assert.ok(after.every((v) => v.slot >= startup), 'never before the startup slot');
    }
    assert.ok(r.maxLibNum - r.minLibNum <= 1, 'restarted nodes caught up');
  });
}

test('f + 1 of 4 crash: finality stops while they are down and resumes when they return', () => {
  // p00 and p01 are down for slots 24..44, while p02 and p03 (turns at 24..47) keep producing
  const crashes = [
    { node: 0, atMs: 12_000, downMs: 10_000, keepFsi: true },
    { node: 1, atMs: 12_000, downMs: 10_000, keepFsi: true },
  ];
  const r = runSimulation({ seed: 6, n: 4, durationMs: 35_000, crashes });
  assert.deepEqual(r.violations, []);
  for (const i of [2, 3]) {
    const t = r.libTrace[i]!;
    assert.ok(t[44]! <= t[25]! + 1, `node ${i}: LIB ${t[25]} → ${t[44]} without a quorum`);
    assert.ok(t[69]! > t[44]! + 10, `node ${i}: finality resumed (${t[44]} → ${t[69]})`);
  }
  // the live producers kept producing while finality was stopped: head − LIB grew
  assert.ok(r.maxHeadMinusLib > 10);
});

test('a crash in the middle of a producer’s own turn does not make it sign a second block for a slot', () => {
  // with n = 4, p01 holds slots 12..23: crash it twice inside its turn, once losing FSI and watermark
  const r = runSimulation({
    seed: 7,
    n: 4,
    durationMs: 20_000,
    crashes: [
      { node: 1, atMs: 15 * 500 + 100, downMs: 700, keepFsi: true, keepWatermark: true },
      { node: 1, atMs: 19 * 500 + 100, downMs: 300, keepFsi: false, keepWatermark: false },
    ],
  });
  assert.deepEqual(r.violations, [], 'no double production, no rule violation');
  const byP01 = [...r.world.blocks.values()].filter((b) => b.header.producer === 'p01').map((b) => b.header.slot);
  assert.ok(byP01.length >= 6, 'it produced before and after the restarts');
  assert.equal(new Set(byP01).size, byP01.length);
});

test('an FSI loss is a fault for liveness: with f silent producers, one restart without its FSI stops finality (safety kept); with its FSI finality resumes', () => {
  // n = 7, p02 and p05 silent: the 5 others are exactly a quorum. p04 restarts at 9.4 s; without its FSI
  // it cannot vote until a certificate forms after its startup, which needs its own vote (§5.10 step 3)
  const run = (keepFsi: boolean) =>
    runSimulation({ seed: 778, n: 7, durationMs: 30_000, byzantine: { count: 2, indices: [2, 5], behaviour: { silent: true } }, crashes: [{ node: 4, atMs: 8_000, downMs: 1_400, keepFsi }] });
  const kept = run(true);
  const lost = run(false);
  assert.deepEqual(kept.violations, []);
  assert.deepEqual(lost.violations, []);
  assert.ok(kept.libTrace[0]![59]! > kept.libTrace[0]![20]! + 20, 'with the FSI: finality resumes after the restart');
  assert.equal(lost.libTrace[0]![59], lost.libTrace[0]![20], 'without it: f + 1 faults, finality stops for good');
  assert.ok(lost.world.votesOf('p04').filter((v) => v.at > 9_400).length === 0, 'the amnesic node never found a certificate to vote through');
});
