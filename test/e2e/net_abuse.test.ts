/**
 * Bad input and faults over real sockets: oversized messages (per type and over the WebSocket frame
 * limit), garbage bytes before and after the handshake, floods (rate limit, then ban), a slow reader
 * (bounded queues), faults the node reports through verdicts (unknown-block votes, wrong producer,
 * future blocks, equivocation) and callbacks that throw. The node never crashes, and each offence is
 * logged once per peer with a counter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeBlock } from '../../src/chain/block/block.ts';
import { encodeQc } from '../../src/chain/block/qc.ts';
import { encodeVote } from '../../src/consensus/votes.ts';
import { toHex } from '../../src/util/bytes.ts';
import { MsgType, NetErrorCode, WIRE_VERSION, encodeFrame } from '../../src/net/index.ts';
import type { Message } from '../../src/net/index.ts';
import { Nodes, RawPeer, fakeChain, keyOf, qcOf, recordingLogger, refOf, sleep, txOf, voteOf, waitFor } from '../unit/net_fixture.ts';

const BOB = toHex(keyOf('bob'));

function txMsg(n: number, pad = 0): Message {
  const tx = txOf(n, pad);
  return { type: 'tx', raw: tx.toBuffer(), tx };
}

function count(log: ReturnType<typeof recordingLogger>, msg: string, reason?: string): number {
  return log.lines.filter((l) => l.msg === msg && (reason === undefined || l.fields['reason'] === reason)).length;
}

test('error: a message over its type limit disconnects the sender and counts as misbehaviour', async () => {
  const nodes = new Nodes();
  const log = recordingLogger();
  try {
    const alice = await nodes.start('alice', { log, limits: { maxTxBytes: 1000 } });
    const bob = await RawPeer.connect(alice.url!, 'bob');
    await waitFor(() => alice.peers().length === 1, 'bob connected');
    bob.send(txMsg(1, 2000));
    await waitFor(() => bob.closed, 'bob cut off');
    assert.equal(alice.offences(BOB)['oversized'], 1);
    assert.equal(count(log, 'peer misbehaviour', 'oversized'), 1);
  } finally {
    await nodes.stopAll();
  }
});

test('error: a frame over the WebSocket maxPayload is refused at the ws layer and counted', async () => {
  const nodes = new Nodes();
  const log = recordingLogger();
  try {
    const alice = await nodes.start('alice', { log, limits: { maxBlockBytes: 20_000, maxRangeBytes: 20_000, maxRangeCount: 16 } });
    const bob = await RawPeer.connect(alice.url!, 'bob');
    await waitFor(() => alice.peers().length === 1, 'bob connected');
    const huge = new Uint8Array(200_000);
    huge[0] = WIRE_VERSION;
    bob.sendRaw(huge);
    await waitFor(() => bob.closed, 'bob cut off');
    assert.equal(bob.closeCode, 1009, 'message too big');
    await waitFor(() => alice.offences(BOB)['oversized'] === 1, 'offence recorded');
  } finally {
    await nodes.stopAll();
  }
});

test('error: garbage before the handshake closes the socket; garbage after it is scored, then banned; the node keeps serving others', async () => {
  const nodes = new Nodes();
  const log = recordingLogger();
  try {
    const txs: string[] = [];
    const alice = await nodes.start('alice', { log }, { onTx: (tx) => (txs.push(tx.getId()), 'accept') });
    const pre = await RawPeer.open(alice.url!);
    pre.sendRaw(Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
    await waitFor(() => pre.closed, 'pre-handshake garbage cut off');
    const bob = await RawPeer.connect(alice.url!, 'bob');
    await waitFor(() => alice.peers().length === 1, 'bob connected');
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let i = 0; i < 40 && !bob.closed; i++) {
      const junk = Uint8Array.from({ length: 1 + (i % 50) }, rnd);
      if (i % 2 === 0) bob.sendRaw(junk); // not a frame
      else bob.sendRaw(encodeFrame([Uint8Array.of(MsgType.TX, ...junk)])); // a frame holding a bad tx
      await sleep(2);
    }
    await waitFor(() => bob.closed, 'bob banned and cut off');
    assert.ok(alice.banned().some((b) => b.id === BOB));
    assert.equal(count(log, 'peer misbehaviour', 'malformed'), 1, 'malformed logged once');
    assert.equal(count(log, 'peer banned'), 1);
    assert.ok((alice.offences(BOB)['malformed'] ?? 0) >= 5);
    // still healthy: carol connects and gossips
    const carol = await nodes.start('carol', { peers: [alice.url!], listen: undefined });
    await waitFor(() => carol.peers().length === 1, 'carol connected');
    carol.broadcastTx(txOf(99));
    await waitFor(() => txs.length === 1, 'carol gossips');
    // the banned key cannot come back
    const again = await RawPeer.connect(alice.url!, 'bob');
    await waitFor(() => again.closed, 'banned bob refused');
    assert.ok(log.lines.some((l) => l.fields['code'] === NetErrorCode.HANDSHAKE_BANNED));
  } finally {
    await nodes.stopAll();
  }
});

test('error: a flood is rate-limited (one offence per frame over the limit), then banned; two log lines in all', async () => {
  const nodes = new Nodes();
  const log = recordingLogger();
  try {
    let delivered = 0;
    const alice = await nodes.start('alice', { log, rates: { messages: { perSecond: 200, burst: 300 } } }, { onTx: () => void delivered++ });
    const bob = await RawPeer.connect(alice.url!, 'bob');
    await waitFor(() => alice.peers().length === 1, 'bob connected');
    const frames: Message[][] = [];
    for (let f = 0; f < 100; f++) frames.push(Array.from({ length: 40 }, (_, i) => txMsg(f * 40 + i)));
    for (const ms of frames) {
      if (bob.closed) break;
      bob.send(...ms);
    }
    await waitFor(() => bob.closed, 'flooder banned');
    assert.ok(delivered >= 300 && delivered < 600, `delivered ${delivered}: the burst and a little refill, not 4,000`);
    assert.ok(alice.banned().some((b) => b.id === BOB));
    assert.equal(count(log, 'peer misbehaviour'), 1);
    assert.equal(count(log, 'peer misbehaviour', 'flood'), 1);
    assert.equal(count(log, 'peer banned'), 1);
    assert.ok(log.lines.length < 10, `no line per message: ${log.lines.length} lines`);
  } finally {
    await nodes.stopAll();
  }
});

test('transactions over the transaction rate are dropped without penalty (honest producers relay bursts)', async () => {
  const nodes = new Nodes();
  try {
    let delivered = 0;
    const alice = await nodes.start('alice', { rates: { txs: { perSecond: 100, burst: 100 } } }, { onTx: () => void delivered++ });
    const bob = await RawPeer.connect(alice.url!, 'bob');
    await waitFor(() => alice.peers().length === 1, 'bob connected');
    for (let f = 0; f < 10; f++) bob.send(...Array.from({ length: 100 }, (_, i) => txMsg(f * 100 + i)));
    await waitFor(() => alice.peers()[0]!.rateLimited + delivered >= 1000, 'all judged');
    assert.ok(delivered >= 100 && delivered < 200, `delivered ${delivered}`);
    assert.equal(alice.peers()[0]!.score, 0);
    assert.equal(bob.closed, false);
  } finally {
    await nodes.stopAll();
  }
});

test('a slow reader: queues stay within their bounds (old txs dropped), and a vote still gets through first', async () => {
  const nodes = new Nodes();
  try {
    const alice = await nodes.start('alice', {
      queue: { low: { maxMessages: 400, maxBytes: 200_000 } },
      inflightBytes: 64 * 1024,
      idleTimeoutMs: 60_000,
    });
    const bob = await RawPeer.connect(alice.url!, 'bob');
    await waitFor(() => alice.peers().length === 1 && bob.ready, 'bob connected');
    bob.pause();
    const template = txOf(1, 300).toBuffer();
    let maxQueued = 0;
    let maxBytes = 0;
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 1000; i++) {
        const raw = template.slice();
        new DataView(raw.buffer, raw.byteOffset).setUint32(5, round * 1000 + i, true);
        alice.broadcastTx(raw);
      }
      await sleep(5);
      const p = alice.peers()[0]!;
      maxQueued = Math.max(maxQueued, p.queued);
      maxBytes = Math.max(maxBytes, p.queuedBytes);
    }
    const p = alice.peers()[0]!;
    assert.ok(maxQueued <= 400, `queued ${maxQueued}`);
    assert.ok(maxBytes <= 200_000, `queued bytes ${maxBytes}`);
    assert.ok(p.dropped[2] > 10_000, `dropped ${p.dropped[2]} of 40,000 txs`);
    const vote = voteOf('alice', refOf(fakeChain(1)[1]!));
    alice.broadcastVote(vote);
    const before = bob.received.length;
    bob.socket.resume();
    await waitFor(() => bob.received.some((m) => m.type === 'vote'), 'vote delivered', 10_000);
    const at = bob.received.findIndex((m) => m.type === 'vote');
    const txsAfterVote = bob.received.slice(at).filter((m) => m.type === 'tx').length;
    await sleep(100);
    assert.ok(bob.received.length - before < 40_000, 'txs were dropped, not buffered');
    assert.ok(txsAfterVote <= 400 + 1, 'the vote overtook the queued transactions');
  } finally {
    await nodes.stopAll();
  }
});

test('faults reported by the node: unknown-block votes, wrong producer, future blocks and invalid certificates are counted per peer and logged once each', async () => {
  const nodes = new Nodes();
  const log = recordingLogger();
  try {
    const alice = await nodes.start('alice', { log, score: { banThreshold: 1e9 } }, {
      onVote: () => ({ reject: 'unknown-block-vote' }),
      onQc: () => ({ reject: 'invalid-qc', detail: 'CONSENSUS_QC_NO_QUORUM' }),
      onBlock: (b) => (b.header.num % 2 === 0 ? { reject: 'wrong-producer' } : { reject: 'future-block', detail: `slot ${b.header.slot}` }),
    });
    const bob = await RawPeer.connect(alice.url!, 'bob');
    await waitFor(() => alice.peers().length === 1, 'bob connected');
    const chain = fakeChain(12);
    for (let i = 1; i <= 12; i++) {
      const v = voteOf('bob', refOf(chain[i]!));
      bob.send({ type: 'vote', raw: encodeVote(v), vote: v });
    }
    for (let i = 1; i <= 8; i++) bob.send({ type: 'block', raw: encodeBlock(chain[i]!), block: chain[i]! });
    for (let i = 1; i <= 3; i++) {
      const qc = qcOf(refOf(chain[i]!));
      bob.send({ type: 'qc', raw: encodeQc(qc), qc });
    }
    await waitFor(() => alice.offences(BOB)['invalid-qc'] === 3, 'certificates judged');
    await waitFor(() => (alice.offences(BOB)['wrong-producer'] ?? 0) + (alice.offences(BOB)['future-block'] ?? 0) === 8, 'blocks judged');
    const o = alice.offences(BOB);
    assert.equal(o['unknown-block-vote'], 12);
    assert.equal(o['wrong-producer'], 4);
    assert.equal(o['future-block'], 4);
    assert.equal(count(log, 'peer misbehaviour', 'unknown-block-vote'), 1);
    assert.equal(count(log, 'peer misbehaviour', 'wrong-producer'), 1);
    assert.equal(count(log, 'peer misbehaviour', 'future-block'), 1);
    assert.equal(count(log, 'peer misbehaviour', 'invalid-qc'), 1);
    assert.equal(alice.peers()[0]!.offences['future-block'], 4, 'getpeerinfo shows the counters');
    assert.equal(Math.round(alice.peers()[0]!.score), 12 * 1 + 4 * 50 + 4 * 10 + 3 * 40);
  } finally {
    await nodes.stopAll();
  }
});

test('equivocation by the peer itself bans it at once; a throwing callback is logged once and does not stop the node', async () => {
  const nodes = new Nodes();
  const log = recordingLogger();
  try {
    let calls = 0;
    const alice = await nodes.start('alice', { log }, {
      onBlock: () => ({ reject: 'equivocation', detail: 'two blocks for slot 2' }),
      onTx: () => {
        calls++;
        throw new Error('mempool exploded');
      },
    });
    const bob = await RawPeer.connect(alice.url!, 'bob');
    const carol = await RawPeer.connect(alice.url!, 'carol');
    await waitFor(() => alice.peers().length === 2, 'both connected');
    for (let i = 0; i < 5; i++) carol.send(txMsg(i));
    await waitFor(() => calls === 5, 'txs handled');
    assert.equal(log.lines.filter((l) => l.msg.startsWith('p2p handler threw')).length, 1);
    const b = fakeChain(1)[1]!;
    bob.send({ type: 'block', raw: encodeBlock(b), block: b });
    await waitFor(() => bob.closed, 'equivocator cut off');
    assert.ok(alice.banned().some((x) => x.id === BOB));
    assert.equal(count(log, 'peer banned'), 1);
    assert.equal(carol.closed, false);
    assert.equal(alice.peers().length, 1);
  } finally {
    await nodes.stopAll();
  }
});
