/**
 * Schedule changes in the simulator (CONSENSUS.md §5.5, §5.12 item 6): a proposal becomes pending
 * once its block is final on the chain, active at the next turn boundary once the pending-maker is
 * final, with dual-quorum certificates in between. Members that left no longer count; newcomers
 * start voting while pending. Covered: replace one, add one, remove one, replace 7 of 21, replace all
 * (4 and 21), a partition inside the pending window, old-set keys turning byzantine after leaving,
 * and demotion (missed slots; evidence of double production and double voting) followed by election.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quorum, runSimulation, simName } from '../../src/consensus/sim/index.ts';
import { idKey, qcSignerCounts } from '../../src/consensus/index.ts';
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

const range = (a: number, b: number): number[] => [...Array(b - a).keys()].map((i) => i + a);

/**
 * Checks that every certificate carried on the final chain on a block that had a pending schedule
 * reaches quorum in both sets (`sizes`: members per schedule version); returns how many there were.
 */
function dualCertificates(r: SimReport, sizes: Record<number, number>): number {
  let dual = 0;
  for (const key of r.world.finalHead!.ancestry) {
    const h = r.world.blocks.get(key)!.header;
    for (const qc of [h.justifyQc, h.finalQc]) {
      if (qc === undefined) continue;
      const target = r.world.blocks.get(idKey(qc.block.id))!.header;
      assert.equal(qc.pendingVersion, target.pendingVersion, 'certificate versions are the block’s');
      if (target.pendingVersion === 0) continue;
      const counts = qcSignerCounts(qc);
      assert.ok(counts.active >= quorum(sizes[qc.activeVersion]!), `active quorum on block ${target.num}`);
      assert.ok(counts.pending >= quorum(sizes[qc.pendingVersion]!), `pending quorum on block ${target.num}`);
      dual++;
    }
  }
  return dual;
}

/** Producers of blocks on the final chain from `slot` on. */
function finalProducersFrom(r: SimReport, slot: number): Set<string> {
  const out = new Set<string>();
  for (const key of r.world.finalHead!.ancestry) {
    const h = r.world.blocks.get(key)!.header;
    if (h.slot >= slot) out.add(h.producer);
  }
  return out;
}

for (const [what, genesisMembers, members, n] of [
  ['add one member (4 → 5)', range(0, 4), range(0, 5), 5],
  ['remove one member (5 → 4)', range(0, 5), range(0, 4), 5],
  ['replace 7 of 21', range(0, 21), [...range(0, 14), ...range(21, 28)], 28],
  ['replace all 21 members', range(0, 21), range(21, 42), 42],
] as const) {
  test(`${what}: pending once proposed block is final, active at the next turn boundary, dual-quorum certificates in between`, () => {
    const r = runSimulation({ seed: 1, n, durationMs: 20_000, genesisMembers, schedulePlan: [{ atSlot: 13, members }] });
    assert.deepEqual(r.violations, []);
    const { proposedAt, activeFrom } = versionsOnFinalChain(r);
    assert.equal(proposedAt.get(2), 13);
    assert.equal(activeFrom.get(2), 24, 'active from the first block of the next turn');
    assert.ok(dualCertificates(r, { 1: genesisMembers.length, 2: members.length }) > 0, 'certificates during the pending window carried both quorums');
    const names = (xs: readonly number[]) => new Set(xs.map(simName));
    for (const i of genesisMembers.filter((m) => !(members as readonly number[]).includes(m))) {
      const late = r.world.votesOf(simName(i)).filter((v) => r.world.blocks.get(v.key)!.header.activeVersion === 2);
      assert.deepEqual(late, [], `${simName(i)} left and never voted on a version-2 block`);
    }
    for (const i of members.filter((m) => !(genesisMembers as readonly number[]).includes(m)).slice(0, 3)) {
      assert.ok(r.world.votesOf(simName(i)).length > 0, `newcomer ${simName(i)} votes`);
    }
    const after = finalProducersFrom(r, 24);
    assert.ok(after.size > 0);
    for (const p of after) assert.ok(names(members).has(p), `only version-2 members produce after the hand-over (${p})`);
    assert.ok(r.minLibNum >= 36, `finality went on through the hand-over (LIB ${r.minLibNum})`);
  });
}

test('a partition inside the pending window: neither side finalizes (dual quorum); without a pending schedule the old-set majority would have', () => {
  // old set p00..p03, new set p04..p07; the split gives side A 3 of 4 old members but 1 of 4 new ones,
  // side B 3 of 4 new but 1 of 4 old. It starts as the pending-maker (slot 15) is sealed.
  const sides = [[0, 1, 2, 4], [3, 5, 6, 7]];
  const partitions = [{ atMs: 7_499, groups: sides }, { atMs: 20_000, groups: undefined }];
  const r = runSimulation({ seed: 1, n: 8, durationMs: 40_000, genesisMembers: range(0, 4), schedulePlan: [{ atSlot: 13, members: range(4, 8) }], partitions });
  assert.deepEqual(r.violations, []);
  const pendingMakers = [...r.world.blocks.values()].filter((b) => b.header.pendingVersion === 2).map((b) => b.header.slot);
  assert.equal(Math.min(...pendingMakers), 15, 'the pending window opened as the split began');
  const grew = new Set([...r.world.blocks.values()].filter((b) => b.header.slot > 15 && b.header.slot < 40).map((b) => b.header.producer));
  assert.ok(grew.has('p01') && grew.has('p02') && grew.has('p03'), 'both sides kept producing');
  for (let i = 0; i < 8; i++) {
    const t = r.libTrace[i]!;
    assert.equal(t[40], t[15], `node ${i}: no finality on either side while split (LIB ${t[15]} → ${t[40]})`);
    assert.ok(t[79]! > t[40]! + 20, `node ${i}: finality resumed after the heal`);
  }
  const { activeFrom } = versionsOnFinalChain(r);
  assert.ok(activeFrom.get(2)! > 40 && activeFrom.get(2)! % 12 === 0, `the hand-over completed after the heal (slot ${activeFrom.get(2)})`);
  assert.ok(dualCertificates(r, { 1: 4, 2: 4 }) > 0);
  // control: the same split with no schedule change lets side A (3 of the 4 members) finalize
  const c = runSimulation({ seed: 1, n: 8, durationMs: 40_000, genesisMembers: range(0, 4), partitions });
  assert.deepEqual(c.violations, []);
  assert.ok(c.libTrace[0]![40]! > c.libTrace[0]![15]! + 10, 'a single quorum of the old set finalizes on side A');
});

test('old-set keys after leaving cannot finalize anything: 7 leavers of 21 turn byzantine (double votes with old keys, a long-range fork under the old schedule), with 2 byzantine members that is 9 keys; as members the same 9 break safety', () => {
  const leavers = range(2, 9); // p02..p08: replaced by p21..p27; the old schedule gives them turns 2..4
  const members = [0, 1, ...range(9, 28)];
  const inSet = { count: 2, indices: [9, 10], behaviour: { doubleVote: true, producer: 'equivocate' as const } }; // v2 turns 2 and 3
  const turn = { atMs: 13_000, nodes: leavers, behaviour: { doubleVote: true, ignoreMembership: true, producer: 'oldSchedule' as const } };
  const r = runSimulation({ seed: 1, n: 28, durationMs: 30_000, genesisMembers: range(0, 21), byzantine: inSet, schedulePlan: [{ atSlot: 13, members }], behaviourChanges: [turn] });
  assert.deepEqual(r.violations, [], 'no conflicting finality');
  assert.equal(versionsOnFinalChain(r).activeFrom.get(2), 24);
  const longRange = [...r.world.blocks.values()].filter((b) => leavers.map(simName).includes(b.header.producer) && b.header.slot > 24);
  assert.ok(longRange.length > 20, `the leavers built a long-range fork under version 1 (${longRange.length} blocks)`);
  assert.ok(longRange.every((b) => b.header.activeVersion === 1 && !r.world.acceptedByHonest.has(b.key)), 'no honest node accepted any of it');
  assert.ok(r.libTrace[11]![59]! > r.libTrace[11]![48]! + 5, 'finality resumed once honest v2 producers held the turn');
  // control: the 7 turn byzantine while still members (no schedule change): 9 byzantine members of 21
  const c = runSimulation({
    seed: 1,
    n: 28,
    durationMs: 30_000,
    genesisMembers: range(0, 21),
    byzantine: inSet,
    behaviourChanges: [{ ...turn, behaviour: { doubleVote: true, producer: 'equivocate' } }],
  });
  assert.ok(c.violations.some((v) => v.kind === 'conflicting-final'), 'as members, the same 9 keys finalize conflicting blocks');
});

test('evidence-driven demotion, then election: a double producer and a double voter are demoted on chain and elected out', () => {
  const r = runSimulation({
    seed: 1,
    n: 9,
    durationMs: 45_000,
    genesisMembers: range(0, 7),
    byzantine: { count: 1, indices: [1], behaviour: { producer: 'equivocate' } },
    behaviourChanges: [{ atMs: 0, nodes: [2], behaviour: { doubleVote: true } }],
    elections: { candidates: range(0, 9), maxProducers: 7 },
  });
  assert.deepEqual(r.violations, []);
  const st = r.nodes[0]!.db.root.state;
  assert.deepEqual(
    st.standby.map((x) => [x.name, x.reason]),
    [
      ['p01', 'double-produce'],
      ['p02', 'double-prepare'],
    ],
  );
  const chain = r.world.finalHead!.ancestry.map((k) => r.world.blocks.get(k)!.header);
  const evidenceAt = chain.find((h) => (h.evidence ?? []).length > 0)!;
  const proposal = chain.find((h) => h.newSchedule !== undefined)!;
  assert.equal(proposal.num, evidenceAt.num + 1, 'the election runs in the block after the evidence');
  assert.deepEqual(proposal.newSchedule!.producers.map((p) => p.name), ['p00', 'p03', 'p04', 'p05', 'p06', 'p07', 'p08']);
  assert.equal(st.active.version, 2);
  const from = versionsOnFinalChain(r).activeFrom.get(2)!;
  const after = finalProducersFrom(r, from);
  assert.ok(!after.has('p01') && !after.has('p02') && (after.has('p07') || after.has('p08')), `after slot ${from}: ${[...after].join(',')}`);
  assert.ok(r.minLibNum > 70);
});
