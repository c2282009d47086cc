import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256 } from '../../src/crypto/hash.ts';
import { utf8 } from '../../src/util/bytes.ts';
import type { BlockHeader, BlockRef, QC } from '../../src/chain/block/index.ts';
import { ConsensusErrorCode, ForkDb, headerRef, nextHeaderState, sameRef } from '../../src/consensus/index.ts';
import type { BranchApplier, ForkBlock, HeaderState } from '../../src/consensus/index.ts';
import { CONFIG, Chain, genesis, makeHeader, qcOf, scheduleOf, NAMES4 } from './consensus_fixture.ts';

const g = genesis(scheduleOf(1, NAMES4));

/** An unsigned header/state pair: the fork database does not check signatures or claims. */
function blk(parent: { header: BlockHeader; state: HeaderState }, slot: number, tag: string, justify?: BlockRef) {
  const header: BlockHeader = {
    ...g.header,
    num: parent.state.ref.num + 1,
    slot,
    parent: parent.state.ref.id,
    producer: 'alice',
    txRoot: sha256(utf8(tag)),
    justify: justify ?? parent.state.chainJustify,
  };
  const state: HeaderState = { ...parent.state, ref: headerRef(header), producer: 'alice', chainJustify: header.justify };
  return { header, state, tag };
}

/** A fake certificate (the fork database trusts its caller to have verified it). */
function qc(phase: 'PREPARE' | 'COMMIT', b: { state: HeaderState }): QC {
  return { phase, block: b.state.ref, activeVersion: 1, activeBitmap: Uint8Array.of(7), activeSigs: [], pendingVersion: 0 };
}

/**
 *   G ─ b1(1) ─ b2(2) ─ b3(3)
 *          └── c2(2) ─ c4(4)
 */
function tree() {
  const b1 = blk(g, 1, 'b1');
  const b2 = blk(b1, 2, 'b2');
  const b3 = blk(b2, 3, 'b3');
  const c2 = blk(b1, 2, 'c2');
  const c4 = blk(c2, 4, 'c4');
  const db = new ForkDb<string>(g.header, g.state, 'G');
  for (const b of [b1, b2, b3, c2, c4]) assert.ok(db.add(b.header, b.state, b.tag).ok);
  return { db, b1, b2, b3, c2, c4 };
}

/** An applier that keeps the applied chain as a list of tags; blocks in `bad` fail. */
function recorder(bad: Set<string> = new Set()) {
  const chain: string[] = [];
  const log: string[] = [];
  const applier: BranchApplier<string> = {
    apply: (b: ForkBlock<string>) => {
      if (bad.has(b.payload)) {
        log.push(`fail ${b.payload}`);
        return { ok: false, error: { code: 'TEST_BAD', message: b.payload } };
      }
      chain.push(b.payload);
      log.push(`+${b.payload}`);
      return { ok: true, value: undefined };
    },
    undo: (b: ForkBlock<string>) => {
      assert.equal(chain.pop(), b.payload, 'undo must be of the tip');
      log.push(`-${b.payload}`);
    },
  };
  return { chain, log, applier };
}

test('add: duplicates, unknown parents and blocks not after the root are refused', () => {
  const { db, b1, c4 } = tree();
  assert.equal((db.add(b1.header, b1.state, 'b1') as { error: { code: string } }).error.code, ConsensusErrorCode.FORKDB_DUPLICATE);
  const orphan = blk(blk(c4, 5, 'x5'), 6, 'x6');
  assert.equal((db.add(orphan.header, orphan.state, 'x6') as { error: { code: string } }).error.code, ConsensusErrorCode.FORKDB_UNKNOWN_PARENT);
  assert.equal(db.size, 6);
  assert.equal(db.checkInvariants(), undefined);
});

test('best branch: highest certified slot first, then head slot, then smaller id', () => {
  const { db, b2, b3, c4, c2 } = tree();
  assert.equal(db.best().payload, 'c4', 'no certificates: highest slot');
  assert.equal(db.markQc(qc('PREPARE', b2)), 'recorded');
  assert.equal(db.markQc(qc('PREPARE', b2)), 'known');
  assert.equal(db.best().payload, 'b3', 'a PREPARE certificate at slot 2 outranks a later head');
  assert.equal(db.get(b3.state.ref.id)!.qcSlot, 2, 'propagated to descendants');
  db.markQc(qc('COMMIT', c2)); // a COMMIT certificate implies a PREPARE one for fork choice
  assert.equal(db.best().payload, 'c4', 'equal certified slot: later head wins');
  // a header claim counts as a held certificate too
  const d5 = blk(b3, 5, 'd5', b3.state.ref);
  db.add(d5.header, d5.state, 'd5');
  assert.equal(db.best().payload, 'd5');
  // equal keys: smaller id
  const e5 = blk(b3, 5, 'e5', b3.state.ref);
  db.add(e5.header, e5.state, 'e5');
  const smaller = Buffer.compare(d5.state.ref.id, e5.state.ref.id) < 0 ? 'd5' : 'e5';
  assert.equal(db.best().payload, smaller);
  assert.ok(c4);
});

test('switch: undo the old branch to the common ancestor, apply the new one', () => {
  const { db, b3, c4 } = tree();
  const r = recorder();
  db.markQc(qc('PREPARE', b3));
  let u = db.updateHead(r.applier);
  assert.deepEqual(r.chain, ['b1', 'b2', 'b3']);
  assert.equal(u.head.payload, 'b3');
  assert.ok(db.get(b3.state.ref.id)!.validated);
  const c5 = blk(c4, 5, 'c5');
  db.add(c5.header, c5.state, 'c5');
  db.markQc(qc('PREPARE', c5));
  const plan = db.switchPlan(db.best());
  assert.deepEqual(plan.undo.map((b) => b.payload), ['b3', 'b2']);
  assert.deepEqual(plan.redo.map((b) => b.payload), ['c2', 'c4', 'c5']);
  u = db.updateHead(r.applier);
  assert.deepEqual(r.chain, ['b1', 'c2', 'c4', 'c5']);
  assert.deepEqual(u.undone.map((b) => b.payload), ['b3', 'b2']);
  assert.deepEqual(u.applied.map((b) => b.payload), ['c2', 'c4', 'c5']);
  assert.equal(db.checkInvariants(), undefined);
});

test('remove-on-failure: a block that fails to apply is removed with its descendants and the old branch restored', () => {
  const { db, c2, c4 } = tree();
  const r = recorder(new Set(['c4']));
  db.markQc(qc('PREPARE', blk(g, 1, 'b1')));
  db.updateHead(r.applier);
  // c4 (highest slot) is tried first: b1 and c2 apply, c4 fails and is removed, b1 and c2 are undone;
  // then b3 (slot 3) beats c2 (slot 2)
  assert.deepEqual(r.chain, ['b1', 'b2', 'b3']);
  assert.ok(r.log.includes('fail c4'));
  assert.equal(db.get(c4.state.ref.id), undefined);
  assert.ok(db.isInvalid(c4.state.ref.id));
  assert.ok(db.get(c2.state.ref.id), 'the failing block’s valid ancestors stay');
  const child = blk(c4, 6, 'c6');
  assert.equal((db.add(child.header, child.state, 'c6') as { error: { code: string } }).error.code, ConsensusErrorCode.FORKDB_INVALID, 'descendants of invalid blocks stay out');
  assert.equal(db.checkInvariants(), undefined);
});

test('remove-on-failure during a switch re-applies the old branch', () => {
  const { db, b3, c4 } = tree();
  const r = recorder(new Set(['c5']));
  db.markQc(qc('PREPARE', b3));
  db.updateHead(r.applier);
  const c5 = blk(c4, 5, 'c5');
  db.add(c5.header, c5.state, 'c5');
  db.markQc(qc('PREPARE', c5));
  const u = db.updateHead(r.applier);
  assert.deepEqual(u.failed.map((f) => f.block.payload), ['c5']);
  assert.equal(u.head.payload, 'b3', 'c4 (certified slot 0) loses to b3 (slot 3) again');
  assert.deepEqual(r.chain, ['b1', 'b2', 'b3']);
  assert.deepEqual(r.log.slice(-9), ['-b3', '-b2', '+c2', '+c4', 'fail c5', '-c4', '-c2', '+b2', '+b3']);
});

test('root advance: finalized blocks oldest first, conflicting branches pruned, history still answers extends()', () => {
  const { db, b1, b2, b3, c2, c4 } = tree();
  const r = recorder();
  db.markQc(qc('PREPARE', b3));
  db.markQc(qc('COMMIT', b2));
  db.updateHead(r.applier);
  const f = db.finalizable();
  assert.equal(f?.payload, 'b2');
  assert.ok(sameRef(db.proposedLib(), b3.state.ref));
  const adv = db.advanceRoot(f!);
  assert.ok(adv.ok);
  assert.deepEqual(adv.value.finalized.map((b) => b.payload), ['b1', 'b2']);
  assert.deepEqual(adv.value.pruned.map((b) => b.payload).sort(), ['c2', 'c4']);
  assert.ok(sameRef(db.lib, b2.state.ref));
  assert.equal(db.size, 2);
  assert.ok(db.extends(b3.state.ref, b1.state.ref), 'final history is retained');
  assert.ok(db.extends(b3.state.ref, g.state.ref));
  assert.equal(db.extends(b3.state.ref, c2.state.ref), false);
  // certificates on final or conflicting blocks
  assert.equal(db.markQc(qc('COMMIT', b1)), 'final');
  assert.equal(db.markQc(qc('COMMIT', c2)), 'conflict', 'a COMMIT certificate off the final chain is a safety failure');
  // nothing at or below the root slot gets in
  const late = blk(b1, 2, 'late');
  assert.equal((db.add(late.header, late.state, 'late') as { error: { code: string } }).error.code, ConsensusErrorCode.FORKDB_BELOW_ROOT);
  assert.ok(c4);
  assert.equal(db.checkInvariants(), undefined);
});

test('the root only moves forward along the head branch', () => {
  const { db, b3, c4 } = tree();
  const r = recorder();
  db.markQc(qc('PREPARE', b3));
  db.updateHead(r.applier);
  const off = db.advanceRoot(db.get(c4.state.ref.id)!);
  assert.equal(off.ok ? '' : off.error.code, ConsensusErrorCode.FORKDB_CONFLICTING_FINAL);
  assert.ok(db.advanceRoot(db.get(b3.state.ref.id)!).ok);
  assert.ok(sameRef(db.lib, b3.state.ref));
  assert.deepEqual(db.advanceRoot(db.root).ok, true, 'advancing to the root itself is a no-op');
});

test('restart: a fork database rebuilt at a later root needs the final history for claims below the root; resumeAt puts the head at the store tip', () => {
  const c = new Chain(scheduleOf(1, NAMES4));
  c.add(1);
  const s2 = c.add(2);
  const s3 = c.add(3);
  const h4 = makeHeader(s3, 4, { finalRef: s2.ref, finalQc: qcOf('COMMIT', s2, ['alice', 'bob', 'carol']) });
  // the node's LIB was block 3 when it stopped: the rebuilt database's root is block 3
  const bare = new ForkDb(c.headers[3]!, s3, 'b3');
  const refused = nextHeaderState(CONFIG, s3, h4, bare.ancestorStateFor(s3.ref.id));
  assert.equal(refused.ok ? 'ok' : refused.error.code, ConsensusErrorCode.HEADER_BAD_CLAIM, 'block 2 is below the root and unknown');
  const db = new ForkDb(c.headers[3]!, s3, 'b3', { history: c.states.slice(0, 3) });
  const st4 = nextHeaderState(CONFIG, s3, h4, db.ancestorStateFor(s3.ref.id));
  assert.ok(st4.ok, 'with the block log’s recent states the claim checks out');
  assert.ok(db.extends(s3.ref, s2.ref) && db.extends(s3.ref, c.states[0]!.ref));
  const b4 = db.add(h4, st4.value, 'b4');
  assert.ok(b4.ok);
  assert.equal(db.head.payload, 'b3');
  assert.ok(db.resumeAt(b4.value.ref.id).ok, 'the store had applied block 4 before the crash');
  assert.equal(db.head.payload, 'b4');
  assert.ok(db.head.validated);
  assert.equal(db.resumeAt(sha256(utf8('unknown'))).ok, false);
  assert.equal(db.checkInvariants(), undefined);
});
