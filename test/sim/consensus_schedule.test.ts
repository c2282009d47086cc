/**
 * Schedule changes in the simulator (CONSENSUS.md §5.5, §5.12 item 6): a proposal becomes pending
 * once its block is final on the chain, active at the next turn boundary once the pending-maker is
 * final, with dual-quorum certificates in between. Members that left no longer count; newcomers
 * start voting while pending.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSimulation, simName } from '../../src/consensus/sim/index.ts';
import type { SimReport } from '../../src/consensus/sim/index.ts';

function versionsOnFinalChain(r: SimReport): { proposedAt: Map<number, number>; activeFrom: Map<number, number> } {
  const fin = r.world.finalHead!;
  const proposedAt = new Map<number, number>();
  const activeFrom = new Map<number, number>();
  for (const key of fin.ancestry) {
    const h = r.world.blocks.get(key)!.header;
    if (h.newSchedule !== undefined && !proposedAt.has(h.newSchedule.version)) proposedAt.set(h.newSchedule.version, h.slot);
    if (!activeFrom.has(h.activeVersion)) activeFrom.set(h.activeVersion, h.slot);
  }
  return { proposedAt, activeFrom };
}

test('replace one, then another member of 4: hand-over within about a turn, dual quorum, leavers stop counting', () => {
  const r = runSimulation({
    seed: 1,
    n: 5,
    durationMs: 45_000,
    genesisMembers: [0, 1, 2, 3],
    schedulePlan: [
      { atSlot: 20, members: [0, 1, 2, 4] },
      { atSlot: 50, members: [1, 2, 3, 4] },
    ],
  });
  assert.deepEqual(r.violations, []);
  const { proposedAt, activeFrom } = versionsOnFinalChain(r);
  for (const v of [2, 3]) {
    const delay = activeFrom.get(v)! - proposedAt.get(v)!;
    assert.ok(delay > 0 && delay <= 26, `version ${v}: proposed at ${proposedAt.get(v)}, active from ${activeFrom.get(v)}`);
    assert.equal(activeFrom.get(v)! % 12, 0, 'activation at a turn boundary');
  }
  const rootState = r.nodes[4]!.db.root.state;
  assert.equal(rootState.active.version, 3);
  assert.deepEqual(rootState.active.producers.map((p) => p.name), ['p01', 'p02', 'p03', 'p04']);
  // p03 left in v2 and came back in v3; p00 left in v3: none of their votes are on blocks of a schedule without them
  for (const [who, member] of [
    ['p00', (a: number, p: number) => a <= 2 || p === 2],
    ['p03', (a: number, p: number) => a !== 2 || p === 3],
    ['p04', (a: number, p: number) => a >= 2 || p >= 2],
  ] as const) {
    for (const v of r.world.votesOf(who)) {
      const h = r.world.blocks.get(v.key)!.header;
      assert.ok(member(h.activeVersion, h.pendingVersion), `${who} voted on a block of versions ${h.activeVersion}/${h.pendingVersion}`);
    }
  }
  assert.ok(r.world.votesOf(simName(4)).length > 0, 'the newcomer votes');
  assert.ok(r.minLibNum > 70, `finality kept going through both hand-overs (LIB ${r.minLibNum})`);
});

test('replace the whole set: the old and new sets share no member, dual quorum carries finality across', () => {
  const r = runSimulation({ seed: 2, n: 8, durationMs: 40_000, genesisMembers: [0, 1, 2, 3], schedulePlan: [{ atSlot: 10, members: [4, 5, 6, 7] }] });
  assert.deepEqual(r.violations, []);
  const { activeFrom } = versionsOnFinalChain(r);
  assert.ok(activeFrom.has(2));
  for (const i of [0, 1, 2, 3]) {
    for (const v of r.world.votesOf(simName(i))) {
      assert.ok(r.world.blocks.get(v.key)!.header.activeVersion === 1, 'old members only vote on version-1 blocks');
    }
  }
  const produced = [...r.world.blocks.values()].filter((b) => b.header.slot > activeFrom.get(2)!).map((b) => b.header.producer);
  assert.ok(produced.length > 20 && produced.every((p) => ['p04', 'p05', 'p06', 'p07'].includes(p)), 'only the new set produces');
  assert.ok(r.minLibNum >= 70, `LIB ${r.minLibNum}`);
});

test('an offline producer is demoted after 24 missed own slots, re-elected out, and its replacement produces', () => {
  const r = runSimulation({
    seed: 1,
    n: 5,
    durationMs: 60_000,
    genesisMembers: [0, 1, 2, 3],
    byzantine: { count: 1, indices: [1], behaviour: { silent: true } },
    elections: { candidates: [0, 1, 2, 3, 4], maxProducers: 4 },
  });
  assert.deepEqual(r.violations, []);
  // p01 holds slots 12..23 and 60..71: demoted by the first block after slot 71
  const fin = r.world.finalHead!;
  const chain = fin.ancestry.map((k) => r.world.blocks.get(k)!.header);
  const firstAfter = chain.find((h) => h.slot > 71)!;
  const st = r.nodes[0]!.db.root.state;
  assert.deepEqual(st.standby, [{ name: 'p01', reason: 'missed-slots', atNum: firstAfter.num }]);
  const proposal = chain.find((h) => h.newSchedule !== undefined)!;
  assert.ok(proposal.slot > firstAfter.slot && proposal.slot <= firstAfter.slot + 2, 'the election runs in the next block');
  assert.deepEqual(proposal.newSchedule!.producers.map((p) => p.name), ['p00', 'p02', 'p03', 'p04']);
  assert.equal(st.active.version, 2);
  const p04 = chain.filter((h) => h.producer === 'p04').map((h) => h.slot);
  assert.ok(p04.length >= 10 && p04[0]! % 12 === 0, `the newcomer took over a turn (${p04.join(',')})`);
});
