/**
 * The legacy-rule baseline (CONSENSUS.md §5.12 item 9): implied confirmations put the LIB 325–336
 * blocks behind the head with 21 producers (two stages of 14 distinct later producers each); the
 * explicit two-phase votes of this design keep it within a block on the same schedule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quorum, runSimulation } from '../../src/consensus/sim/index.ts';
import { legacyLag } from '../../src/consensus/sim/legacy.ts';

test('legacy implied-confirmation LIB lag: 325–336 blocks for 21 producers, 37–48 for 4, 85–96 for 7', () => {
  const table = { 4: [13, 24, 37, 48], 7: [37, 48, 85, 96], 21: [157, 168, 325, 336] } as const;
  for (const [n, [pmin, pmax, lmin, lmax]] of Object.entries(table)) {
    const lag = legacyLag(Number(n));
    assert.deepEqual([lag.plib.min, lag.plib.max, lag.lib.min, lag.lib.max], [pmin, pmax, lmin, lmax], `n=${n}`);
    const q = quorum(Number(n));
    assert.equal(lag.lib.min, (2 * (q - 1) - 1) * 12 + 1, 'the community formula for the minimum');
  }
});

test('explicit PREPARE/COMMIT votes on the same 21-producer schedule: head − LIB ≤ 1 instead of ≥ 325', () => {
  const r = runSimulation({ seed: 9, n: 21, durationMs: 20_000 });
  assert.deepEqual(r.violations, []);
  assert.ok(r.maxHeadMinusLib <= 1);
  assert.ok(r.maxHeadMinusLib * 300 < legacyLag(21).lib.min);
});
