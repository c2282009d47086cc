import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sha256 } from '../../src/crypto/hash.ts';
import { utf8 } from '../../src/util/bytes.ts';
import type { BlockHeader, QC } from '../../src/chain/block/index.ts';
import {
  ForkDb,
  decodeEvidence,
  decodeFsi,
  decodeVote,
  encodeFsi,
  encodeVote,
  genesisHeaderState,
  headerRef,
  lightTrust,
  verifyFinality,
  slotsPerIndex,
  turnOf,
} from '../../src/consensus/index.ts';
import type { BranchApplier, FinalizerSafety, ForkBlock, HeaderState, Vote } from '../../src/consensus/index.ts';
import { CHAIN_ID, Chain, genesisHeader, qcOf, scheduleOf, NAMES4 } from '../unit/consensus_fixture.ts';

const runs = Number(process.env['CCHOST_FUZZ_RUNS'] ?? 300);

/** Plain JSON form (fast-check records have a null prototype; bytes become hex). */
function norm(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x)));
}
const b32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const u32 = fc.nat({ max: 0xffffffff });
const ref = fc.record({ id: b32, num: u32, slot: u32 });

test('missed-slot arithmetic equals counting slot by slot', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 15 }), fc.nat({ max: 5000 }), fc.nat({ max: 3000 }), (n, t, first, len) => {
      const last = first + len - 1;
      const naive = new Array<number>(n).fill(0);
      for (let s = first; s <= last; s++) naive[turnOf(s, t) % n]! += 1;
      assert.deepEqual(slotsPerIndex(n, t, first, last), naive);
    }),
    { numRuns: runs },
  );
});

const fsiArb: fc.Arbitrary<FinalizerSafety> = fc.record({
  lastPrepare: fc.option(ref, { nil: null }),
  lastCommitSlot: u32,
  lock: fc.oneof(fc.constant(null), ref, u32.map((slot) => ({ id: null, slot }))),
  otherBranchLatestSlot: u32,
});

test('FSI codec: decode(encode(x)) = x, and one flipped bit is always detected', () => {
  fc.assert(
    fc.property(fsiArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (f, pos, bit) => {
      const bytes = encodeFsi(f);
      const back = decodeFsi(bytes);
      assert.ok(back.ok);
      assert.deepEqual(norm(back.value), norm(f));
      const bad = bytes.slice();
      bad[pos % bad.length]! ^= 1 << bit;
      assert.equal(decodeFsi(bad).ok, false);
    }),
    { numRuns: runs },
  );
});

const voteArb: fc.Arbitrary<Vote> = fc.record({
  phase: fc.constantFrom('PREPARE' as const, 'COMMIT' as const),
  block: ref,
  activeVersion: u32,
  pendingVersion: u32,
  voter: fc.stringMatching(/^[a-z][a-z0-9._-]{0,31}$/),
  sig: fc.uint8Array({ minLength: 64, maxLength: 64 }),
});

test('vote codec round-trips', () => {
  fc.assert(
    fc.property(voteArb, (v) => {
      const back = decodeVote(encodeVote(v));
      assert.ok(back.ok);
      assert.deepEqual(norm(back.value), norm(v));
    }),
    { numRuns: runs },
  );
});

test('decoders of votes, evidence and FSI files never throw on arbitrary bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat({ max: 5 }), (bytes, type) => {
      assert.doesNotThrow(() => decodeVote(bytes));
      assert.doesNotThrow(() => decodeFsi(bytes));
      assert.doesNotThrow(() => decodeEvidence({ type, data: bytes }));
    }),
    { numRuns: runs },
  );
});

/** Random fork-database workloads: blocks on random parents, random certificates, random invalid blocks. */
test('fork database: after every head update the head is the best block, the applied state is its branch, invariants hold', () => {
  const g = genesisHeader();
  const gState = genesisHeaderState(headerRef(g), scheduleOf(1, NAMES4));
  const op = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), parent: fc.nat(), gap: fc.integer({ min: 1, max: 3 }), bad: fc.boolean() }),
    fc.record({ kind: fc.constant('qc' as const), target: fc.nat(), commit: fc.boolean() }),
  );
  fc.assert(
    fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => {
      const db = new ForkDb<{ tag: number; bad: boolean }>(g, gState, { tag: 0, bad: false });
      const all: { header: BlockHeader; state: HeaderState }[] = [{ header: g, state: gState }];
      const applied: number[] = [];
      const applier: BranchApplier<{ tag: number; bad: boolean }> = {
        apply: (b: ForkBlock<{ tag: number; bad: boolean }>) => {
          if (b.payload.bad) return { ok: false, error: { code: 'BAD', message: 'bad' } };
          applied.push(b.payload.tag);
          return { ok: true, value: undefined };
        },
        undo: (b) => assert.equal(applied.pop(), b.payload.tag),
      };
      let tag = 0;
      for (const o of ops) {
        if (o.kind === 'add') {
          const p = all[o.parent % all.length]!;
          tag++;
          const header: BlockHeader = { ...g, num: p.state.ref.num + 1, slot: p.state.ref.slot + o.gap, parent: p.state.ref.id, producer: 'alice', txRoot: sha256(utf8(`t${tag}`)) };
          const state: HeaderState = { ...p.state, ref: headerRef(header) };
          all.push({ header, state });
          db.add(header, state, { tag, bad: o.bad });
        } else {
          const t = all[o.target % all.length]!;
          const qc: QC = { phase: o.commit ? 'COMMIT' : 'PREPARE', block: t.state.ref, activeVersion: 1, activeBitmap: new Uint8Array(1), activeSigs: [], pendingVersion: 0 };
          db.markQc(qc);
        }
        db.updateHead(applier);
        assert.equal(db.head, db.best());
        assert.deepEqual(applied, db.branch(db.head.ref.id).reverse().map((b) => b.payload.tag));
        for (const b of db.branch(db.head.ref.id)) assert.ok(b.validated && !b.payload.bad);
        const f = db.finalizable();
        if (f !== undefined) {
          const before = db.lib;
          assert.ok(db.advanceRoot(f).ok);
          assert.ok(db.extends(db.lib, before) && db.lib.num > before.num, 'the root moves forward along its chain');
          const kept = db.branch(db.head.ref.id).reverse().map((b) => b.payload.tag);
          applied.splice(0, applied.length - kept.length);
        }
        assert.equal(db.checkInvariants(), undefined);
      }
    }),
    { numRuns: Math.max(20, Math.floor(runs / 5)) },
  );
});

test('fork database: a branch switch cut short at any step and resumed from the store tip (resumeAt) ends where an uninterrupted one does', () => {
  const g = genesisHeader();
  const gState = genesisHeaderState(headerRef(g), scheduleOf(1, NAMES4));
  type P = { tag: number; bad: boolean };
  const op = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), parent: fc.nat(), gap: fc.integer({ min: 1, max: 3 }), bad: fc.boolean() }),
    fc.record({ kind: fc.constant('qc' as const), target: fc.nat() }),
  );
  class Crash extends Error {}
  fc.assert(
    fc.property(fc.array(op, { minLength: 1, maxLength: 30 }), fc.nat(), fc.nat({ max: 12 }), (ops, crashAt, steps) => {
      const blocks: { header: BlockHeader; state: HeaderState; payload: P }[] = [];
      const qcs: QC[] = [];
      const store: number[] = []; // the persisted UTXO store: applied tags, one step at a time
      let budget = Infinity;
      const step = () => {
        if (--budget < 0) throw new Crash();
      };
      const applierFor = (list: number[], persist: boolean): BranchApplier<P> => ({
        apply: (b) => {
          if (b.payload.bad) return { ok: false, error: { code: 'BAD', message: 'bad' } };
          list.push(b.payload.tag);
          if (persist) step();
          return { ok: true, value: undefined };
        },
        undo: (b) => {
          assert.equal(list.pop(), b.payload.tag);
          if (persist) step();
        },
      });
      const never = new ForkDb<P>(g, gState, { tag: 0, bad: false });
      const neverApplied: number[] = [];
      let crashing = new ForkDb<P>(g, gState, { tag: 0, bad: false });
      const all: { header: BlockHeader; state: HeaderState }[] = [{ header: g, state: gState }];
      const cut = crashAt % ops.length;
      let tag = 0;
      ops.forEach((o, i) => {
        if (o.kind === 'add') {
          const p = all[o.parent % all.length]!;
          tag++;
          const header: BlockHeader = { ...g, num: p.state.ref.num + 1, slot: p.state.ref.slot + o.gap, parent: p.state.ref.id, producer: 'alice', txRoot: sha256(utf8(`t${tag}`)) };
          const state: HeaderState = { ...p.state, ref: headerRef(header) };
          all.push({ header, state });
          blocks.push({ header, state, payload: { tag, bad: o.bad } });
          never.add(header, state, { tag, bad: o.bad });
          crashing.add(header, state, { tag, bad: o.bad });
        } else {
          const t = all[o.target % all.length]!;
          const qc: QC = { phase: 'PREPARE', block: t.state.ref, activeVersion: 1, activeBitmap: new Uint8Array(1), activeSigs: [], pendingVersion: 0 };
          qcs.push(qc);
          never.markQc(qc);
          crashing.markQc(qc);
        }
        never.updateHead(applierFor(neverApplied, false));
        if (i === cut) budget = steps;
        try {
          crashing.updateHead(applierFor(store, true));
        } catch (e) {
          if (!(e instanceof Crash)) throw e;
          // restart: rebuild from the persisted blocks and certificates; the head resumes at the store tip
          budget = Infinity;
          crashing = new ForkDb<P>(g, gState, { tag: 0, bad: false });
          for (const b of blocks) crashing.add(b.header, b.state, b.payload);
          for (const qc of qcs) crashing.markQc(qc);
          const tip = store.length === 0 ? gState.ref.id : blocks.find((b) => b.payload.tag === store[store.length - 1])!.state.ref.id;
          assert.ok(crashing.resumeAt(tip).ok);
          crashing.updateHead(applierFor(store, true));
        }
        budget = Infinity;
        assert.deepEqual(store, neverApplied, 'the same applied chain');
        assert.deepEqual(crashing.head.ref, never.head.ref, 'the same head');
        assert.equal(crashing.checkInvariants(), undefined);
      });
    }),
    { numRuns: Math.max(20, Math.floor(runs / 5)) },
  );
});

test('light client: a valid certificate proof with any one byte changed (signature, bitmap, header field, block reference) is rejected, never thrown', () => {
  const c = new Chain(scheduleOf(1, NAMES4));
  for (let slot = 1; slot <= 3; slot++) c.add(slot);
  const st = c.states[3]!;
  const qc = qcOf('COMMIT', st, ['alice', 'bob', 'dave']);
  const header = c.headers[3]!;
  const trust = lightTrust(CHAIN_ID, c.states[0]!.ref, scheduleOf(1, NAMES4));
  assert.ok(verifyFinality({ kind: 'certificate', header, qc }, trust).ok);
  const flip = (b: Uint8Array, at: number, bit: number) => {
    const x = b.slice();
    x[at % x.length] = x[at % x.length]! ^ (1 << bit);
    return x;
  };
  const where = fc.constantFrom('sig', 'bitmap', 'txRoot', 'parent', 'producerSig', 'blockId', 'blockSlot', 'version');
  fc.assert(
    fc.property(where, fc.nat(), fc.integer({ min: 0, max: 7 }), (w, at, bit) => {
      let h = header;
      let q = qc;
      switch (w) {
        case 'sig': {
          const sigs = q.activeSigs.slice();
          sigs[at % sigs.length] = flip(sigs[at % sigs.length]!, at, bit);
          q = { ...q, activeSigs: sigs };
          break;
        }
        case 'bitmap':
          q = { ...q, activeBitmap: flip(q.activeBitmap, 0, bit) };
          break;
        case 'txRoot':
          h = { ...h, txRoot: flip(h.txRoot, at, bit) };
          break;
        case 'parent':
          h = { ...h, parent: flip(h.parent, at, bit) };
          break;
        case 'producerSig':
          // the id does not cover the producer signature: the certificate still names this block
          h = { ...h, producerSig: flip(h.producerSig, at, bit) };
          break;
        case 'blockId':
          q = { ...q, block: { ...q.block, id: flip(q.block.id, at, bit) } };
          break;
        case 'blockSlot':
          q = { ...q, block: { ...q.block, slot: q.block.slot ^ (1 << bit) } };
          break;
        case 'version':
          q = { ...q, activeVersion: q.activeVersion ^ (1 << bit) };
          break;
      }
      let r: ReturnType<typeof verifyFinality> | undefined;
      assert.doesNotThrow(() => (r = verifyFinality({ kind: 'certificate', header: h, qc: q }, trust)));
      assert.equal(r!.ok, w === 'producerSig', `${w} at ${at}/${bit}`);
    }),
    { numRuns: Math.max(50, Math.floor(runs / 2)) },
  );
});
