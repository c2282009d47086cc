import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeQc, encodeQc, verifyVote, voteDigest, blockId } from '../../src/chain/block/index.ts';
import type { QC } from '../../src/chain/block/index.ts';
import {
  BIP340,
  ConsensusErrorCode,
  checkVote,
  decodeVote,
  encodeVote,
  makeVote,
  maxFaulty,
  quorum,
  quorumOverlap,
  verifyQc,
  votingSets,
} from '../../src/consensus/index.ts';
import type { HeaderState } from '../../src/consensus/index.ts';
import { CHAIN_ID, Chain, NAMES4, privOf, qcOf, scheduleOf } from './consensus_fixture.ts';

const sched = scheduleOf(1, NAMES4);
const chain = new Chain(sched);
const b1 = chain.add(1);
const sets = votingSets(CHAIN_ID, b1);

function withPending(state: HeaderState, pendingNames: readonly string[]): HeaderState {
  return { ...state, pending: { schedule: scheduleOf(2, pendingNames), madePendingAt: state.ref.num } };
}

test('quorum arithmetic: q(n) = floor(2n/3)+1, f = floor((n-1)/3), overlap 2q-n', () => {
  assert.deepEqual([4, 7, 21].map(quorum), [3, 5, 15]);
  assert.deepEqual([4, 7, 21].map(maxFaulty), [1, 2, 6]);
  assert.deepEqual([4, 7, 21].map(quorumOverlap), [2, 3, 9]);
  for (let n = 1; n <= 64; n++) assert.ok(quorumOverlap(n) >= maxFaulty(n) + 1, `n=${n}`);
});

test('a vote signs the chain-layer vote digest with BIP-340 under the phase domain', () => {
  const v = makeVote(sets, 'PREPARE', b1.ref, 'bob', privOf('bob'), BIP340);
  const bob = sched.producers[1]!;
  const subject = { chainId: CHAIN_ID, phase: 'PREPARE' as const, block: b1.ref, activeVersion: 1, pendingVersion: 0 };
  assert.ok(verifyVote(subject, v.sig, bob.key));
  assert.equal(verifyVote({ ...subject, phase: 'COMMIT' }, v.sig, bob.key), false, 'a PREPARE signature is not a COMMIT signature');
  assert.equal(BIP340.verify(v.sig, bob.key, b1.ref.id), false, 'nor a block signature');
  assert.ok(checkVote(v, sets, BIP340).ok);
  assert.deepEqual(voteDigest(subject), voteDigest(subject));
});

test('checkVote rejects non-members, wrong versions and bad signatures', () => {
  const mallory = makeVote(sets, 'PREPARE', b1.ref, 'mallory', privOf('mallory'), BIP340);
  assert.equal((checkVote(mallory, sets, BIP340) as { error: { code: string } }).error.code, ConsensusErrorCode.VOTE_NOT_MEMBER);
  const v = makeVote(sets, 'COMMIT', b1.ref, 'carol', privOf('carol'), BIP340);
  const wrongVersion = { ...v, activeVersion: 2 };
  assert.equal((checkVote(wrongVersion, sets, BIP340) as { error: { code: string } }).error.code, ConsensusErrorCode.VOTE_WRONG_VERSION);
  const forged = { ...v, voter: 'dave' };
  assert.equal((checkVote(forged, sets, BIP340) as { error: { code: string } }).error.code, ConsensusErrorCode.VOTE_BAD_SIGNATURE);
  const asPrepare = { ...v, phase: 'PREPARE' as const };
  assert.equal((checkVote(asPrepare, sets, BIP340) as { error: { code: string } }).error.code, ConsensusErrorCode.VOTE_BAD_SIGNATURE);
});

test('vote wire form round-trips and rejects malformed bytes', () => {
  const v = makeVote(sets, 'COMMIT', b1.ref, 'alice', privOf('alice'), BIP340);
  const bytes = encodeVote(v);
  const back = decodeVote(bytes);
  assert.ok(back.ok);
  assert.deepEqual(back.value, v);
  assert.equal(decodeVote(bytes.subarray(0, bytes.length - 1)).ok, false);
  const bad = bytes.slice();
  bad[0] = 3;
  assert.equal(decodeVote(bad).ok, false);
  assert.equal(decodeVote(new Uint8Array([...bytes, 0])).ok, false);
});

function code(r: { ok: boolean; error?: { code: string } }): string | undefined {
  return r.ok ? undefined : r.error!.code;
}

test('verifyQc accepts a quorum of valid member signatures and survives the QC codec', () => {
  const qc = qcOf('COMMIT', b1, ['alice', 'carol', 'dave']);
  assert.equal(code(verifyQc(qc, 'COMMIT', b1.ref, sets, BIP340)), undefined);
  const round = decodeQc(encodeQc(qc));
  assert.ok(round.ok);
  assert.equal(code(verifyQc(round.value, 'COMMIT', b1.ref, sets, BIP340)), undefined);
});

test('verifyQc rejects: PREPARE as COMMIT, other block, other version, too few, bad signature', () => {
  const qc = qcOf('PREPARE', b1, ['alice', 'bob', 'carol']);
  assert.equal(code(verifyQc(qc, 'COMMIT', b1.ref, sets, BIP340)), ConsensusErrorCode.QC_WRONG_PHASE);
  const relabeled: QC = { ...qc, phase: 'COMMIT' };
  assert.equal(code(verifyQc(relabeled, 'COMMIT', b1.ref, sets, BIP340)), ConsensusErrorCode.QC_BAD_SIGNATURE, 'PREPARE signatures do not count as COMMIT');
  assert.equal(code(verifyQc(qc, 'PREPARE', chain.states[0]!.ref, sets, BIP340)), ConsensusErrorCode.QC_WRONG_BLOCK);
  assert.equal(code(verifyQc({ ...qc, activeVersion: 2 }, 'PREPARE', b1.ref, sets, BIP340)), ConsensusErrorCode.QC_WRONG_VERSION);
  const two = qcOf('PREPARE', b1, ['alice', 'bob']);
  assert.equal(code(verifyQc(two, 'PREPARE', b1.ref, sets, BIP340)), ConsensusErrorCode.QC_NO_QUORUM);
  const sigs = qc.activeSigs.slice();
  const s0 = sigs[0]!.slice();
  s0[5]! ^= 1;
  sigs[0] = s0;
  assert.equal(code(verifyQc({ ...qc, activeSigs: sigs }, 'PREPARE', b1.ref, sets, BIP340)), ConsensusErrorCode.QC_BAD_SIGNATURE);
});

test('verifyQc: a duplicate signer, a non-member bit or a miscounted signature list invalidates the whole certificate', () => {
  const qc = qcOf('PREPARE', b1, ['alice', 'bob', 'carol', 'dave']);
  // dave's slot carries alice's signature: three valid members plus a duplicate is still invalid
  const dup: QC = { ...qc, activeSigs: [qc.activeSigs[0]!, qc.activeSigs[1]!, qc.activeSigs[2]!, qc.activeSigs[0]!] };
  assert.equal(code(verifyQc(dup, 'PREPARE', b1.ref, sets, BIP340)), ConsensusErrorCode.QC_DUPLICATE_SIGNER);
  // bit 4 does not exist in a 4-member schedule: a non-member signer
  const extra: QC = { ...qc, activeBitmap: Uint8Array.of(0b11111), activeSigs: [...qc.activeSigs, qc.activeSigs[0]!] };
  assert.equal(code(verifyQc(extra, 'PREPARE', b1.ref, sets, BIP340)), ConsensusErrorCode.QC_NON_MEMBER);
  const longMap: QC = { ...qc, activeBitmap: Uint8Array.of(0b1111, 0) };
  assert.equal(code(verifyQc(longMap, 'PREPARE', b1.ref, sets, BIP340)), ConsensusErrorCode.QC_NON_MEMBER);
  const short: QC = { ...qc, activeSigs: qc.activeSigs.slice(0, 3) };
  assert.equal(code(verifyQc(short, 'PREPARE', b1.ref, sets, BIP340)), ConsensusErrorCode.QC_SIG_COUNT);
});

test('verifyQc with a pending schedule needs quorum in both sets (dual quorum)', () => {
  const pendingNames = ['bob', 'carol', 'erin', 'frank', 'grace'];
  const st = withPending(b1, pendingNames);
  const dual = votingSets(CHAIN_ID, st);
  // bob and carol sit in both sets and sign once
  const good = qcOf('COMMIT', st, ['alice', 'bob', 'carol', 'erin', 'frank', 'grace']);
  assert.equal(code(verifyQc(good, 'COMMIT', st.ref, dual, BIP340)), undefined);
  assert.equal(good.pendingVersion, 2);
  const activeOnly = qcOf('COMMIT', st, ['alice', 'bob', 'carol', 'dave', 'erin']); // pending: bob, carol, erin = 3 < 4
  assert.equal(code(verifyQc(activeOnly, 'COMMIT', st.ref, dual, BIP340)), ConsensusErrorCode.QC_NO_QUORUM);
  const pendingOnly = qcOf('COMMIT', st, ['carol', 'erin', 'frank', 'grace']); // active: carol = 1 < 3
  assert.equal(code(verifyQc(pendingOnly, 'COMMIT', st.ref, dual, BIP340)), ConsensusErrorCode.QC_NO_QUORUM);
  // a single-set certificate is not enough for a block with a pending schedule
  const single = qcOf('COMMIT', b1, ['alice', 'bob', 'carol']);
  assert.notEqual(code(verifyQc(single, 'COMMIT', st.ref, dual, BIP340)), undefined);
  // and a dual certificate does not fit a block without one
  assert.equal(code(verifyQc({ ...good, pendingVersion: 0 }, 'COMMIT', b1.ref, sets, BIP340)), ConsensusErrorCode.QC_PENDING_MISMATCH);
});

test('block ids and signatures are distinct from votes (different domains)', () => {
  const h = chain.headers[1]!;
  const id = blockId(h);
  assert.ok(BIP340.verify(h.producerSig, sched.producers[0]!.key, id));
  const v = makeVote(sets, 'PREPARE', b1.ref, 'alice', privOf('alice'), BIP340);
  assert.equal(BIP340.verify(v.sig, sched.producers[0]!.key, id), false);
});
