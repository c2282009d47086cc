import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BlockHeader, Evidence } from '../../src/chain/block/index.ts';
import { producerForSlot as chainProducerForSlot } from '../../src/chain/validation/producer.ts';
import {
  BIP340,
  ConsensusErrorCode,
  EvidenceType,
  acceptableEvidence,
  decodeEvidence,
  doubleProduceEvidence,
  doubleVoteEvidence,
  makeVote,
  nextHeaderState,
  producerForSlot,
  regimeFor,
  scheduledProducer,
  signHeader,
  verifyEvidence,
  votingSets,
} from '../../src/consensus/index.ts';
import type { HeaderState } from '../../src/consensus/index.ts';
import { CHAIN_ID, CONFIG, Chain, NAMES4, makeHeader, privOf, qcOf, scheduleOf } from './consensus_fixture.ts';

const sched = scheduleOf(1, NAMES4);

function rejectCode(parent: HeaderState, h: BlockHeader, lookup: Chain['lookup']): string | undefined {
  const r = nextHeaderState(CONFIG, parent, h, lookup);
  return r.ok ? undefined : r.error.code;
}

test('slots map to producers alphabetically in 12-slot turns (same function as the chain layer)', () => {
  const c = new Chain(scheduleOf(1, ['dave', 'alice', 'carol', 'bob']));
  const g = c.tip;
  const names = [0, 11, 12, 23, 24, 36, 47, 48, 12 * 4 * 1000 + 13].map((s) => scheduledProducer(g, s, 12).name);
  assert.deepEqual(names, ['alice', 'alice', 'bob', 'bob', 'carol', 'dave', 'dave', 'alice', 'bob']);
  for (let s = 0; s < 200; s += 7) assert.equal(producerForSlot(sched, s, 12).name, chainProducerForSlot(sched, s, 12).name);
});

test('header checks: chain, height, parent, slot order, producer, versions, signature', () => {
  const c = new Chain(sched);
  const s1 = c.add(1);
  const good = makeHeader(s1, 2);
  assert.equal(rejectCode(s1, good, c.lookup), undefined);
  const resign = (h: BlockHeader) => signHeader(h, privOf(h.producer), BIP340);
  assert.equal(rejectCode(s1, resign({ ...good, chainId: new Uint8Array(32) }), c.lookup), ConsensusErrorCode.HEADER_WRONG_CHAIN);
  assert.equal(rejectCode(s1, resign({ ...good, num: 3 }), c.lookup), ConsensusErrorCode.HEADER_BAD_HEIGHT);
  assert.equal(rejectCode(s1, resign({ ...good, parent: new Uint8Array(32) }), c.lookup), ConsensusErrorCode.HEADER_BAD_PARENT);
  assert.equal(rejectCode(s1, makeHeader(s1, 1), c.lookup), ConsensusErrorCode.HEADER_BAD_SLOT);
  assert.equal(rejectCode(s1, makeHeader(s1, 2, { producer: 'bob' }), c.lookup), ConsensusErrorCode.HEADER_WRONG_PRODUCER);
  assert.equal(rejectCode(s1, makeHeader(s1, 2, { activeVersion: 2 }), c.lookup), ConsensusErrorCode.HEADER_BAD_VERSION);
  assert.equal(rejectCode(s1, makeHeader(s1, 2, { pendingVersion: 2 }), c.lookup), ConsensusErrorCode.HEADER_BAD_VERSION);
  const forged = { ...good, producerSig: signHeader(good, privOf('bob'), BIP340).producerSig };
  assert.equal(rejectCode(s1, forged, c.lookup), ConsensusErrorCode.HEADER_BAD_SIGNATURE);
  assert.equal(rejectCode(s1, { ...good, txRoot: new Uint8Array(32) }, c.lookup), ConsensusErrorCode.HEADER_BAD_SIGNATURE, 'signature covers the body root');
});

test('justify/finalRef claims: monotone, on ancestors, and backed by a valid certificate when they move', () => {
  const c = new Chain(sched);
  const s1 = c.add(1);
  const s2 = c.add(2);
  const p1 = qcOf('PREPARE', s1, ['alice', 'bob', 'carol']);
  // moving justify needs its certificate
  assert.equal(rejectCode(s2, makeHeader(s2, 3, { justify: s1.ref }), c.lookup), ConsensusErrorCode.HEADER_QC_MISSING);
  // a certificate with an unchanged claim is not allowed either
  assert.equal(rejectCode(s2, makeHeader(s2, 3, { justifyQc: p1 }), c.lookup), ConsensusErrorCode.HEADER_QC_MISSING);
  // a COMMIT certificate cannot back a justify claim, and too few signers do not either
  assert.equal(rejectCode(s2, makeHeader(s2, 3, { justify: s1.ref, justifyQc: qcOf('COMMIT', s1, ['alice', 'bob', 'carol']) }), c.lookup), ConsensusErrorCode.HEADER_BAD_QC);
  assert.equal(rejectCode(s2, makeHeader(s2, 3, { justify: s1.ref, justifyQc: qcOf('PREPARE', s1, ['alice', 'bob']) }), c.lookup), ConsensusErrorCode.HEADER_BAD_QC);
  // a claim on the parent itself is fine; on the block itself or a non-ancestor it is not
  const s3 = c.add(3, { justify: s1.ref, justifyQc: p1 });
  assert.deepEqual(s3.chainJustify, s1.ref);
  const stranger = { id: new Uint8Array(32).fill(9), num: 2, slot: 2 };
  assert.equal(rejectCode(s3, makeHeader(s3, 4, { justify: stranger, justifyQc: { ...p1, block: stranger } }), c.lookup), ConsensusErrorCode.HEADER_BAD_CLAIM);
  // regress: back to the null claim
  assert.equal(rejectCode(s3, makeHeader(s3, 4, { justify: c.states[0]!.chainJustify }), c.lookup), ConsensusErrorCode.HEADER_BAD_CLAIM);
  // finalRef moves the chain LIB
  const s4 = c.add(4, { finalRef: s2.ref, finalQc: qcOf('COMMIT', s2, ['bob', 'carol', 'dave']) });
  assert.deepEqual(s4.chainLib, s2.ref);
  assert.deepEqual(s4.chainJustify, s1.ref, 'claims are independent');
});

test('schedule change: proposed → pending when the proposal is final → active at a turn boundary once the pending-maker is final', () => {
  const c = new Chain(sched);
  const v2 = scheduleOf(2, ['alice', 'bob', 'carol', 'erin', 'frank']);
  c.add(1);
  const s2 = c.add(2, { newSchedule: v2 });
  assert.deepEqual(s2.proposed, { schedule: v2, proposedAt: 2 });
  assert.equal(s2.highestVersion, 2);
  const s3 = c.add(3, { finalRef: s2.ref, finalQc: qcOf('COMMIT', s2, ['alice', 'bob', 'carol']) });
  assert.ok(s3.proposed && !s3.pending, 'promotion reads the parent chain LIB, so it happens one block later');
  const s4 = c.add(4);
  assert.deepEqual(s4.pending, { schedule: v2, madePendingAt: 4 });
  assert.equal(s4.proposed, undefined);
  assert.equal(c.headers[4]!.pendingVersion, 2, 'headers carry the pending version from then on');
  // finality of block 4 needs quorum in both sets
  const activeOnly = qcOf('COMMIT', s4, ['alice', 'bob', 'dave']); // pending set: alice, bob = 2 < 4
  assert.equal(rejectCode(s4, makeHeader(s4, 5, { finalRef: s4.ref, finalQc: activeOnly }), c.lookup), ConsensusErrorCode.HEADER_BAD_QC);
  const s5 = c.add(5, { finalRef: s4.ref, finalQc: qcOf('COMMIT', s4, ['alice', 'bob', 'carol', 'erin']) });
  const s6 = c.add(6);
  assert.ok(s6.pending && s6.active.version === 1, 'same turn: no promotion yet');
  assert.equal(regimeFor(s5, 11, 12).active.version, 1);
  // slot 12 starts a new turn: bob's under v2 (alice, bob, carol, erin, frank)
  const s7 = c.add(12);
  assert.equal(s7.active.version, 2);
  assert.equal(s7.pending, undefined);
  assert.equal(s7.previous?.version, 1);
  assert.equal(s7.producer, 'bob');
  assert.deepEqual(s7.stats.map((s) => s.name), ['alice', 'bob', 'carol', 'erin', 'frank']);
  // under v2 the turns at slots 36 and 48 are erin's and frank's (dave left)
  assert.equal(scheduledProducer(s7, 36, 12).name, 'erin');
  assert.equal(scheduledProducer(s7, 48, 12).name, 'frank');
});

test('a pending schedule is not promoted before its pending-maker is final, even at a turn boundary', () => {
  const c = new Chain(sched);
  const v2 = scheduleOf(2, ['alice', 'bob', 'carol', 'erin']);
  const s1 = c.add(1, { newSchedule: v2 });
  c.add(2, { finalRef: s1.ref, finalQc: qcOf('COMMIT', s1, ['alice', 'bob', 'carol']) });
  const s3 = c.add(3);
  assert.equal(s3.pending?.madePendingAt, 3);
  const s4 = c.add(12);
  assert.equal(s4.active.version, 1, 'chain LIB is block 1 < 3');
  assert.ok(s4.pending);
});

test('newSchedule acceptance: next version, sorted unique members, 4..64 of them, nothing already proposed', () => {
  const c = new Chain(sched);
  const s1 = c.add(1);
  const bad = (schedule: Parameters<typeof makeHeader>[2] extends infer E ? E : never) => rejectCode(s1, makeHeader(s1, 2, schedule), c.lookup);
  assert.equal(bad({ newSchedule: scheduleOf(3, NAMES4) }), ConsensusErrorCode.HEADER_BAD_SCHEDULE);
  assert.equal(bad({ newSchedule: scheduleOf(2, ['alice', 'bob', 'carol']) }), ConsensusErrorCode.HEADER_BAD_SCHEDULE);
  const unsorted = scheduleOf(2, NAMES4);
  assert.equal(bad({ newSchedule: { version: 2, producers: [unsorted.producers[1]!, unsorted.producers[0]!, ...unsorted.producers.slice(2)] } }), ConsensusErrorCode.HEADER_BAD_SCHEDULE);
  const dupKey = { version: 2, producers: unsorted.producers.map((p, i) => (i === 3 ? { ...p, key: unsorted.producers[0]!.key } : p)) };
  assert.equal(bad({ newSchedule: dupKey }), ConsensusErrorCode.HEADER_BAD_SCHEDULE);
  const s2 = c.add(2, { newSchedule: scheduleOf(2, ['alice', 'bob', 'carol', 'erin']) });
  assert.equal(rejectCode(s2, makeHeader(s2, 3, { newSchedule: scheduleOf(3, NAMES4) }), c.lookup), ConsensusErrorCode.HEADER_BAD_SCHEDULE);
});

test('missed slots: the scheduled producer of every empty slot is charged; 24 in a row demote to standby', () => {
  const c = new Chain(sched);
  const s1 = c.add(1);
  const s5 = c.add(5); // alice skipped 2..4 herself
  const alice = s5.stats.find((s) => s.name === 'alice')!;
  assert.deepEqual(alice, { name: 'alice', produced: 2, missed: 3, missedInARow: 0 });
  assert.equal(s1.stats.find((s) => s.name === 'alice')!.produced, 1);
  // bob (slots 12..23) never produces
  const s24 = c.add(24);
  assert.deepEqual(s24.stats.find((s) => s.name === 'bob'), { name: 'bob', produced: 0, missed: 12, missedInARow: 12 });
  assert.deepEqual(s24.stats.find((s) => s.name === 'alice'), { name: 'alice', produced: 2, missed: 9, missedInARow: 6 }, 'slots 6..11 too');
  c.add(36);
  c.add(48);
  assert.equal(c.tip.standby.length, 0);
  assert.equal(c.tip.electionDue, false);
  const s72 = c.add(72); // bob's 60..71 missed: 24 in a row
  assert.deepEqual(s72.stats.find((s) => s.name === 'bob'), { name: 'bob', produced: 0, missed: 24, missedInARow: 24 });
  assert.deepEqual(s72.standby, [{ name: 'bob', reason: 'missed-slots', atNum: s72.ref.num }]);
  assert.equal(s72.electionDue, true);
  const next = c.add(73);
  assert.equal(next.electionDue, false, 'the election trigger is for the next block only');
  assert.equal(next.standby.length, 1, 'standby persists');
});

test('missed slots over a long gap are charged arithmetically (a million slots costs no more than a turn)', () => {
  const c = new Chain(sched);
  c.add(1);
  const far = 48 * 100_000 + 1; // 100,000 full rotations later, alice's turn again
  const t0 = process.hrtime.bigint();
  const s = c.add(far);
  assert.ok(process.hrtime.bigint() - t0 < 200_000_000n);
  const missed = Object.fromEntries(s.stats.map((x) => [x.name, x.missed]));
  // alice: slots 2..11, her 99,999 whole turns in between, and slot 4,800,000 of her own final turn
  assert.deepEqual(missed, { alice: 10 + 12 * 99_999 + 1, bob: 12 * 100_000, carol: 12 * 100_000, dave: 12 * 100_000 });
});

function doubleProduce(parent: HeaderState, slot: number): Evidence {
  return doubleProduceEvidence(makeHeader(parent, slot, { variant: 1 }), makeHeader(parent, slot, { variant: 2 }))!;
}

test('DoubleProduce evidence demotes the producer; stale or forged evidence makes the block invalid', () => {
  const c = new Chain(sched);
  const s1 = c.add(1);
  const ev = doubleProduce(s1, 2);
  const off = verifyEvidence(ev, CHAIN_ID, (v) => (v === 1 ? sched : undefined), BIP340);
  assert.ok(off.ok);
  assert.deepEqual(off.value, { offender: 'alice', slot: 2, reason: 'double-produce' });
  const s2 = c.add(3, { evidence: [ev] });
  assert.deepEqual(s2.standby, [{ name: 'alice', reason: 'double-produce', atNum: 2 }]);
  assert.deepEqual(s2.punished, [{ name: 'alice', slot: 2 }]);
  assert.equal(s2.electionDue, true);
  // the same offence again is stale
  const again = nextHeaderState(CONFIG, s2, makeHeader(s2, 4, { evidence: [ev] }), c.lookup);
  assert.equal(again.ok ? '' : again.error.code, ConsensusErrorCode.HEADER_BAD_EVIDENCE);
  assert.equal(acceptableEvidence(CONFIG, s2, 4, [ev]).length, 0, 'producers filter stale evidence out');
  assert.equal(acceptableEvidence(CONFIG, s1, 3, [ev, ev]).length, 1, 'one item per offender');
  // a forged signature
  const d = decodeEvidence(ev);
  assert.ok(d.ok && d.value.kind === 'double-produce');
  const forged = doubleProduceEvidence(d.value.a, { ...d.value.b, producerSig: new Uint8Array(64).fill(1) })!;
  assert.equal(rejectCode(s1, makeHeader(s1, 3, { evidence: [forged] }), c.lookup), ConsensusErrorCode.HEADER_BAD_EVIDENCE);
  const r = verifyEvidence(forged, CHAIN_ID, () => sched, BIP340);
  assert.equal(r.ok ? '' : r.error.code, ConsensusErrorCode.EVIDENCE_BAD_SIGNATURE);
});

test('double-vote evidence: two votes of one phase and slot on different blocks; non-conflicting or malformed items rejected', () => {
  const c = new Chain(sched);
  const s1 = c.add(1);
  const x = nextHeaderState(CONFIG, s1, makeHeader(s1, 2, { variant: 1 }), c.lookup);
  const y = nextHeaderState(CONFIG, s1, makeHeader(s1, 2, { variant: 2 }), c.lookup);
  assert.ok(x.ok && y.ok);
  const vx = makeVote(votingSets(CHAIN_ID, x.value), 'PREPARE', x.value.ref, 'carol', privOf('carol'), BIP340);
  const vy = makeVote(votingSets(CHAIN_ID, y.value), 'PREPARE', y.value.ref, 'carol', privOf('carol'), BIP340);
  const ev = doubleVoteEvidence(vx, vy);
  assert.equal(ev.type, EvidenceType.DOUBLE_PREPARE);
  assert.deepEqual(doubleVoteEvidence(vy, vx), ev, 'canonical order');
  const r = verifyEvidence(ev, CHAIN_ID, () => sched, BIP340);
  assert.ok(r.ok);
  assert.deepEqual(r.value, { offender: 'carol', slot: 2, reason: 'double-prepare' });
  const s2 = c.add(3, { evidence: [ev] });
  assert.deepEqual(s2.standby.map((s) => s.name), ['carol']);
  // a COMMIT and a PREPARE are not a double vote; the same block twice neither
  const cy = makeVote(votingSets(CHAIN_ID, y.value), 'COMMIT', y.value.ref, 'carol', privOf('carol'), BIP340);
  assert.throws(() => doubleVoteEvidence(vx, cy), RangeError);
  assert.throws(() => doubleVoteEvidence(vx, vx), RangeError);
  // tampering with the second vote's slot breaks it
  const tampered = ev.data.slice();
  // layout: u8 len ‖ 'carol' ‖ vote A (id32 num slot av pv sig64) ‖ vote B: B's slot is at 1 + 5 + 112 + 32 + 4
  tampered[1 + 5 + 112 + 32 + 4]! ^= 1;
  const t = verifyEvidence({ type: ev.type, data: tampered }, CHAIN_ID, () => sched, BIP340);
  assert.equal(t.ok ? '' : t.error.code, ConsensusErrorCode.EVIDENCE_NOT_CONFLICTING);
  assert.equal((decodeEvidence({ type: 9, data: ev.data }) as { ok: false; error: { code: string } }).error.code, ConsensusErrorCode.EVIDENCE_UNKNOWN_TYPE);
  assert.equal((decodeEvidence({ type: 2, data: ev.data.subarray(0, 50) }) as { ok: false; error: { code: string } }).error.code, ConsensusErrorCode.EVIDENCE_MALFORMED);
  // an offender in no known schedule
  const u = verifyEvidence(ev, CHAIN_ID, () => scheduleOf(1, ['alice', 'bob', 'dave', 'erin']), BIP340);
  assert.equal(u.ok ? '' : u.error.code, ConsensusErrorCode.EVIDENCE_UNKNOWN_OFFENDER);
});
