/**
 * Crash-restart at every persistence point (CONSENSUS.md §5.10, §5.12 item 5). The simulator writes a
 * node's disk in explicit steps — fork file, UTXO store one block at a time, FSI before a vote,
 * watermark before a block, block log before the fork-database root — and a scripted crash stops the
 * node right after one of them; the rest of that handler never runs and memory is lost. The node then
 * restarts from its files alone, with all of them, without the FSI, with a corrupt FSI, without FSI and
 * watermark, or without the fork-database file.
 *
 * Every run checks after every event: each honest node's UTXO value equals the sum along its head's
 * chain and the head is on valid blocks; all honest nodes (the restarted one included) compute identical
 * header states for the same block; no conflicting finality; LIB monotone across the restart; no double
 * production; the auditor replays every signed vote of both lives (P2, C2, C3, P3). On top of that each
 * test asserts what its crash point must leave behind, and that the restarted node ends in the state of
 * the nodes that never crashed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADVERSARIAL, SYNCHRONOUS, runSimulation, simName } from '../../src/consensus/sim/index.ts';
import type { CrashPoint, PersistPoint, SimOptions, SimReport, SurvivingFiles } from '../../src/consensus/sim/index.ts';
import { idKey } from '../../src/consensus/index.ts';

const NODE = 1; // p01: honest, produces in slots 12..23 and 60..71 (n = 4)

/** n = 4 on an adversarial network with one double-voting, misbehaving producer (p03): forks, invalid blocks, late messages. */
function base(crash: CrashPoint, extra: Partial<SimOptions> = {}): SimReport {
  return runSimulation({
    seed: 4,
    n: 4,
    durationMs: 40_000,
    net: ADVERSARIAL,
    byzantine: { count: 1, indices: [3], behaviour: { doubleVote: true, producer: 'mixed' } },
    crashPoints: [crash],
    checkStateEveryEvent: true,
    ...extra,
  });
}

function show(r: SimReport): string {
  return r.violations.map((v) => `${v.kind}: ${v.detail}`).join('; ');
}

/** The checks every crash test shares (see the file comment). */
function assertRecovered(r: SimReport, point: PersistPoint, files: SurvivingFiles = {}): void {
  assert.deepEqual(r.violations, [], show(r));
  assert.equal(r.crashLog.length, 1, 'the scripted crash happened');
  assert.equal(r.crashLog[0]!.point, point);
  const nd = r.nodes[NODE]!;
  assert.equal(nd.recoveries.length, 1);
  const rec = nd.recoveries[0]!;
  assert.equal(rec.amnesia, files.keepFsi === false || files.corruptFsi === true, 'the amnesia rule applies exactly when the FSI is lost or corrupt');
  if (files.keepForkDb === false) assert.equal(idKey(rec.resumedAt.id), idKey(rec.logLib.id), 'without the fork file the store rolls back to the LIB');
  const votes = r.world.votesOf(nd.name);
  const after = votes.filter((v) => v.at >= rec.atMs);
  assert.ok(after.length > 10, 'it votes again after the restart');
  assert.ok(after.every((v) => v.slot >= rec.startupSlot), 'never below the startup slot');
  for (const phase of ['PREPARE', 'COMMIT'] as const) {
    const slots = votes.filter((v) => v.phase === phase).map((v) => v.slot);
    assert.equal(new Set(slots).size, slots.length, `no two ${phase} votes for one slot across both lives`);
  }
  // the restarted node ends where the nodes that never crashed end
  assert.ok(r.maxLibNum - r.minLibNum <= 1, `LIBs ${r.minLibNum}..${r.maxLibNum}`);
  assert.equal(nd.rootSum, r.world.chainSum(idKey(nd.db.lib.id)), 'UTXO value at its LIB');
  assert.equal(nd.appliedSum, r.world.chainSum(idKey(nd.db.head.ref.id)), 'UTXO value at its head');
  const twin = r.nodes.find((o) => o !== nd && o.honest && idKey(o.db.lib.id) === idKey(nd.db.lib.id));
  assert.ok(twin !== undefined, 'a node that never crashed holds the same LIB');
  assert.equal(nd.rootSum, twin.rootSum);
  assert.deepEqual(nd.db.root.state, twin.db.root.state, 'identical consensus state at the LIB');
  if (idKey(twin.db.head.ref.id) === idKey(nd.db.head.ref.id)) assert.equal(nd.appliedSum, twin.appliedSum);
}

const LOSSES: readonly (readonly [string, SurvivingFiles])[] = [
  ['all files kept', {}],
  ['FSI lost (amnesia rule)', { keepFsi: false }],
  ['FSI corrupt (amnesia rule), watermark lost', { corruptFsi: true, keepWatermark: false }],
  ['fork-database file lost', { keepForkDb: false }],
];

for (const [what, files] of LOSSES) {
  test(`crash after the FSI write, before the PREPARE leaves; restart with ${what}: that vote is never sent, later ones never conflict`, () => {
    const r = base({ node: NODE, point: 'fsi-written', phase: 'PREPARE', afterMs: 8_000, downMs: 1_500, ...files });
    assertRecovered(r, 'fsi-written', files);
    const rec = r.nodes[NODE]!.recoveries[0]!;
    if (!rec.amnesia) {
      const unsent = rec.fsi.lastPrepare!;
      const sent = r.world.votesOf(simName(NODE)).filter((v) => v.phase === 'PREPARE' && v.slot === unsent.slot);
      assert.deepEqual(sent, [], `the PREPARE at slot ${unsent.slot} was written to the FSI, never sent, and never re-signed`);
    } else {
      assert.equal(rec.fsi.lock?.id, null, 'the amnesia FSI holds a virtual lock');
    }
  });

  test(`crash after the FSI write, before the COMMIT leaves; restart with ${what}`, () => {
    const r = base({ node: NODE, point: 'fsi-written', phase: 'COMMIT', afterMs: 8_000, downMs: 1_500, ...files });
    assertRecovered(r, 'fsi-written', files);
    const rec = r.nodes[NODE]!.recoveries[0]!;
    if (!rec.amnesia) {
      const s = rec.fsi.lastCommitSlot;
      assert.deepEqual(r.world.votesOf(simName(NODE)).filter((v) => v.phase === 'COMMIT' && v.slot === s), [], `the COMMIT at slot ${s} is never sent`);
    }
  });

  test(`crash right after a COMMIT was sent (between send and next vote); restart with ${what}`, () => {
    const r = base({ node: NODE, point: 'vote-sent', phase: 'COMMIT', afterMs: 8_000, downMs: 1_500, ...files });
    assertRecovered(r, 'vote-sent', files);
    const rec = r.nodes[NODE]!.recoveries[0]!;
    if (files.keepForkDb === false) assert.ok(rec.rolledBack >= 1, 'its store tip was a reversible block the lost fork file held: rolled back through the undo records');
    const lastSent = r.world.votesOf(simName(NODE)).filter((v) => v.phase === 'COMMIT' && v.at <= r.crashLog[0]!.atMs).at(-1)!;
    if (!rec.amnesia) assert.equal(rec.fsi.lastCommitSlot, lastSent.slot, 'the FSI on disk knows the vote that left');
  });

  test(`crash between the watermark write and the block broadcast; restart with ${what}: that slot stays empty`, () => {
    const r = base({ node: NODE, point: 'watermark-written', afterMs: 6_000, downMs: 200, ...files });
    assertRecovered(r, 'watermark-written', files);
    const crashSlot = Math.floor(r.crashLog[0]!.atMs / 500);
    const mine = [...r.world.blocks.values()].filter((b) => b.header.producer === simName(NODE)).map((b) => b.header.slot);
    assert.ok(!mine.includes(crashSlot), `no block of ${simName(NODE)} at slot ${crashSlot}`);
    assert.ok(mine.some((s) => s > crashSlot), 'it produced again later in its turn');
  });

  test(`crash during a branch switch, old branch half undone; restart with ${what}: the store resumes half-way and finishes the switch`, () => {
    const r = base({ node: NODE, point: 'store-undo', afterMs: 8_000, downMs: 1_500, ...files });
    assertRecovered(r, 'store-undo', files);
    const rec = r.nodes[NODE]!.recoveries[0]!;
    const oldHead = r.crashLog[0]!.head!;
    assert.ok(r.world.extendsKey(idKey(oldHead.id), idKey(rec.resumedAt.id)) && rec.resumedAt.num < oldHead.num, 'the store tip was below the old head');
    if (files.keepForkDb !== false) assert.notEqual(idKey(rec.head.id), idKey(rec.resumedAt.id), 'and moves on to the best head');
  });

  test(`crash during a branch switch, new branch half applied; restart with ${what}`, () => {
    const r = base({ node: NODE, point: 'store-redo', afterMs: 8_000, downMs: 1_500, ...files });
    assertRecovered(r, 'store-redo', files);
    const rec = r.nodes[NODE]!.recoveries[0]!;
    const oldHead = r.crashLog[0]!.head!;
    if (files.keepForkDb !== false) assert.ok(!r.world.extendsKey(idKey(oldHead.id), idKey(rec.resumedAt.id)), 'the store tip was on the new branch');
  });

  test(`crash right after a block failed validation mid-switch (remove-on-failure cut short); restart with ${what}`, () => {
    const r = base({ node: NODE, point: 'apply-failed', afterMs: 8_000, downMs: 1_500, ...files });
    assertRecovered(r, 'apply-failed', files);
    const nd = r.nodes[NODE]!;
    for (const s of nd.disk.forkFile.values()) assert.ok(s.payload.valid, 'no invalid block stays in the fork file');
  });
}

test('crash during a root advance, after the first of several newly final blocks reached the block log', () => {
  // p01 is cut off for 3.5 s during p02's turn, so on healing many blocks become final at once
  const r = base(
    { node: NODE, point: 'log-append', afterMs: 16_000, downMs: 1_000 },
    { partitions: [{ atMs: 12_500, groups: [[0, 2, 3], [1]] }, { atMs: 16_000, groups: undefined }] },
  );
  assertRecovered(r, 'log-append');
  const rec = r.nodes[NODE]!.recoveries[0]!;
  assert.equal(rec.stale, 1, 'the one logged block was still in the fork file (ignored on restart)');
  assert.ok(rec.resumedAt.num > rec.logLib.num + 3, `blocks final elsewhere but not in its log stayed reversible (log ${rec.logLib.num}, store ${rec.resumedAt.num})`);
});

test('crash during a root advance, after the block log was synced and before the fork database moved', () => {
  const r = base(
    { node: NODE, point: 'log-synced', afterMs: 16_000, downMs: 1_000 },
    { partitions: [{ atMs: 12_500, groups: [[0, 2, 3], [1]] }, { atMs: 16_000, groups: undefined }] },
  );
  assertRecovered(r, 'log-synced');
  const rec = r.nodes[NODE]!.recoveries[0]!;
  assert.ok(rec.stale > 3, `the newly final blocks were still in the fork file (${rec.stale}), ignored`);
  assert.ok(rec.resumedAt.num >= rec.logLib.num, 'the store tip was at or above the logged LIB');
});

test('crash right after the root advance completed, and after a received block was stored', () => {
  for (const point of ['fork-pruned', 'block-stored'] as const) {
    const r = base({ node: NODE, point, afterMs: 9_000, downMs: 1_000 });
    assertRecovered(r, point);
    assert.equal(r.nodes[NODE]!.recoveries[0]!.stale, 0);
  }
});

test('a producer that crashes after writing its watermark and is back within its slot’s budget does not produce that slot again', () => {
  // p01's slot 14 starts at 7 000 ms; it is back at 7 050, inside the 200 ms budget, and tries again
  const crash = { node: NODE, point: 'watermark-written' as const, afterMs: 7_000, downMs: 50 };
  const r = runSimulation({ seed: 2, n: 4, durationMs: 20_000, net: SYNCHRONOUS, crashPoints: [crash], checkStateEveryEvent: true });
  assert.deepEqual(r.violations, [], show(r));
  assert.equal(r.crashLog[0]!.atMs, 7_000);
  const slots = [...r.world.blocks.values()].filter((b) => b.header.producer === 'p01').map((b) => b.header.slot);
  assert.ok(!slots.includes(14) && slots.includes(15), `slot 14 stays empty, slot 15 is produced (${slots.join(',')})`);
  // the same with the watermark file lost: nothing at or before the startup slot
  const r2 = runSimulation({ seed: 2, n: 4, durationMs: 20_000, net: SYNCHRONOUS, crashPoints: [{ ...crash, point: 'block-sent', keepWatermark: false }] });
  assert.deepEqual(r2.violations, [], show(r2));
  const s2 = [...r2.world.blocks.values()].filter((b) => b.header.producer === 'p01').map((b) => b.header.slot);
  assert.equal(s2.filter((s) => s === 14).length, 1, 'the block of slot 14 left once');
  assert.ok(!s2.includes(15) && !s2.includes(16) && s2.includes(17), `after amnesia it waits past the startup slot (${s2.join(',')})`);
});

test('teeth: broadcasting a block before persisting the watermark, then a crash in between, makes the producer sign slot 14 twice', () => {
  const crash = { node: NODE, point: 'block-sent' as const, afterMs: 7_000, downMs: 50 };
  const bad = runSimulation({ seed: 2, n: 4, durationMs: 20_000, net: SYNCHRONOUS, crashPoints: [crash], sendBeforePersist: true });
  assert.ok(bad.violations.some((v) => v.kind === 'double-production'), `expected double production, got: ${show(bad)}`);
  const good = runSimulation({ seed: 2, n: 4, durationMs: 20_000, net: SYNCHRONOUS, crashPoints: [crash] });
  assert.deepEqual(good.violations, [], 'the same crash with the §5.10 order is harmless');
});

test('up to f nodes crashing at random persistence points, with random file losses, never break safety (n = 7)', () => {
  const points: PersistPoint[] = ['fsi-written', 'vote-sent', 'watermark-written', 'store-undo', 'store-redo', 'log-append', 'log-synced', 'apply-failed'];
  let fired = 0;
  for (let seed = 1; seed <= 4; seed++) {
    const crashPoints: CrashPoint[] = [2, 5].map((node, k) => ({
      node,
      point: points[(seed * 3 + k * 5) % points.length]!,
      afterMs: 4_000 + 3_000 * k + 1_000 * seed,
      downMs: 700 + 900 * k,
      keepFsi: (seed + k) % 3 !== 0,
      keepWatermark: (seed + k) % 2 === 0,
      keepForkDb: seed % 4 !== 1,
    }));
    const r = runSimulation({
      seed,
      n: 7,
      durationMs: 40_000,
      net: ADVERSARIAL,
      byzantine: { count: 1, indices: [6], behaviour: { doubleVote: true, producer: 'mixed' } },
      crashPoints,
      checkStateEveryEvent: true,
    });
    assert.deepEqual(r.violations, [], `seed ${seed}: ${show(r)}`);
    assert.ok(r.minLibNum > 40, `seed ${seed}: LIB ${r.minLibNum}..${r.maxLibNum}`);
    for (const nd of r.nodes) {
      const back = nd.recoveries.at(-1);
      if (back !== undefined && back.atMs < 32_000) assert.ok(nd.db.lib.num >= r.maxLibNum - 1, `seed ${seed}: ${nd.name} restarted at ${back.atMs} ms caught up`);
    }
    fired += r.crashLog.length;
  }
  assert.ok(fired >= 6, `most scripted crashes found their point (${fired} of 8)`);
});
