import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BIP340,
  ConsensusErrorCode,
  QcAggregator,
  makeVote,
  verifyEvidence,
  verifyQc,
  votingSets,
} from '../../src/consensus/index.ts';
import type { HeaderState, Vote } from '../../src/consensus/index.ts';
import { CHAIN_ID, CONFIG, Chain, NAMES4, makeHeader, privOf, scheduleOf } from './consensus_fixture.ts';
import { nextHeaderState } from '../../src/consensus/index.ts';

const sched = scheduleOf(1, NAMES4);
const chain = new Chain(sched);
const b1 = chain.add(1);
const b2 = chain.add(2);

function vote(state: HeaderState, phase: 'PREPARE' | 'COMMIT', voter: string): Vote {
  return makeVote(votingSets(CHAIN_ID, state), phase, state.ref, voter, privOf(voter), BIP340);
}

const agg = () => new QcAggregator({ chainId: CHAIN_ID, scheme: BIP340 });

test('a certificate forms exactly at the q-th distinct member vote, is reported once and verifies', () => {
  const a = agg();
  assert.deepEqual(a.add(vote(b1, 'PREPARE', 'alice'), b1), { status: 'counted' });
  assert.equal(a.add(vote(b1, 'PREPARE', 'alice'), b1).status, 'duplicate', 'one member counts once');
  assert.equal(a.add(vote(b1, 'PREPARE', 'bob'), b1).qc, undefined);
  const third = a.add(vote(b1, 'PREPARE', 'dave'), b1);
  assert.ok(third.qc);
  assert.ok(verifyQc(third.qc, 'PREPARE', b1.ref, votingSets(CHAIN_ID, b1), BIP340).ok);
  assert.deepEqual([...third.qc.activeBitmap], [0b1011]);
  assert.equal(a.add(vote(b1, 'PREPARE', 'carol'), b1).qc, undefined, 'no second report');
  assert.equal(a.qcFor('PREPARE', b1.ref.id), third.qc);
  assert.equal(a.qcFor('COMMIT', b1.ref.id), undefined, 'phases are tallied apart');
});

test('non-members, forged signatures and mislabeled blocks are rejected, not counted', () => {
  const a = agg();
  const m = a.add(vote(b1, 'COMMIT', 'mallory'), b1);
  assert.equal(m.status, 'rejected');
  assert.equal(m.error?.code, ConsensusErrorCode.VOTE_NOT_MEMBER);
  const forged = { ...vote(b1, 'COMMIT', 'alice'), voter: 'bob' };
  assert.equal(a.add(forged, b1).error?.code, ConsensusErrorCode.VOTE_BAD_SIGNATURE);
  const wrongBlock = vote(b1, 'COMMIT', 'carol');
  assert.equal(a.add(wrongBlock, b2).status, 'rejected', 'a vote checked against another block state fails');
  a.add(vote(b1, 'COMMIT', 'alice'), b1);
  a.add(vote(b1, 'COMMIT', 'bob'), b1);
  assert.equal(a.qcFor('COMMIT', b1.ref.id), undefined, 'only two valid votes');
});

test('votes for unknown blocks are parked and counted when the block arrives', () => {
  const a = agg();
  for (const v of ['alice', 'bob', 'carol']) assert.equal(a.add(vote(b2, 'PREPARE', v), undefined).status, 'parked');
  assert.deepEqual(a.parkedBlocks().length, 1);
  const outs = a.blockKnown(b2);
  assert.equal(outs.length, 3);
  assert.equal(outs.filter((o) => o.qc !== undefined).length, 1);
  assert.equal(a.parkedBlocks().length, 0);
});

test('dual quorum: while a schedule is pending, the certificate needs quorum in both sets', () => {
  const st: HeaderState = { ...b1, pending: { schedule: scheduleOf(2, ['carol', 'dave', 'erin', 'frank']), madePendingAt: 1 } };
  const a = agg();
  for (const v of ['alice', 'bob', 'carol']) assert.equal(a.add(vote(st, 'COMMIT', v), st).qc, undefined, 'active quorum alone');
  assert.equal(a.add(vote(st, 'COMMIT', 'erin'), st).qc, undefined, 'pending has carol, erin');
  const done = a.add(vote(st, 'COMMIT', 'dave'), st); // dave is in both sets: one vote, counted twice
  assert.ok(done.qc);
  assert.equal(done.qc.pendingVersion, 2);
  assert.ok(verifyQc(done.qc, 'COMMIT', st.ref, votingSets(CHAIN_ID, st), BIP340).ok);
});

test('two votes of one member, phase and slot on different blocks yield verifiable evidence', () => {
  const x = nextHeaderState(CONFIG, b1, makeHeader(b1, 2, { variant: 7 }), chain.lookup);
  assert.ok(x.ok);
  const a = agg();
  a.add(vote(b2, 'PREPARE', 'bob'), b2);
  const out = a.add(vote(x.value, 'PREPARE', 'bob'), x.value);
  assert.ok(out.evidence);
  const r = verifyEvidence(out.evidence, CHAIN_ID, () => sched, BIP340);
  assert.ok(r.ok);
  assert.deepEqual(r.value, { offender: 'bob', slot: 2, reason: 'double-prepare' });
  assert.equal(a.add(vote(x.value, 'COMMIT', 'bob'), x.value).evidence, undefined, 'a COMMIT is not a second PREPARE');
});

test('pruneBelow forgets old slots: later votes for them are stale', () => {
  const a = agg();
  a.add(vote(b1, 'PREPARE', 'alice'), b1);
  a.add(vote(b2, 'PREPARE', 'alice'), undefined);
  a.pruneBelow(2);
  assert.equal(a.add(vote(b1, 'PREPARE', 'bob'), b1).status, 'stale');
  assert.equal(a.parkedBlocks().length, 1, 'slot 2 stays parked');
  a.pruneBelow(3);
  assert.equal(a.parkedBlocks().length, 0);
});
