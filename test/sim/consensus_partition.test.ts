/**
 * Partitions (CONSENSUS.md §5.12 item 4) with 21 producers: an 11/10 split stops finality on both
 * sides while both keep producing, and healing resumes finality within two turns on one branch; a
 * 15/6 split lets the majority finalize while the minority cannot, and after healing the minority
 * follows the majority without ever rewinding its LIB.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSimulation, simName } from '../../src/consensus/sim/index.ts';

/** `a` of `n` node indices spread over the schedule (so both sides hold turns), and the rest. */
function split(n: number, a: number): [number[], number[]] {
  const idx = [...Array(n).keys()];
  const A = idx.filter((i) => Math.floor(((i + 1) * a) / n) !== Math.floor((i * a) / n));
  return [A, idx.filter((i) => !A.includes(i))];
}

const START = 20; // slot of the split (10 s)
const HEAL = 60; // slot of the heal (30 s)

test('11/10 split of 21: both sides grow, neither finalizes; after healing one branch wins and finality resumes within 2 turns', () => {
  const [A, B] = split(21, 11);
  const r = runSimulation({ seed: 3, n: 21, durationMs: 50_000, partitions: [{ atMs: START * 500, groups: [A, B] }, { atMs: HEAL * 500, groups: undefined }] });
  assert.deepEqual(r.violations, []);
  const producersDuring = new Set<string>();
  for (const b of r.world.blocks.values()) if (b.header.slot > START + 1 && b.header.slot < HEAL) producersDuring.add(b.header.producer);
  assert.ok(A.some((i) => producersDuring.has(simName(i))), 'side A produced');
  assert.ok(B.some((i) => producersDuring.has(simName(i))), 'side B produced');
  for (let i = 0; i < 21; i++) {
    const t = r.libTrace[i]!;
    assert.ok(t[HEAL]! <= t[START]! + 2, `node ${i}: LIB moved from ${t[START]} to ${t[HEAL]} during the split`);
    assert.ok(t[HEAL + 24]! > t[HEAL]!, `node ${i}: no finality within 2 turns of the heal`);
  }
  assert.ok(r.maxLibNum - r.minLibNum <= 1, 'all nodes end on one final chain');
});

test('15/6 split of 21: the majority keeps finalizing, the minority stalls and then follows without rewinding', () => {
  const [A, B] = split(21, 15);
  const r = runSimulation({ seed: 4, n: 21, durationMs: 50_000, partitions: [{ atMs: START * 500, groups: [A, B] }, { atMs: HEAL * 500, groups: undefined }] });
  assert.deepEqual(r.violations, [], 'no conflicting finality, no LIB rewind');
  for (const i of A) {
    const t = r.libTrace[i]!;
    assert.ok(t[HEAL]! >= t[START]! + 20, `majority node ${i}: LIB ${t[START]} → ${t[HEAL]}`);
  }
  for (const i of B) {
    const t = r.libTrace[i]!;
    assert.ok(t[HEAL]! <= t[START]! + 2, `minority node ${i}: LIB moved during the split`);
    assert.ok(t[HEAL + 24]! >= r.libTrace[A[0]!]![HEAL]!, `minority node ${i} caught up with the majority's LIB`);
  }
  assert.ok(r.maxLibNum - r.minLibNum <= 1);
  // the minority's own blocks of the split are off the final chain: its heads were rewound
  const fin = r.world.finalHead!;
  const minorityNames = new Set(B.map(simName));
  const orphaned = [...r.world.blocks.values()].filter(
    (b) => b.header.slot > START + 1 && b.header.slot < HEAL && minorityNames.has(b.header.producer) && fin.ancestry[b.header.num] !== b.key,
  );
  assert.ok(orphaned.length > 0, 'the minority produced on its own branch during the split');
});
