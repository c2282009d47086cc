/**
 * The block-range `Syncer` against an in-memory source: blocks arrive in height order in bounded
 * batches from several peers, with progress; a peer that sends unlinked blocks, times out, or whose
 * block the node rejects is penalised and another peer finishes the job; a head on an abandoned
 * branch makes the sync restart from the LIB; a run with no usable peer gives up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeBlock } from '../../src/chain/block/block.ts';
import { blockId } from '../../src/chain/block/sign.ts';
import type { Block, BlockRef } from '../../src/chain/block/types.ts';
import { toHex } from '../../src/util/bytes.ts';
import { ok } from '../../src/util/errors.ts';
import { NetErrorCode, Syncer, netFail } from '../../src/net/index.ts';
import type { BlockRange, MisbehaviourReason, SyncLocal, SyncOutcome, SyncPeer, SyncProgress, SyncSource, Verdict } from '../../src/net/index.ts';
import { fakeChain, refOf } from './net_fixture.ts';

type Fault = 'none' | 'unlinked' | 'timeout' | 'empty';

class FakeSource implements SyncSource {
  readonly requests: { peer: string; from: number; count: number }[] = [];
  readonly penalties: { peer: string; reason: MisbehaviourReason }[] = [];
  constructor(readonly peers: { id: string; chain: Block[]; fault: Fault; lib?: number }[]) {}

  syncPeers(): SyncPeer[] {
    return this.peers.map((p) => ({ id: p.id, name: p.id, head: refOf(p.chain[p.chain.length - 1]!), lib: refOf(p.chain[p.lib ?? 0]!), score: 0 }));
  }

  async requestBlocks(peerId: string, from: number, count: number): Promise<ReturnType<SyncSource['requestBlocks']> extends Promise<infer R> ? R : never> {
    this.requests.push({ peer: peerId, from, count });
    await new Promise((r) => setImmediate(r));
    const p = this.peers.find((x) => x.id === peerId)!;
    if (p.fault === 'timeout') return netFail(NetErrorCode.REQUEST_TIMEOUT, 'timeout');
    if (p.fault === 'empty') return ok<BlockRange>({ peerId, from, blocks: [] });
    let blocks = p.chain.slice(from, from + count);
    if (p.fault === 'unlinked') blocks = blocks.map((b, i) => (i === 1 ? fakeChain(b.header.num, 9)[b.header.num]! : b));
    return ok({ peerId, from, blocks: blocks.map((block) => ({ raw: encodeBlock(block), block })) });
  }

  penalize(peerId: string, reason: MisbehaviourReason): void {
    this.penalties.push({ peer: peerId, reason });
  }
}

/** A node that keeps a linear chain by id and accepts blocks whose parent it has. */
class FakeLocal implements SyncLocal {
  readonly byId = new Map<string, Block>();
  head_: BlockRef;
  lib_: BlockRef;
  readonly applied: number[] = [];
  readonly progress: SyncProgress[] = [];
  outcome: SyncOutcome | undefined;
  reject: ((b: Block, peer: string) => Verdict | undefined) | undefined;

  constructor(blocks: Block[], libNum = 0) {
    for (const b of blocks) this.byId.set(toHex(blockId(b.header)), b);
    this.head_ = refOf(blocks[blocks.length - 1]!);
    this.lib_ = refOf(blocks[libNum]!);
  }

  head() {
    return { head: this.head_, lib: this.lib_ };
  }

  apply(block: Block, _raw: Uint8Array, peer: string): Verdict {
    const r = this.reject?.(block, peer);
    if (r !== undefined) return r;
    const id = toHex(blockId(block.header));
    if (this.byId.has(id)) return 'ignore';
    assert.ok(this.byId.has(toHex(block.header.parent)), `block ${block.header.num} arrives after its parent`);
    this.byId.set(id, block);
    this.applied.push(block.header.num);
    if (block.header.num > this.head_.num) this.head_ = refOf(block);
    return 'accept';
  }

  onProgress(p: SyncProgress): void {
    this.progress.push(p);
  }

  onDone(r: SyncOutcome): void {
    this.outcome = r;
  }
}

const MAIN = fakeChain(300);
const FAST = { batchBlocks: 40, parallel: 3, excludeMs: 50, progressIntervalMs: 0 };

test('syncs 300 blocks in height order in bounded batches from two peers, with progress', async () => {
  const src = new FakeSource([
    { id: 'p1', chain: MAIN, fault: 'none' },
    { id: 'p2', chain: MAIN, fault: 'none' },
  ]);
  const local = new FakeLocal(MAIN.slice(0, 1));
  const s = new Syncer(src, local, FAST);
  await s.kick();
  assert.deepEqual(local.applied, Array.from({ length: 300 }, (_, i) => i + 1));
  assert.ok(src.requests.every((r) => r.count <= 40));
  assert.deepEqual(new Set(src.requests.map((r) => r.peer)), new Set(['p1', 'p2']), 'spread over both peers');
  assert.deepEqual(local.outcome, { ok: true, applied: 300, head: 300 });
  const last = local.progress.at(-1)!;
  assert.equal(last.finished, true);
  assert.equal(last.done, 300);
  assert.equal(last.total, 300);
  for (let i = 1; i < local.progress.length; i++) assert.ok(local.progress[i]!.done >= local.progress[i - 1]!.done, 'done never goes back');
  assert.equal(src.penalties.length, 0);
});

for (const fault of ['unlinked', 'timeout'] as const) {
  test(`a peer whose answer is ${fault} is penalised and another peer completes the sync`, async () => {
    const src = new FakeSource([
      { id: 'bad', chain: MAIN, fault },
      { id: 'good', chain: MAIN, fault: 'none' },
    ]);
    const local = new FakeLocal(MAIN.slice(0, 1));
    await new Syncer(src, local, FAST).kick();
    assert.equal(local.head_.num, 300);
    assert.deepEqual(local.applied, Array.from({ length: 300 }, (_, i) => i + 1));
    assert.ok(src.penalties.some((p) => p.peer === 'bad' && p.reason === (fault === 'unlinked' ? 'bad-range' : 'timeout')));
    assert.ok(src.penalties.every((p) => p.peer === 'bad'));
  });
}

test('a block the node rejects penalises the peer that sent it; the height is fetched again elsewhere', async () => {
  const src = new FakeSource([
    { id: 'liar', chain: MAIN, fault: 'none' },
    { id: 'honest', chain: MAIN, fault: 'none' },
  ]);
  const local = new FakeLocal(MAIN.slice(0, 1));
  let rejected = 0;
  local.reject = (_b, peer) => {
    if (peer !== 'liar') return undefined;
    rejected++;
    return { reject: 'invalid-block', detail: 'bad txRoot' };
  };
  await new Syncer(src, local, { ...FAST, excludeMs: 10_000 }).kick();
  assert.equal(src.requests[0]!.peer, 'liar', 'the liar was asked first');
  assert.equal(rejected, 1, 'one rejected block, then the liar is not asked again');
  assert.deepEqual(src.penalties, [{ peer: 'liar', reason: 'invalid-block' }]);
  assert.deepEqual(local.applied, Array.from({ length: 300 }, (_, i) => i + 1));
});

test('a head on a branch the peers abandoned: sync restarts from the LIB', async () => {
  const fork = fakeChain(8, 5, { blocks: MAIN }, 5); // blocks 6..8 on another branch above LIB 5
  const src = new FakeSource([{ id: 'p', chain: MAIN.slice(0, 61), fault: 'none', lib: 40 }]);
  const local = new FakeLocal(fork, 5);
  await new Syncer(src, local, FAST).kick();
  assert.equal(local.head_.num, 60);
  assert.equal(toHex(local.head_.id), toHex(blockId(MAIN[60]!.header)));
  assert.deepEqual(local.applied, Array.from({ length: 55 }, (_, i) => i + 6), 'main-branch 6..60 applied after the restart');
  assert.equal(src.penalties.length, 0, 'a fork is not misbehaviour');
});

test('no peer able to serve: the run gives up after the stall limit and reports it', async () => {
  const src = new FakeSource([{ id: 'hollow', chain: MAIN, fault: 'empty' }]);
  const local = new FakeLocal(MAIN.slice(0, 1));
  await new Syncer(src, local, { ...FAST, excludeMs: 5, maxStalls: 3 }).kick();
  assert.equal(local.outcome?.ok, false);
  assert.equal(local.applied.length, 0);
});

test('kick does nothing when no peer is ahead by more than the threshold', async () => {
  const src = new FakeSource([{ id: 'p', chain: MAIN.slice(0, 12), fault: 'none' }]);
  const local = new FakeLocal(MAIN.slice(0, 10));
  const s = new Syncer(src, local, { ...FAST, behindThreshold: 2 });
  await s.kick();
  assert.equal(src.requests.length, 0);
  await s.kick(true);
  assert.equal(local.head_.num, 11, 'forced: syncs even one block');
});
