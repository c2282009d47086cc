/**
 * The node's producer and lifecycle: produced blocks are valid under the chain rules when replayed
 * from genesis by an independent validator, each carries the previous block's certificates, the
 * watermark survives restarts, the slot clock never produces a slot twice or late, one datadir takes
 * one node, and stop releases everything.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ancestorsAppend, EMPTY_ANCESTORS } from '../../src/chain/block/ancestors.ts';
import { decodeBlock } from '../../src/chain/block/block.ts';
import { verifyVote } from '../../src/chain/block/vote.ts';
import type { BlockRef } from '../../src/chain/block/types.ts';
import { COIN, slotStartMs } from '../../src/chain/params.ts';
import { chainIdBytes } from '../../src/chain/spec/canonical.ts';
import { defaultDevSpec } from '../../src/chain/spec/defaults.ts';
import { applyDelta, genesisDelta } from '../../src/chain/state/delta.ts';
import { MemoryUtxoView } from '../../src/chain/state/memoryView.ts';
import { connectBlock } from '../../src/chain/validation/connect.ts';
import { createNode } from '../../src/node/createNode.ts';
import { devKeys, devProducerKey, devProducerPublicKey, devWalletSeed } from '../../src/node/devKeys.ts';
import { SILENT_LOGGER } from '../../src/node/log.ts';
import { saveWatermark } from '../../src/node/watermark.ts';
import { DEFAULT_PREFIXES } from '../../src/crypto/address.ts';
import { equalBytes } from '../../src/util/bytes.ts';
import { keyScript, signedP2pkh, startTestNode, T0 } from './node_fixture.ts';

test('produced blocks replay from genesis under the chain rules, and each carries certificates of its parent', async () => {
  const t = await startTestNode({ keys: 2 });
  try {
    const genesisTxid = (await t.ok<{ tx: string[] }>('getblock', ['0', 1])).tx[0]!;
    t.produce();
    const [k0, k1] = t.keys as [(typeof t.keys)[0], (typeof t.keys)[0]];
    const a = signedP2pkh([{ txid: genesisTxid, vout: 0, value: 1_000_000n * COIN, key: k0 }], [{ script: keyScript(k1), value: 1_000_000n * COIN - 1000n }]);
    const b = signedP2pkh([{ txid: a.getId(), vout: 0, value: 1_000_000n * COIN - 1000n, key: k1 }], [{ script: keyScript(k0), value: 1_000_000n * COIN - 2000n }]);
    await t.ok('sendrawtransaction', [a.toHex()]);
    await t.ok('sendrawtransaction', [b.toHex()]);
    assert.equal(t.produce().txCount, 3, 'a chain of two dependent transactions goes into one block');
    t.produce();

    const spec = t.node.spec;
    const producerKey = devProducerPublicKey();
    const view = new MemoryUtxoView(genesisDelta(spec).created);
    const g = t.node.store.getBlockByHeight(0)!;
    let acc = ancestorsAppend(EMPTY_ANCESTORS, g.id);
    let parent: BlockRef = { id: g.id, num: 0, slot: 0 };
    const slots = [0];
    const height = t.node.ctx.tip().height;
    for (let h = 1; h <= height; h++) {
      const stored = t.node.store.getBlockByHeight(h)!;
      const d = decodeBlock(stored.bytes);
      assert.ok(d.ok);
      const block = d.value;
      const r = connectBlock(view, block, { spec, parent, ancestors: acc, schedule: spec.schedule, blockTimeAt: (x) => slotStartMs(spec, slots[x]!) });
      assert.ok(r.ok, `block ${h}: ${r.ok ? '' : r.error.message}`);
      applyDelta(view, r.value);
      const hdr = block.header;
      if (h === 1) {
        assert.equal(hdr.finalQc, undefined, 'block 1 points at genesis, which needs no certificate');
      } else {
        for (const [qc, phase, ref] of [[hdr.justifyQc, 'PREPARE', hdr.justify], [hdr.finalQc, 'COMMIT', hdr.finalRef]] as const) {
          assert.ok(qc !== undefined, `block ${h} carries a ${phase} certificate`);
          assert.equal(qc.phase, phase);
          assert.deepEqual(ref, parent, `block ${h}'s ${phase} reference is its parent`);
          assert.deepEqual(qc.block, parent);
          assert.deepEqual([...qc.activeBitmap], [1]);
          const subject = { chainId: chainIdBytes(spec), phase, block: parent, activeVersion: 1, pendingVersion: 0 } as const;
          assert.ok(verifyVote(subject, qc.activeSigs[0]!, producerKey), `block ${h}: the ${phase} signature verifies`);
          assert.ok(!verifyVote({ ...subject, phase: phase === 'COMMIT' ? 'PREPARE' : 'COMMIT' }, qc.activeSigs[0]!, producerKey), 'and only for its phase');
        }
      }
      acc = ancestorsAppend(acc, stored.id);
      parent = { id: stored.id, num: h, slot: hdr.slot };
      slots.push(hdr.slot);
    }
    assert.equal(t.node.store.lib(), height, 'LIB = head');
    const check = t.node.store.verifyConsistency();
    assert.ok(check.ok, check.problems.join('; '));
  } finally {
    await t.close();
  }
});

test('the watermark survives a restart: a slot signed before a crash is never signed again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cchost-wm-'));
  try {
    let t = await startTestNode({ dir, keepDir: true });
    const first = t.produce();
    const signedSlot = first.slot + 5;
    // A crash after the watermark was written and before the block reached the store.
    assert.ok(saveWatermark(t.node.store, { lastProducedSlot: signedSlot }).ok);
    await t.close();
    t = await startTestNode({ dir, keepDir: true });
    const p = t.node.producer!;
    assert.equal(p.lastProducedSlot, signedSlot);
    const again = p.produceAt(signedSlot);
    assert.equal(again.ok ? 'produced' : again.error.code, 'PRODUCE_WATERMARK');
    const earlier = p.produceAt(signedSlot - 2);
    assert.equal(earlier.ok ? 'produced' : earlier.error.code, 'PRODUCE_WATERMARK');
    const next = p.produceAt(signedSlot + 1);
    assert.ok(next.ok);
    assert.equal(next.value.height, first.height + 1);
    const notAfterTip = p.produceAt(signedSlot + 1);
    assert.equal(notAfterTip.ok ? 'produced' : notAfterTip.error.code, 'PRODUCE_NOT_AFTER_TIP');
    // After the restart the new block still carries certificates of the block before it.
    const blk = decodeBlock(t.node.store.getBlockByHeight(next.value.height)!.bytes);
    assert.ok(blk.ok && blk.value.header.finalQc !== undefined && blk.value.header.finalRef.num === first.height);
    await t.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the slot clock produces each of its slots once, skips a slot reached too late, and goes on', async () => {
  const t = await startTestNode();
  try {
    const p = t.node.producer!;
    const spec = t.node.spec;
    const s = p.lastProducedSlot + 1;
    const at = (slot: number, ms: number) => slotStartMs(spec, slot) + ms;
    assert.equal(p.step(at(s, 10)).kind, 'produced');
    assert.equal(p.step(at(s, 200)).kind, 'idle', 'the same slot again does nothing');
    assert.equal(p.step(at(s + 2, 450)).kind, 'late', '450 ms into a 500 ms slot is past the 400 ms limit');
    assert.equal(p.step(at(s + 2, 10)).kind, 'idle', 'a skipped slot is not taken up later');
    const r = p.step(at(s + 3, 0));
    assert.equal(r.kind, 'produced');
    assert.equal(r.kind === 'produced' ? r.block.slot : -1, s + 3);
    assert.equal(t.node.ctx.tip().slot, s + 3);
  } finally {
    await t.close();
  }
});

test('the slot clock on the real timer: blocks every slot, strictly increasing slots, final at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cchost-clock-'));
  const spec = defaultDevSpec({
    producerKey: devProducerPublicKey(),
    genesisTimeMs: Date.now() - 1000,
    allocations: devKeys(1, DEFAULT_PREFIXES).map((k) => ({ address: k.address, amount: COIN })),
    modules: [],
    name: 'fast-clock',
  });
  const fast = { ...spec, slotMs: 50 };
  const node = await createNode({ datadir: dir, spec: fast, producer: { privateKey: devProducerKey() }, rpc: { enabled: false }, wallet: { enabled: false }, log: SILENT_LOGGER });
  try {
    await new Promise((r) => setTimeout(r, 700));
    node.producer!.stop();
    const height = node.ctx.tip().height;
    assert.equal(node.store.lib(), height, 'every block is final at once');
    assert.ok(height >= 4, `only ${height} blocks in 700 ms of 50 ms slots`);
    const slots: number[] = [];
    for (let h = 1; h <= height; h++) {
      const d = decodeBlock(node.store.getBlockByHeight(h)!.bytes);
      assert.ok(d.ok);
      slots.push(d.value.header.slot);
    }
    for (let i = 1; i < slots.length; i++) assert.ok(slots[i]! > slots[i - 1]!, `slots ${slots.join(',')}`);
  } finally {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('one node per datadir: a second is refused with STORE_LOCKED; stop releases the lock, the cookie and the wallet', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cchost-lock-'));
  const spec = defaultDevSpec({ producerKey: devProducerPublicKey(), genesisTimeMs: T0, modules: [] });
  const config = { datadir: dir, spec, producer: { privateKey: devProducerKey(), autoStart: false }, rpc: { port: 0 }, wallet: { seed: devWalletSeed() }, log: SILENT_LOGGER };
  try {
    const node = await createNode(config);
    assert.ok(existsSync(join(dir, 'LOCK')));
    assert.ok(existsSync(join(dir, '.cookie')));
    assert.ok(existsSync(join(dir, 'wallet.json.lock')));
    const health = await fetch(`${node.rpc!.url}health`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ready');
    await assert.rejects(createNode(config), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'STORE_LOCKED');
      assert.match(e.message, /is in use by/);
      return true;
    });
    assert.ok(existsSync(join(dir, '.cookie')), 'the refused node left the running one alone');
    await node.stop();
    for (const f of ['LOCK', '.cookie', 'wallet.json.lock']) assert.ok(!existsSync(join(dir, f)), `${f} removed`);
    const again = await createNode(config);
    assert.equal(again.ctx.tip().height, 0);
    await again.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the stop RPC answers, then the node stops', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cchost-stop-'));
  const spec = defaultDevSpec({ producerKey: devProducerPublicKey(), genesisTimeMs: T0, modules: [] });
  try {
    const node = await createNode({ datadir: dir, spec, rpc: { port: 0 }, wallet: { enabled: false }, log: SILENT_LOGGER });
    const cookie = (await import('node:fs')).readFileSync(node.rpc!.cookieFile!, 'utf8');
    const res = await fetch(node.rpc!.url, {
      method: 'POST',
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'stop', params: [] }),
      headers: { authorization: `Basic ${Buffer.from(cookie).toString('base64')}` },
    });
    assert.deepEqual(await res.json(), { jsonrpc: '2.0', result: 'cchost server stopping', id: 1 });
    await node.stopped;
    assert.ok(!existsSync(join(dir, 'LOCK')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a reused datadir keeps its chain: another spec for it is refused, the stored one is used without one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cchost-spec-'));
  const spec = defaultDevSpec({ producerKey: devProducerPublicKey(), genesisTimeMs: T0, modules: [] });
  try {
    const a = await createNode({ datadir: dir, spec, rpc: { enabled: false }, wallet: { enabled: false }, log: SILENT_LOGGER });
    const id = a.ctx.tip().id;
    await a.stop();
    const other = defaultDevSpec({ producerKey: devProducerPublicKey(), genesisTimeMs: T0 + 1000, modules: [] });
    await assert.rejects(createNode({ datadir: dir, spec: other, rpc: { enabled: false }, wallet: { enabled: false }, log: SILENT_LOGGER }), /NODE_SPEC_MISMATCH|holds chain/);
    const b = await createNode({ datadir: dir, rpc: { enabled: false }, wallet: { enabled: false }, log: SILENT_LOGGER });
    assert.ok(equalBytes(b.ctx.tip().id, id));
    await b.stop();
    const empty = mkdtempSync(join(tmpdir(), 'cchost-nospec-'));
    await assert.rejects(createNode({ datadir: empty, rpc: { enabled: false }, log: SILENT_LOGGER }), (e: Error & { code?: string }) => e.code === 'NODE_NO_SPEC' && /--chain/.test(e.message));
    rmSync(empty, { recursive: true, force: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
