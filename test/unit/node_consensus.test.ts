/**
 * The node's consensus engine over a real store, without a network: certificates drive fork choice
 * and branch switches (the store disconnects the old branch, the mempool gets its transactions
 * back), the finalizer's C2 rule holds inside the node, a COMMIT certificate moves the store's LIB,
 * a restarted engine re-reads its reversible blocks and FSI and never signs two blocks for one slot;
 * light validation skips scripts but not the UTXO transition; the clock check's verdicts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ancestorsAppend, EMPTY_ANCESTORS } from '../../src/chain/block/ancestors.ts';
import type { AncestorsAccumulator } from '../../src/chain/block/ancestors.ts';
import type { Block, BlockRef, Phase } from '../../src/chain/block/types.ts';
import { Mempool } from '../../src/chain/mempool/mempool.ts';
import { COIN, slotStartMs } from '../../src/chain/params.ts';
import { chainIdBytes } from '../../src/chain/spec/canonical.ts';
import type { ChainSpec } from '../../src/chain/spec/types.ts';
import { applyDelta, genesisDelta } from '../../src/chain/state/delta.ts';
import { MemoryUtxoView } from '../../src/chain/state/memoryView.ts';
import { buildBlock } from '../../src/chain/validation/build.ts';
import { connectBlock } from '../../src/chain/validation/connect.ts';
import { ScriptCache } from '../../src/chain/validation/scriptCache.ts';
import { signBlockHeader } from '../../src/chain/block/sign.ts';
import { merkleRoot } from '../../src/chain/merkle.ts';
import { txidOf } from '../../src/chain/state/txid.ts';
import { headerRef } from '../../src/consensus/header.ts';
import { BIP340 } from '../../src/consensus/scheme.ts';
import type { Vote } from '../../src/consensus/types.ts';
import { makeVote, votingSets } from '../../src/consensus/votes.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { DEFAULT_PREFIXES } from '../../src/crypto/address.ts';
import { ChainState } from '../../src/node/chainState.ts';
import { ClockMonitor } from '../../src/node/consensus/clockCheck.ts';
import { ConsensusEngine } from '../../src/node/consensus/engine.ts';
import { devKeys } from '../../src/node/devKeys.ts';
import { devnetSpec } from '../../src/node/devnet/spec.ts';
import type { DevnetProducer } from '../../src/node/devnet/spec.ts';
import { SILENT_LOGGER } from '../../src/node/log.ts';
import { openStore } from '../../src/store/store.ts';
import type { Store } from '../../src/store/types.ts';
import { toHex, utf8 } from '../../src/util/bytes.ts';
import { unwrap } from '../../src/util/errors.ts';
import { keyScript, signedP2pkh } from './node_fixture.ts';

const T0 = 1_735_689_600_000;
const producers: DevnetProducer[] = ['producer0', 'producer1', 'producer2', 'producer3'].map((name) => ({ name, privateKey: sha256(utf8(`node_consensus test ${name}`)) }));
const spec: ChainSpec = devnetSpec({ producers, genesisTimeMs: T0, fundedKeys: 2 });
const [k0, k1] = devKeys(2, DEFAULT_PREFIXES) as [ReturnType<typeof devKeys>[0], ReturnType<typeof devKeys>[0]];
const FUNDS = 1_000_000n * COIN;

interface Harness {
  readonly store: Store;
  readonly chain: ChainState;
  readonly mempool: Mempool;
  readonly clock: { ms: number };
  readonly sent: Vote[];
  engine: ConsensusEngine;
  restart(): void;
}

function harness(dir: string, me = 0): Harness {
  const store = unwrap(openStore(dir, { chainId: chainIdBytes(spec) }));
  if (store.height() < 0) {
    unwrap(store.connectBlock(genesisDelta(spec)));
    unwrap(store.setLib(0));
  }
  const clock = { ms: T0 + 10 * spec.slotMs };
  const sent: Vote[] = [];
  const scriptCache = new ScriptCache();
  const h = { store, clock, sent } as Harness & { chain: ChainState; mempool: Mempool; engine: ConsensusEngine };
  const make = (): void => {
    const chain = ChainState.load(store, spec);
    const mempool = new Mempool({ spec, scriptCache });
    const engine = new ConsensusEngine({
      spec,
      store,
      chain,
      mempool,
      mempoolContext: () => ({ view: store, tipHeight: chain.height, tipTimeMs: chain.blockTimeAt(chain.height), blockTimeAt: chain.blockTimeAt, nowMs: clock.ms }),
      ccHost: undefined,
      scriptCache,
      hooks: undefined,
      log: SILENT_LOGGER,
      now: () => clock.ms,
      key: { name: producers[me]!.name, privateKey: producers[me]!.privateKey },
    });
    engine.onVoteSent((v) => sent.push(v));
    Object.assign(h, { chain, mempool, engine });
  };
  make();
  h.restart = make;
  return h;
}

/** The genesis coinbase txid in display order. */
const genesisTxid = (): string => toHex(Uint8Array.from(genesisDelta(spec).txids[0]!).reverse());

/** `block` with its txRoot recomputed over its transactions and signed again by its producer. */
function resign(block: Block): Block {
  const who = producers.find((p) => p.name === block.header.producer)!;
  const header = signBlockHeader({ ...block.header, txRoot: merkleRoot(block.txs.map(txidOf)).root }, who.privateKey);
  return { header, txs: block.txs };
}

const genesis = (store: Store): { ref: BlockRef; acc: AncestorsAccumulator; view: MemoryUtxoView } => {
  const g = store.getBlockByHeight(0)!;
  return { ref: { id: g.id, num: 0, slot: 0 }, acc: ancestorsAppend(EMPTY_ANCESTORS, g.id), view: new MemoryUtxoView(genesisDelta(spec).created) };
};

/** A block by the producer scheduled at `slot`, on `parent` (genesis here), with `txs`. */
function blockAt(store: Store, slot: number, txs: Block['txs'] = []): Block {
  const g = genesis(store);
  const who = producers[Math.floor(slot / spec.turnLength) % producers.length]!;
  const built = buildBlock({
    spec,
    view: g.view,
    parent: g.ref,
    ancestors: g.acc,
    schedule: spec.schedule,
    blockTimeAt: () => T0,
    slot,
    producer: who,
    producerScript: keyScript(k1),
    candidates: txs,
  });
  assert.ok(built.ok, built.ok ? '' : built.error.message);
  assert.equal(built.value.block.txs.length, txs.length + 1, JSON.stringify(built.value.dropped.map((d) => d.error.message)));
  return built.value.block;
}

function voteOn(h: Harness, block: Block, phase: Phase, voters: readonly number[]): void {
  const entry = h.engine.db.get(headerRef(block.header).id)!;
  for (const i of voters) {
    const v = makeVote(votingSets(chainIdBytes(spec), entry.state), phase, entry.ref, producers[i]!.name, producers[i]!.privateKey, BIP340);
    const r = h.engine.receiveVote(v);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
  }
}

test('a PREPARE certificate on a competing block moves the store to it: the old branch is disconnected and its transactions return to the mempool; C2 keeps this producer from committing it; a COMMIT certificate makes it the store LIB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cchost-nc-'));
  const h = harness(dir);
  try {
    const pay = signedP2pkh([{ txid: genesisTxid(), vout: 0, value: FUNDS, key: k0 }], [{ script: keyScript(k1), value: FUNDS - 10_000n }]);
    const a = blockAt(h.store, 24, [pay]); // producer2's turn
    const b = blockAt(h.store, 12); // producer1's turn: competes with a on genesis
    h.clock.ms = slotStartMs(spec, 25);
    assert.deepEqual(h.engine.receiveBlock(a, undefined, 'peer-a'), { ok: true, value: 'added' });
    assert.equal(h.store.height(), 1);
    assert.ok(h.store.getTx(Uint8Array.from(pay.getHash())) !== undefined, 'the payment is confirmed in block a');
    assert.equal(h.sent.filter((v) => v.phase === 'PREPARE').length, 1, 'the producer prepared its head a');

    assert.deepEqual(h.engine.receiveBlock(b, undefined, 'peer-b'), { ok: true, value: 'added' });
    assert.equal(toHex(h.chain.tipRef().id), toHex(headerRef(a.header).id), 'without certificates the later slot stays the head');

    voteOn(h, b, 'PREPARE', [1, 2, 3]);
    assert.equal(toHex(h.chain.tipRef().id), toHex(headerRef(b.header).id), 'a PREPARE certificate on b makes it the best head');
    assert.equal(toHex(h.store.tip()!.id), toHex(headerRef(b.header).id), 'the store switched');
    assert.equal(h.store.getTx(Uint8Array.from(pay.getHash())), undefined, "a's payment left the chain");
    assert.ok(h.mempool.has(Uint8Array.from(pay.getHash())), "a's payment is back in the mempool");
    assert.equal(h.engine.status().proposedLib.num, 1);
    assert.equal(h.sent.filter((v) => v.phase === 'COMMIT').length, 0, 'C2: after preparing a (slot 24) it must not commit b (slot 12) off that branch');

    voteOn(h, b, 'COMMIT', [1, 2, 3]);
    assert.equal(h.store.lib(), 1, 'the store LIB moved to b');
    assert.equal(toHex(h.engine.db.lib.id), toHex(headerRef(b.header).id));
    assert.equal(h.engine.libQc?.phase, 'COMMIT');
    assert.equal(h.engine.db.get(headerRef(a.header).id), undefined, 'a was pruned with the old branch');
  } finally {
    h.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a restarted engine re-reads its reversible blocks and FSI from the store, votes only from its startup slot, and never signs two blocks for one slot and phase', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cchost-nc-'));
  let h = harness(dir, 0);
  try {
    const a = blockAt(h.store, 24);
    h.clock.ms = slotStartMs(spec, 25);
    h.engine.receiveBlock(a, undefined, 'p');
    voteOn(h, a, 'PREPARE', [1, 2]);
    assert.deepEqual(
      h.sent.map((v) => `${v.phase}@${v.block.slot}`),
      ['PREPARE@24', 'COMMIT@24'],
      'prepared its head, then committed it once the certificate formed (its own vote completed it)',
    );
    const before = h.engine.status();
    assert.equal(before.lib.num, 0, 'no COMMIT certificate yet: a is reversible');

    // "crash": a new engine over the same store (same process, same clock slot)
    h.store.close();
    h = harness(dir, 0);
    h.clock.ms = slotStartMs(spec, 25) + 100;
    h.restart();
    const after = h.engine.status();
    assert.equal(after.head.num, 1, 'the reversible block is back from the store');
    assert.equal(toHex(after.head.id), toHex(before.head.id));
    assert.equal(after.fsi?.lastPrepare?.slot, 24, 'the FSI was loaded, not re-created');
    assert.equal(after.fsi?.lastCommitSlot, 24);
    assert.ok(after.startupSlot! > 25, `startup slot ${after.startupSlot} lies after the crash slot`);

    // a competing block at the same slot from an equivocating producer2 must not get a second vote
    const g = genesis(h.store);
    const twin = buildBlock({ spec, view: g.view, parent: g.ref, ancestors: g.acc, schedule: spec.schedule, blockTimeAt: () => T0, slot: 24, producer: producers[2]!, producerScript: keyScript(k0), candidates: [] });
    assert.ok(twin.ok);
    h.engine.receiveBlock(twin.value.block, undefined, 'p');
    assert.equal(h.sent.length, 0, 'nothing voted for slot 24 again');
    assert.equal(h.engine.status().equivocations, 1, 'the double production was noticed');

    // a later block on a (slot ≥ startup): votes resume
    const acc = ancestorsAppend(g.acc, headerRef(a.header).id);
    const view = new MemoryUtxoView(genesisDelta(spec).created);
    applyDelta(view, unwrap(connectBlock(new MemoryUtxoView(genesisDelta(spec).created), a, { spec, parent: g.ref, ancestors: g.acc, schedule: spec.schedule, blockTimeAt: () => T0 })));
    const slot = Math.ceil(after.startupSlot! / 12) * 12 + 24; // a producer2 slot after startup
    const c = buildBlock({ spec, view, parent: headerRef(a.header), ancestors: acc, schedule: spec.schedule, blockTimeAt: () => T0, slot, producer: producers[Math.floor(slot / 12) % 4]!, producerScript: keyScript(k0), candidates: [], justify: g.ref, finalRef: g.ref });
    assert.ok(c.ok, c.ok ? '' : c.error.message);
    h.clock.ms = slotStartMs(spec, slot);
    assert.deepEqual(h.engine.receiveBlock(c.value.block, undefined, 'p'), { ok: true, value: 'added' });
    assert.deepEqual(h.sent.map((v) => `${v.phase}@${v.block.slot}`), [`PREPARE@${slot}`]);
  } finally {
    h.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('light validation applies the UTXO transition without script checks; full validation rejects the same block', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cchost-nc-'));
  const store = unwrap(openStore(dir, { chainId: chainIdBytes(spec) }));
  try {
    unwrap(store.connectBlock(genesisDelta(spec)));
    const gg = genesis(store);
    const txid = genesisTxid();
    const good = signedP2pkh([{ txid, vout: 0, value: FUNDS, key: k0 }], [{ script: keyScript(k1), value: FUNDS - 10_000n }]);
    const block = blockAt(store, 12, [good]);
    const empty = blockAt(store, 12);
    // k0's coin spent with a signature by k1: a block the producer signs, whose script check fails
    const forged = signedP2pkh([{ txid, vout: 0, value: FUNDS, key: k1 }], [{ script: keyScript(k1), value: FUNDS - 10_000n }]);
    const withForged = resign({ header: empty.header, txs: [empty.txs[0]!, forged] });
    const ctx = { spec, parent: gg.ref, ancestors: gg.acc, schedule: spec.schedule, blockTimeAt: () => T0 };
    const full = connectBlock(gg.view, withForged, ctx);
    assert.equal(full.ok, false, 'full validation checks the script');
    const light = connectBlock(gg.view, withForged, ctx, { light: true });
    assert.ok(light.ok, light.ok ? '' : light.error.message);
    assert.equal(light.value.spent.length, 1);
    assert.equal(light.value.fees, 10_000n);
    assert.ok(connectBlock(gg.view, block, ctx, { light: true }).ok);

    const overspend = signedP2pkh([{ txid, vout: 0, value: FUNDS, key: k0 }], [{ script: keyScript(k1), value: FUNDS + 1n }]);
    const r = connectBlock(gg.view, resign({ header: empty.header, txs: [empty.txs[0]!, overspend] }), ctx, { light: true });
    assert.equal(r.ok, false, 'light validation still refuses to create value');
    const missing = signedP2pkh([{ txid: toHex(new Uint8Array(32).fill(7)), vout: 0, value: FUNDS, key: k0 }], [{ script: keyScript(k1), value: 1n }]);
    const m = connectBlock(gg.view, resign({ header: empty.header, txs: [empty.txs[0]!, missing] }), ctx, { light: true });
    assert.equal(m.ok, false, 'light validation refuses a missing input');
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the clock check: no verdict before 3 samples; a clock behind or ahead of most producers by more than 250 ms is skewed; delays of honest blocks and one wrong peer clock are not', () => {
  const now = 1_000_000;
  const honest = new ClockMonitor();
  honest.observe('a', 40, now);
  honest.observe('b', 35, now);
  assert.equal(honest.estimate(now).skewed, false);
  assert.equal(honest.estimate(now).offsetMs, undefined, 'two samples are not enough');
  honest.observe('c', 180, now);
  honest.observe('a', 12, now);
  assert.deepEqual([honest.estimate(now).skewed, honest.estimate(now).offsetMs], [false, 35]);

  const behind = new ClockMonitor();
  for (const p of ['a', 'b', 'c']) behind.observe(p, -700 + 30, now);
  assert.deepEqual([behind.estimate(now).skewed, behind.estimate(now).offsetMs], [true, -670]);

  const ahead = new ClockMonitor();
  for (const p of ['a', 'b', 'c']) for (const d of [20, 90, 5]) ahead.observe(p, 1000 + d, now);
  assert.deepEqual([ahead.estimate(now).skewed, ahead.estimate(now).offsetMs], [true, 1005]);

  const oneLiar = new ClockMonitor();
  oneLiar.observe('a', 5000, now);
  oneLiar.observe('b', 20, now);
  oneLiar.observe('c', 30, now);
  assert.equal(oneLiar.estimate(now).skewed, false, 'one peer with a wrong clock does not move the median');
  const twoSampled = new ClockMonitor();
  twoSampled.observe('fast', -1000, now);
  twoSampled.observe('fast', -990, now);
  twoSampled.observe('b', 15, now);
  assert.deepEqual([twoSampled.estimate(now).skewed, twoSampled.estimate(now).offsetMs], [false, 15], 'one of two is not a majority');
  assert.equal(oneLiar.estimate(now + 61_000).offsetMs, undefined, 'old samples expire');
});
