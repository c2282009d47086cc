import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256 } from '../../src/crypto/hash.ts';
import { utf8 } from '../../src/util/bytes.ts';
import type { BlockRef } from '../../src/chain/block/index.ts';
import {
  ConsensusErrorCode,
  Finalizer,
  INITIAL_FSI,
  NULL_REF,
  amnesiaFsi,
  decideCommit,
  decidePrepare,
  decodeFsi,
  decodeWatermark,
  encodeFsi,
  encodeWatermark,
  startupSlotFor,
  watermarkAfterAmnesia,
} from '../../src/consensus/index.ts';
import type { CandidateBlock, FinalizerSafety, VoteDecision, VoteEnvironment } from '../../src/consensus/index.ts';

/**
 * A block tree for the tables (name: parent, slot):
 *
 *   G(0) ─ a1(1) ─ a2(2) ─ a3(3) ─ a5(5) ─ a8(8)
 *                   └──── b4(4) ─ b6(6) ─ b7(7) ─ b9(9)
 */
const spec: Record<string, [string | null, number]> = {
  G: [null, 0],
  a1: ['G', 1],
  a2: ['a1', 2],
  a3: ['a2', 3],
  a5: ['a3', 5],
  a8: ['a5', 8],
  b4: ['a2', 4],
  b6: ['b4', 6],
  b7: ['b6', 7],
  b9: ['b7', 9],
};
const refs: Record<string, BlockRef> = {};
const parentOf = new Map<string, string | null>();
function num(name: string): number {
  const p = spec[name]![0];
  return p === null ? 0 : num(p) + 1;
}
for (const [name, [parent, slot]] of Object.entries(spec)) {
  refs[name] = { id: sha256(utf8(name)), num: num(name), slot };
  parentOf.set(name, parent);
}
const nameOf = (r: BlockRef) => Object.keys(refs).find((k) => Buffer.compare(refs[k]!.id, r.id) === 0)!;
const ext = (a: BlockRef, b: BlockRef): boolean => {
  for (let x: string | null | undefined = nameOf(a); x != null; x = parentOf.get(x)) if (x === nameOf(b)) return true;
  return false;
};
const R = (n: string) => refs[n]!;
const blk = (n: string, justify: BlockRef = NULL_REF, validated = true): CandidateBlock => ({ ref: R(n), justify, validated });
const env = (over: Partial<VoteEnvironment> = {}): VoteEnvironment => ({ nowSlot: 100, startupSlot: 1, lib: R('G'), extends: ext, ...over });

function rule(d: VoteDecision): string {
  return d.vote ? 'vote' : d.rule;
}
function fsiOf(d: VoteDecision): FinalizerSafety {
  assert.ok(d.vote, `expected a vote, got ${d.vote ? '' : `${d.rule}: ${d.reason}`}`);
  return d.fsi;
}

test('P1: only fully validated blocks descending from the LIB, at most one slot ahead of now', () => {
  assert.equal(rule(decidePrepare(INITIAL_FSI, blk('a1', NULL_REF, false), env())), 'P1');
  assert.equal(rule(decidePrepare(INITIAL_FSI, blk('b4'), env({ lib: R('a3') }))), 'P1');
  assert.equal(rule(decidePrepare(INITIAL_FSI, blk('a5'), env({ nowSlot: 3 }))), 'P1');
  assert.equal(rule(decidePrepare(INITIAL_FSI, blk('a5'), env({ nowSlot: 4 }))), 'vote');
});

test('P2: PREPARE slots strictly increase, and nothing before the startup slot', () => {
  const f = fsiOf(decidePrepare(INITIAL_FSI, blk('a3'), env()));
  assert.deepEqual(f.lastPrepare, R('a3'));
  assert.equal(rule(decidePrepare(f, blk('a3'), env())), 'P2');
  assert.equal(rule(decidePrepare(f, blk('a2'), env())), 'P2');
  assert.equal(rule(decidePrepare(INITIAL_FSI, blk('a3'), env({ startupSlot: 4 }))), 'P2');
});

test('P3: after a lock, a PREPARE must extend it or justify a later slot (unlock clause)', () => {
  const locked: FinalizerSafety = { ...INITIAL_FSI, lastPrepare: R('a3'), lastCommitSlot: 3, lock: R('a3') };
  assert.equal(rule(decidePrepare(locked, blk('a5', R('a2')), env())), 'vote', 'extends the lock');
  assert.equal(rule(decidePrepare(locked, blk('b6', R('a2')), env())), 'P3', 'other branch, justify older than the lock');
  assert.equal(rule(decidePrepare(locked, blk('b6', R('a3')), env())), 'P3', 'justify at the lock slot is not newer');
  assert.equal(rule(decidePrepare(locked, blk('b6', R('b4')), env())), 'vote', 'a PREPARE certificate at slot 4 > 3 unlocks');
});

test('PREPARE bookkeeping: leaving a branch records the abandoned PREPARE slot, monotonically', () => {
  let f = fsiOf(decidePrepare(INITIAL_FSI, blk('a3'), env()));
  assert.equal(f.otherBranchLatestSlot, 0);
  f = fsiOf(decidePrepare(f, blk('b4'), env()));
  assert.equal(f.otherBranchLatestSlot, 3, 'b4 does not extend a3');
  f = fsiOf(decidePrepare(f, blk('a5'), env()));
  assert.equal(f.otherBranchLatestSlot, 4);
  f = fsiOf(decidePrepare(f, blk('a8'), env()));
  assert.equal(f.otherBranchLatestSlot, 4, 'a8 extends a5: no change');
  assert.deepEqual(f.lastPrepare, R('a8'));
});

test('C1 needs a PREPARE certificate and a validated block; C3 one COMMIT per slot, increasing', () => {
  const f = fsiOf(decidePrepare(INITIAL_FSI, blk('a3'), env()));
  assert.equal(rule(decideCommit(f, blk('a3'), false, env())), 'C1');
  assert.equal(rule(decideCommit(f, blk('a3', NULL_REF, false), true, env())), 'C1');
  const c = fsiOf(decideCommit(f, blk('a3'), true, env()));
  assert.equal(c.lastCommitSlot, 3);
  assert.deepEqual(c.lock, R('a3'));
  assert.equal(rule(decideCommit(c, blk('a3'), true, env())), 'C3');
  assert.equal(rule(decideCommit(c, blk('a2'), true, env())), 'C3');
});

test('after a restart with the FSI intact, no COMMIT on a block before the startup slot (§5.10 step 5)', () => {
  const f = fsiOf(decidePrepare(INITIAL_FSI, blk('a3'), env()));
  assert.equal(rule(decideCommit(f, blk('a3'), true, env({ startupSlot: 4 }))), 'C3', 'prepared before the restart, not committed after it');
  assert.equal(rule(decideCommit(f, blk('a3'), true, env({ startupSlot: 3 }))), 'vote');
});

test('COMMIT moves the lock only forward', () => {
  const f: FinalizerSafety = { lastPrepare: R('a8'), lastCommitSlot: 2, lock: R('a5'), otherBranchLatestSlot: 0 };
  const c = fsiOf(decideCommit(f, blk('a3'), true, env()));
  assert.deepEqual(c.lock, R('a5'), 'a3 is older than the lock');
  const c2 = fsiOf(decideCommit(c, blk('a8'), true, env()));
  assert.deepEqual(c2.lock, R('a8'));
});

test('C2 "switch then commit" trap: a certificate arriving after we prepared a later sibling cannot be committed', () => {
  // prepared a3, then the network showed b4 (a later sibling branch) and we prepared it;
  // now a PREPARE certificate on a3 arrives late. Committing a3 would contradict our b4 vote.
  let f = fsiOf(decidePrepare(INITIAL_FSI, blk('a3'), env()));
  f = fsiOf(decidePrepare(f, blk('b4'), env()));
  const d = decideCommit(f, blk('a3'), true, env());
  assert.equal(rule(d), 'C2');
  // switching back to a3's branch does not whitewash the excursion: a5 extends a3, but slot 4 is remembered
  f = fsiOf(decidePrepare(f, blk('a5', R('a3')), env()));
  assert.equal(rule(decideCommit(f, blk('a3'), true, env())), 'C2');
  // a block above the excursion is fine
  assert.equal(rule(decideCommit(f, blk('a5'), true, env())), 'vote');
  // and with the rule disabled (mutation) the unsafe commit goes through
  const g = fsiOf(decidePrepare(fsiOf(decidePrepare(INITIAL_FSI, blk('a3'), env())), blk('b4'), env()));
  assert.equal(rule(decideCommit(g, blk('a3'), true, env(), { skipC2: true })), 'vote');
});

test('C2 allows committing an ancestor of our latest PREPARE (the pipelined normal case)', () => {
  let f = fsiOf(decidePrepare(INITIAL_FSI, blk('a3'), env()));
  f = fsiOf(decidePrepare(f, blk('a5'), env()));
  f = fsiOf(decidePrepare(f, blk('a8'), env()));
  assert.equal(rule(decideCommit(f, blk('a3'), true, env())), 'vote');
  assert.equal(rule(decideCommit(f, blk('a5'), true, env())), 'vote');
  // a block on another branch below our latest PREPARE is not
  assert.equal(rule(decideCommit(f, blk('b4'), true, env())), 'C2');
});

test('Savanna #751: finality advances on an alternate branch whose certificate is newer than our lock', () => {
  // h committed a3 (lock a3), but a3's COMMIT certificate never formed: LIB stays at a2.
  let f = fsiOf(decidePrepare(INITIAL_FSI, blk('a3'), env({ lib: R('a2') })));
  f = fsiOf(decideCommit(f, blk('a3'), true, env({ lib: R('a2') })));
  // the others certified b4 (slot 4) on the sibling branch; b6 carries that certificate as justify
  assert.equal(rule(decidePrepare(f, blk('b6', R('a2')), env({ lib: R('a2') }))), 'P3');
  f = fsiOf(decidePrepare(f, blk('b6', R('b4')), env({ lib: R('a2') })));
  assert.equal(f.otherBranchLatestSlot, 3);
  // b6 gets its PREPARE certificate: h can commit it, and the lock moves to the new branch
  f = fsiOf(decideCommit(f, blk('b6'), true, env({ lib: R('a2') })));
  assert.deepEqual(f.lock, R('b6'));
  // and keeps finalizing there
  f = fsiOf(decidePrepare(f, blk('b7', R('b6')), env({ lib: R('a2') })));
  f = fsiOf(decideCommit(f, blk('b7'), true, env({ lib: R('a2') })));
  assert.equal(f.lastCommitSlot, 7);
  // while a late certificate on a5 (old branch) can no longer be committed: our PREPARE on b7 is later
  assert.equal(rule(decideCommit(f, blk('a5'), true, env({ lib: R('a2') }))), 'C2');
});

test('amnesia rule: a lost FSI forbids COMMITs before the restart and PREPAREs not justified after it', () => {
  const startup = startupSlotFor(4);
  assert.equal(startup, 6, 'now + 1 + clock tolerance');
  const f = amnesiaFsi(startup);
  assert.deepEqual(f.lock, { id: null, slot: 5 });
  assert.equal(rule(decidePrepare(f, blk('a5', R('a3')), env({ startupSlot: startup }))), 'P2', 'slot 5 < startup slot 6');
  assert.equal(rule(decidePrepare(f, blk('a8', R('a3')), env({ startupSlot: startup }))), 'P3', 'virtual lock: justify 3 ≤ 5');
  const p = fsiOf(decidePrepare(f, blk('b9', R('b6')), env({ startupSlot: startup })));
  assert.equal(rule(decideCommit(p, blk('a5'), true, env({ startupSlot: startup }))), 'C2', 'nothing older than the restart');
  assert.equal(rule(decideCommit(p, blk('b9'), true, env({ startupSlot: startup }))), 'vote');
});

test('Finalizer decides without changing its FSI; adopt() makes a decided FSI current', () => {
  const fin = new Finalizer(INITIAL_FSI, 1);
  const e = { nowSlot: 100, lib: R('G'), extends: ext };
  const d = fin.decidePrepare(blk('a3'), e);
  assert.ok(d.vote);
  assert.equal(fin.fsi, INITIAL_FSI);
  fin.adopt(d.fsi);
  assert.equal(rule(fin.decidePrepare(blk('a3'), e)), 'P2');
  const mutant = new Finalizer({ ...INITIAL_FSI, lock: R('a3'), lastCommitSlot: 3 }, 1, { skipP3: true });
  assert.equal(rule(mutant.decidePrepare(blk('b6', R('a2')), e)), 'vote', 'the P3 mutation lets the unsafe PREPARE through');
});

test('FSI and watermark files round-trip; corruption is detected (then: amnesia rule)', () => {
  const shapes: FinalizerSafety[] = [
    INITIAL_FSI,
    amnesiaFsi(1000),
    { lastPrepare: R('b9'), lastCommitSlot: 7, lock: R('b7'), otherBranchLatestSlot: 3 },
    { lastPrepare: R('a1'), lastCommitSlot: 0, lock: null, otherBranchLatestSlot: 0 },
  ];
  for (const s of shapes) {
    const bytes = encodeFsi(s);
    const back = decodeFsi(bytes);
    assert.ok(back.ok);
    assert.deepEqual(back.value, s);
    for (const i of [0, 5, bytes.length - 9, bytes.length - 1]) {
      const bad = bytes.slice();
      bad[i]! ^= 0x40;
      const r = decodeFsi(bad);
      assert.equal(r.ok, false);
      assert.equal(r.ok ? '' : r.error.code, ConsensusErrorCode.FSI_CHECKSUM);
    }
    assert.equal(decodeFsi(bytes.subarray(0, bytes.length - 1)).ok, false);
  }
  assert.equal(decodeFsi(new Uint8Array(0)).ok, false);
  const w = decodeWatermark(encodeWatermark({ lastProducedSlot: 123456 }));
  assert.ok(w.ok);
  assert.equal(w.value.lastProducedSlot, 123456);
  assert.equal(decodeWatermark(encodeFsi(INITIAL_FSI)).ok, false, 'an FSI file is not a watermark');
  assert.equal(watermarkAfterAmnesia(50).lastProducedSlot, 50);
});
