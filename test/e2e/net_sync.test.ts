/**
 * Block-range sync over real sockets: a node that starts late catches up a few hundred blocks from
 * a peer serving them out of an in-memory chain, in order and in bounded batches, reporting
 * progress; when one peer answers with garbage the sync fails over to another and penalises it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeBlock } from '../../src/chain/block/block.ts';
import { blockId } from '../../src/chain/block/sign.ts';
import type { Block, BlockRef } from '../../src/chain/block/types.ts';
import { toHex } from '../../src/util/bytes.ts';
import type { NetworkHandlers, SyncLocal, SyncProgress } from '../../src/net/index.ts';
import { Nodes, fakeChain, keyOf, refOf, waitFor } from '../unit/net_fixture.ts';

const CHAIN = fakeChain(300);
const RAW = CHAIN.map(encodeBlock);

/** A node serving `chain` by height. */
function server(chain: readonly Uint8Array[], asked?: number[]): NetworkHandlers {
  return {
    serveBlocks: (from, count) => {
      asked?.push(count);
      return chain.slice(from, from + count);
    },
  };
}

/** The late node: genesis only, applies blocks that link to its head. */
class Late implements SyncLocal {
  head_: BlockRef = refOf(CHAIN[0]!);
  readonly applied: number[] = [];
  readonly progress: SyncProgress[] = [];
  head() {
    return { head: this.head_, lib: refOf(CHAIN[0]!) };
  }
  apply(b: Block) {
    assert.equal(toHex(b.header.parent), toHex(this.head_.id), `block ${b.header.num} links to the head`);
    this.head_ = refOf(b);
    this.applied.push(b.header.num);
    return 'accept' as const;
  }
  onProgress(p: SyncProgress) {
    this.progress.push(p);
  }
}

test('a node that starts late syncs 300 blocks from a peer, in order, in bounded batches, with progress', async () => {
  const nodes = new Nodes();
  try {
    const asked: number[] = [];
    const alice = await nodes.start('alice', {}, server(RAW, asked));
    alice.announceHead(refOf(CHAIN[300]!), refOf(CHAIN[290]!));
    const late = new Late();
    const bob = await nodes.start('bob', { peers: [alice.url!], sync: { batchBlocks: 64, progressIntervalMs: 0 } }, { sync: late });
    await waitFor(() => late.head_.num === 300, 'bob caught up', 10_000);
    assert.deepEqual(late.applied, Array.from({ length: 300 }, (_, i) => i + 1));
    assert.ok(asked.length >= 5 && asked.every((n) => n <= 64), `batches ${asked.join(',')}`);
    await waitFor(() => late.progress.at(-1)?.finished === true, 'final progress');
    const last = late.progress.at(-1)!;
    assert.equal(last.done, 300);
    assert.equal(last.total, 300);
    assert.ok(late.progress.length >= 3, 'progress reported along the way');
    assert.equal(bob.sync!.syncing, false);
    assert.equal(toHex(late.head_.id), toHex(blockId(CHAIN[300]!.header)));
  } finally {
    await nodes.stopAll();
  }
});

test('sync fails over to another peer when one answers with garbage, and penalises it', async () => {
  const nodes = new Nodes();
  try {
    const junk = RAW.map((r, i) => (i % 3 === 0 ? Uint8Array.of(1, 2, 3) : r));
    const carol = await nodes.start('carol', {}, server(junk));
    const dave = await nodes.start('dave', {}, server(RAW));
    for (const n of [carol, dave]) n.announceHead(refOf(CHAIN[300]!), refOf(CHAIN[0]!));
    const late = new Late();
    const bob = await nodes.start('bob', { sync: { batchBlocks: 50, progressIntervalMs: 0, excludeMs: 60_000 } }, { sync: late });
    bob.addPeer(carol.url!);
    await waitFor(() => bob.peers().length === 1, 'bob-carol');
    bob.addPeer(dave.url!);
    await waitFor(() => late.head_.num === 300, 'bob caught up despite carol', 10_000);
    assert.deepEqual(late.applied, Array.from({ length: 300 }, (_, i) => i + 1));
    const offences = bob.offences(toHex(keyOf('carol')));
    assert.ok((offences['bad-range'] ?? 0) >= 1, JSON.stringify(offences));
    assert.equal(Object.keys(bob.offences(toHex(keyOf('dave')))).length, 0);
  } finally {
    await nodes.stopAll();
  }
});
