/**
 * The light client's finality check (CONSENSUS.md §5.11, §5.12 item 8) with real BIP-340 keys:
 * valid certificates, ancestry and transaction proofs and header chains are accepted; wrong version,
 * too few signers, a duplicate signer, a non-member, a bad signature, a PREPARE presented as COMMIT, a
 * certificate on a non-ancestor (and on another block, chain or before the anchor) are rejected; the
 * client follows a schedule change version by version, and keys that left cannot certify later blocks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ancestorsFromIds, ancestorsRoot, proveAncestor } from '../../src/chain/block/ancestors.ts';
import type { BlockHeader, QC } from '../../src/chain/block/types.ts';
import { merkleBranch, merkleRoot } from '../../src/chain/merkle.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { utf8 } from '../../src/util/bytes.ts';
import { ConsensusErrorCode, headerRef, lightTrust, verifyFinality } from '../../src/consensus/index.ts';
import type { FinalityProof, HeaderState, LightClientTrust } from '../../src/consensus/index.ts';
import { CHAIN_ID, Chain, NAMES4, makeHeader, qcOf, scheduleOf } from './consensus_fixture.ts';
import type { HeaderExtras } from './consensus_fixture.ts';

const v1 = scheduleOf(1, NAMES4);

/** A chain whose headers commit to their ancestors (MMR root over all previous ids). */
class MmrChain extends Chain {
  override add(slot: number, extras: HeaderExtras = {}): HeaderState {
    const root = ancestorsRoot(ancestorsFromIds(this.states.map((s) => s.ref.id)));
    return super.add(slot, { ancestorsRoot: root, ...extras });
  }
  ids(): Uint8Array[] {
    return this.states.map((s) => s.ref.id);
  }
}

const txids = [1, 2, 3, 4, 5].map((i) => sha256(utf8(`tx ${i}`)));
const chain = new MmrChain(v1);
for (let s = 1; s <= 6; s++) chain.add(s, s === 2 ? { txRoot: merkleRoot(txids).root } : {});
const trust = lightTrust(CHAIN_ID, chain.states[0]!.ref, v1);
const st = (num: number) => chain.states[num]!;
const hd = (num: number) => chain.headers[num]!;

function code(r: ReturnType<typeof verifyFinality>): string {
  return r.ok ? 'ok' : r.error.code;
}

test('a COMMIT certificate of a quorum proves its block final; an ancestry proof extends that to any ancestor; a merkle branch to a transaction in it', () => {
  const qc = qcOf('COMMIT', st(5), ['alice', 'carol', 'dave']);
  const r = verifyFinality({ kind: 'certificate', header: hd(5), qc }, trust);
  assert.ok(r.ok, code(r));
  assert.deepEqual(r.value.final, st(5).ref);
  const proof = proveAncestor(chain.ids(), 2, 5);
  const b = verifyFinality({ kind: 'certificate', header: hd(5), qc, target: { header: hd(2), proof }, tx: { txid: txids[3]!, index: 3, branch: merkleBranch(txids, 3) } }, trust);
  assert.ok(b.ok, code(b));
  assert.deepEqual(b.value.final, st(2).ref);
  assert.deepEqual(b.value.certified, st(5).ref);
  const wrongTx = verifyFinality({ kind: 'certificate', header: hd(5), qc, target: { header: hd(2), proof }, tx: { txid: txids[3]!, index: 2, branch: merkleBranch(txids, 3) } }, trust);
  assert.equal(code(wrongTx), ConsensusErrorCode.LIGHT_TX_NOT_INCLUDED);
});

test('rejected: wrong version, too few signers, duplicate signer, non-member, bad signature, PREPARE presented as COMMIT', () => {
  const good = qcOf('COMMIT', st(5), ['alice', 'bob', 'carol', 'dave']);
  const cert = (qc: QC, header: BlockHeader = hd(5)): FinalityProof => ({ kind: 'certificate', header, qc });
  assert.equal(code(verifyFinality(cert({ ...good, activeVersion: 2 }), trust)), ConsensusErrorCode.QC_WRONG_VERSION);
  assert.equal(code(verifyFinality(cert(qcOf('COMMIT', st(5), ['alice', 'bob'])), trust)), ConsensusErrorCode.QC_NO_QUORUM);
  const dup: QC = { ...good, activeSigs: [good.activeSigs[0]!, good.activeSigs[1]!, good.activeSigs[2]!, good.activeSigs[0]!] };
  assert.equal(code(verifyFinality(cert(dup), trust)), ConsensusErrorCode.QC_DUPLICATE_SIGNER);
  const outsider: QC = { ...good, activeBitmap: Uint8Array.of(0b11111), activeSigs: [...good.activeSigs, good.activeSigs[0]!] };
  assert.equal(code(verifyFinality(cert(outsider), trust)), ConsensusErrorCode.QC_NON_MEMBER);
  // a certificate signed by keys of another schedule (mallory instead of dave) does not verify under the client's
  const otherKeys = { ...st(5), active: scheduleOf(1, ['alice', 'bob', 'carol', 'mallory']) };
  assert.equal(code(verifyFinality(cert(qcOf('COMMIT', otherKeys, ['alice', 'bob', 'mallory'])), trust)), ConsensusErrorCode.QC_BAD_SIGNATURE);
  const sigs = good.activeSigs.slice();
  const s0 = sigs[2]!.slice();
  s0[7] = s0[7]! ^ 1;
  sigs[2] = s0;
  assert.equal(code(verifyFinality(cert({ ...good, activeSigs: sigs }), trust)), ConsensusErrorCode.QC_BAD_SIGNATURE);
  assert.equal(code(verifyFinality(cert(qcOf('PREPARE', st(5), ['alice', 'bob', 'carol'])), trust)), ConsensusErrorCode.QC_WRONG_PHASE);
  // a header naming a schedule version the client does not hold
  const v9 = makeHeader(st(4), 5, { activeVersion: 9 });
  assert.equal(code(verifyFinality(cert(good, v9), trust)), ConsensusErrorCode.LIGHT_UNKNOWN_VERSION);
});

test('rejected: certificate on another block, on a non-ancestor of the target, for another chain, at or before the trust anchor', () => {
  const qc5 = qcOf('COMMIT', st(5), ['alice', 'bob', 'carol']);
  assert.equal(code(verifyFinality({ kind: 'certificate', header: hd(4), qc: qc5 }, trust)), ConsensusErrorCode.QC_WRONG_BLOCK);
  // a sibling of block 2 with a proof for the real block 2's position: not an ancestor of block 5
  const sibling = makeHeader(st(1), 2, { variant: 7 });
  const proof = proveAncestor(chain.ids(), 2, 5);
  assert.equal(code(verifyFinality({ kind: 'certificate', header: hd(5), qc: qc5, target: { header: sibling, proof } }, trust)), ConsensusErrorCode.LIGHT_NOT_ANCESTOR);
  assert.equal(code(verifyFinality({ kind: 'certificate', header: hd(5), qc: qc5, target: { header: hd(2), proof: { ...proof, index: 1 } } }, trust)), ConsensusErrorCode.LIGHT_NOT_ANCESTOR);
  assert.equal(code(verifyFinality({ kind: 'certificate', header: hd(5), qc: qc5, target: { header: hd(6), proof: proveAncestor(chain.ids(), 2, 6) } }, trust)), ConsensusErrorCode.LIGHT_NOT_ANCESTOR);
  const otherChain: LightClientTrust = { ...trust, chainId: sha256(utf8('another chain')) };
  assert.equal(code(verifyFinality({ kind: 'certificate', header: hd(5), qc: qc5 }, otherChain)), ConsensusErrorCode.LIGHT_WRONG_CHAIN);
  const checkpoint = lightTrust(CHAIN_ID, st(5).ref, v1);
  assert.equal(code(verifyFinality({ kind: 'certificate', header: hd(5), qc: qc5 }, checkpoint)), ConsensusErrorCode.LIGHT_BEFORE_ANCHOR);
  assert.equal(code(verifyFinality({ kind: 'certificate', header: hd(3), qc: qcOf('COMMIT', st(3), ['alice', 'bob', 'carol']) }, checkpoint)), ConsensusErrorCode.LIGHT_BEFORE_ANCHOR);
});

test('a header chain from the anchor: the highest block a carried (or detached) COMMIT certificate covers is final', () => {
  const c = new Chain(v1);
  c.add(1);
  const s2 = c.add(2);
  c.add(3, { finalRef: s2.ref, finalQc: qcOf('COMMIT', s2, ['alice', 'bob', 'carol']) });
  const s4 = c.add(4);
  const headers = c.headers.slice(1);
  const t = lightTrust(CHAIN_ID, c.states[0]!.ref, v1);
  const r = verifyFinality({ kind: 'headers', headers }, t);
  assert.ok(r.ok, code(r));
  assert.deepEqual(r.value.final, s2.ref, 'block 3 carries the certificate of block 2');
  const d = verifyFinality({ kind: 'headers', headers, qc: qcOf('COMMIT', s4, ['bob', 'carol', 'dave']) }, t);
  assert.ok(d.ok);
  assert.deepEqual(d.value.final, s4.ref, 'a detached certificate on the last header');
  assert.equal(code(verifyFinality({ kind: 'headers', headers: [headers[0]!, headers[2]!, headers[3]!] }, t)), ConsensusErrorCode.LIGHT_BROKEN_CHAIN);
  assert.equal(code(verifyFinality({ kind: 'headers', headers: headers.slice(0, 2) }, t)), ConsensusErrorCode.LIGHT_NO_CERTIFICATE);
  assert.equal(code(verifyFinality({ kind: 'headers', headers, qc: qcOf('PREPARE', s4, ['bob', 'carol', 'dave']) }, t)), ConsensusErrorCode.QC_WRONG_PHASE);
  const sideBlock = new Chain(v1);
  const x1 = sideBlock.add(1, { variant: 3 });
  assert.equal(code(verifyFinality({ kind: 'headers', headers, qc: qcOf('COMMIT', x1, ['bob', 'carol', 'dave']) }, t)), ConsensusErrorCode.LIGHT_NOT_ANCESTOR);
});

test('following a schedule change: v2 is accepted only once the proposing block is proven final; then v1 is retired and its keys cannot certify later blocks', () => {
  const c = new Chain(v1);
  const v2 = scheduleOf(2, ['bob', 'carol', 'erin', 'frank']);
  c.add(1);
  const s2 = c.add(2, { newSchedule: v2 });
  const s3 = c.add(3, { finalRef: s2.ref, finalQc: qcOf('COMMIT', s2, ['alice', 'bob', 'carol']) });
  const s4 = c.add(4);
  assert.equal(s4.pending?.schedule.version, 2);
  const dual4 = qcOf('COMMIT', s4, ['alice', 'bob', 'carol', 'erin', 'frank']);
  c.add(5, { finalRef: s4.ref, finalQc: dual4 });
  const s12 = c.add(12);
  assert.equal(s12.active.version, 2);
  const qc12 = qcOf('COMMIT', s12, ['bob', 'erin', 'frank']);

  let t = lightTrust(CHAIN_ID, c.states[0]!.ref, v1);
  assert.equal(code(verifyFinality({ kind: 'certificate', header: c.headers[4]!, qc: dual4 }, t)), ConsensusErrorCode.LIGHT_UNKNOWN_VERSION, 'v2 unknown yet');
  // the proposing block proven final by a v1 certificate: v2 becomes known, valid from block 3 on
  const p = verifyFinality({ kind: 'certificate', header: c.headers[2]!, qc: qcOf('COMMIT', s2, ['alice', 'bob', 'dave']) }, t);
  assert.ok(p.ok, code(p));
  t = p.value.trust;
  assert.deepEqual(t.schedules.map((s) => [s.schedule.version, s.fromNum]), [[1, 0], [2, 3]]);
  const d = verifyFinality({ kind: 'certificate', header: c.headers[4]!, qc: dual4 }, t);
  assert.ok(d.ok, `dual-quorum certificate in the overlap: ${code(d)}`);
  const onlyOld = qcOf('COMMIT', s4, ['alice', 'bob', 'dave']); // pending set: only bob
  assert.equal(code(verifyFinality({ kind: 'certificate', header: c.headers[4]!, qc: onlyOld }, t)), ConsensusErrorCode.QC_NO_QUORUM);
  const a = verifyFinality({ kind: 'certificate', header: c.headers[6]!, qc: qc12 }, d.value.trust);
  assert.ok(a.ok, code(a));
  t = a.value.trust;
  assert.equal(t.schedules[0]!.untilNum, 6, 'v1 certifies blocks below 6 only');
  // the old set (alice, carol, dave of v1) forges a block 7 under v1 on block 5 and certifies it
  const forged = makeHeader(c.states[5]!, 13, { activeVersion: 1, pendingVersion: 0, producer: 'alice' });
  const { pending: _pending, ...before } = c.states[5]!;
  const forgedQc = qcOf('COMMIT', { ...before, ref: headerRef(forged), active: v1 }, ['alice', 'carol', 'dave']);
  assert.equal(forged.num, 6);
  assert.equal(code(verifyFinality({ kind: 'certificate', header: forged, qc: forgedQc }, t)), ConsensusErrorCode.LIGHT_RETIRED_VERSION);
  // a header chain across the change gives the same trust in one step
  const h = verifyFinality({ kind: 'headers', headers: c.headers.slice(1), qc: qc12 }, lightTrust(CHAIN_ID, c.states[0]!.ref, v1));
  assert.ok(h.ok, code(h));
  assert.deepEqual(h.value.final, s12.ref);
  assert.deepEqual(h.value.trust.schedules.map((s) => [s.schedule.version, s.fromNum, s.untilNum]), [[1, 0, 6], [2, 3, undefined]]);
  assert.ok(s3);
});
