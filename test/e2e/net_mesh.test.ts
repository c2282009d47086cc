/**
 * The producer mesh over real loopback sockets: authenticated handshakes (and the refusals: wrong
 * chain, wrong or unscheduled producer key, replayed or stale handshakes), one connection per pair,
 * reconnect after a restart, and gossip of transactions, blocks, votes and certificates across a
 * 4-node mesh where every node receives each message exactly once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeBlock } from '../../src/chain/block/block.ts';
import { compareBytes } from '../../src/util/bytes.ts';
import { NetErrorCode, P2PNode } from '../../src/net/index.ts';
import type { NetworkHandlers, PeerRef, Verdict } from '../../src/net/index.ts';
import { Nodes, OTHER_CHAIN, RawPeer, fakeChain, keyOf, nodeConfig, privOf, producersOf, qcOf, recordingLogger, refOf, sleep, txOf, voteOf, waitFor } from '../unit/net_fixture.ts';

test('handshake: two producers authenticate, see each other as producers with heads; a full node is admitted as non-producer', async () => {
  const nodes = new Nodes();
  try {
    const seen: string[] = [];
    const alice = await nodes.start('alice', {}, { onHandshake: (p) => seen.push(`alice<-${p.name}`) });
    const chain = fakeChain(5);
    alice.announceHead(refOf(chain[5]!), refOf(chain[3]!));
    const bob = await nodes.start('bob', { peers: [alice.url!] }, { onHandshake: (p) => seen.push(`bob<-${p.name}`) });
    bob.announceHead(refOf(chain[2]!), refOf(chain[1]!));
    await waitFor(() => alice.peers().length === 1 && bob.peers().length === 1, 'alice and bob connected');
    const [ab] = alice.peers();
    const [ba] = bob.peers();
    assert.equal(ab!.name, 'bob');
    assert.equal(ab!.producer, true);
    assert.equal(ab!.direction, 'inbound');
    assert.equal(ba!.name, 'alice');
    assert.equal(ba!.direction, 'outbound');
    assert.equal(ba!.head.num, 5, "bob learned alice's head from her hello");
    assert.equal(ba!.lib.num, 3);
    assert.deepEqual(seen.sort(), ['alice<-bob', 'bob<-alice']);
    const watcher = await nodes.start('watcher', { peers: [alice.url!], listen: undefined });
    await waitFor(() => alice.peers().some((p) => p.name === 'watcher') && watcher.peers().length === 1, 'the full node connected');
    assert.equal(alice.peers().find((p) => p.name === 'watcher')!.producer, false);
    assert.equal(watcher.peers()[0]!.producer, true);
  } finally {
    await nodes.stopAll();
  }
});

async function refusedWith(dialer: { name: string; extra?: Parameters<typeof nodeConfig>[1] }, code: string): Promise<void> {
  const nodes = new Nodes();
  const log = recordingLogger();
  try {
    const alice = await nodes.start('alice', { log });
    const other = await nodes.start(dialer.name, { peers: [alice.url!], listen: undefined, ...dialer.extra });
    await waitFor(() => log.lines.some((l) => l.fields['code'] === code), `refusal ${code}`);
    await sleep(400); // several reconnect attempts (backoff 50..400 ms)
    assert.equal(alice.peers().length, 0);
    assert.equal(other.peers().length, 0);
    const refusals = log.lines.filter((l) => l.msg === 'p2p handshake refused');
    assert.equal(refusals.length, 1, `logged once, not per attempt: ${JSON.stringify(refusals.map((l) => l.fields))}`);
  } finally {
    await nodes.stopAll();
  }
}

test('error: a peer on another chain is refused (logged once)', async () => {
  await refusedWith({ name: 'bob', extra: { chainId: OTHER_CHAIN } }, NetErrorCode.HANDSHAKE_WRONG_CHAIN);
});

test("error: a producer's name with another key is refused", async () => {
  await refusedWith({ name: 'bob', extra: { privateKey: privOf('mallory') } }, NetErrorCode.HANDSHAKE_WRONG_KEY);
});

test('error: an unscheduled node claiming to be a producer is refused; producers-only nodes refuse full nodes', async () => {
  const nodes = new Nodes();
  const log = recordingLogger();
  try {
    const alice = await nodes.start('alice', { log });
    const mallory = await RawPeer.connect(alice.url!, 'mallory', { producer: true });
    await waitFor(() => mallory.closed, 'mallory cut off');
    assert.ok(log.lines.some((l) => l.fields['code'] === NetErrorCode.HANDSHAKE_NOT_SCHEDULED));
    const strict = await nodes.start('carol', { log, allowNonProducers: false });
    const watcher = await RawPeer.connect(strict.url!, 'watcher', { producer: false });
    await waitFor(() => watcher.closed, 'full node cut off');
    assert.ok(log.lines.some((l) => l.fields['code'] === NetErrorCode.HANDSHAKE_NOT_ALLOWED));
    assert.equal(alice.peers().length + strict.peers().length, 0);
  } finally {
    await nodes.stopAll();
  }
});

test('error: a recorded handshake replayed on a new connection is refused; so is a stale hello', async () => {
  const nodes = new Nodes();
  const log = recordingLogger();
  try {
    const alice = await nodes.start('alice', { log });
    const bob = await RawPeer.connect(alice.url!, 'bob');
    await waitFor(() => alice.peers().length === 1, 'the genuine bob connected');
    const recorded = [...bob.sentFrames];
    assert.equal(recorded.length, 2, 'hello and auth');
    await bob.close();
    await waitFor(() => alice.peers().length === 0, 'bob gone');
    // the attacker replays bob's frames without bob's key
    const replay = await RawPeer.open(alice.url!);
    replay.sendRaw(recorded[0]!);
    await sleep(50);
    replay.sendRaw(recorded[1]!);
    await waitFor(() => replay.closed, 'replayed handshake cut off');
    assert.equal(alice.peers().length, 0);
    assert.ok(log.lines.some((l) => l.fields['code'] === NetErrorCode.HANDSHAKE_BAD_AUTH));
    const stale = await RawPeer.connect(alice.url!, 'bob', { timestampMs: Date.now() - 120_000 });
    await waitFor(() => stale.closed, 'stale hello cut off');
    assert.ok(log.lines.some((l) => l.fields['code'] === NetErrorCode.HANDSHAKE_CLOCK_SKEW));
  } finally {
    await nodes.stopAll();
  }
});

test('two producers dialing each other keep one connection, the one dialed by the lower key, on both sides', async () => {
  const nodes = new Nodes();
  try {
    const got: string[] = [];
    const alice = await nodes.start('alice', {}, { onTx: (tx) => void got.push(`alice:${tx.getId()}`) });
    const bob = await nodes.start('bob', {}, { onTx: (tx) => void got.push(`bob:${tx.getId()}`) });
    alice.addPeer(bob.url!);
    bob.addPeer(alice.url!);
    await waitFor(() => alice.peers().length === 1 && bob.peers().length === 1, 'connected');
    await sleep(300); // let both dials and the tie-break settle
    assert.equal(alice.peers().length, 1);
    assert.equal(bob.peers().length, 1);
    const lowerIsAlice = compareBytes(keyOf('alice'), keyOf('bob')) < 0;
    assert.equal(alice.peers()[0]!.direction, lowerIsAlice ? 'outbound' : 'inbound');
    assert.equal(bob.peers()[0]!.direction, lowerIsAlice ? 'inbound' : 'outbound');
    assert.equal(alice.stats().pendingHandshakes, 0);
    // the kept link carries traffic both ways
    assert.equal(alice.broadcastTx(txOf(1)), 1);
    assert.equal(bob.broadcastTx(txOf(2)), 1);
    await waitFor(() => got.length === 2, 'both txs crossed');
    assert.deepEqual(got.sort(), [`alice:${txOf(2).getId()}`, `bob:${txOf(1).getId()}`].sort());
  } finally {
    await nodes.stopAll();
  }
});

test('a peer that restarts on the same port is reconnected with backoff', async () => {
  const nodes = new Nodes();
  try {
    const alice1 = await nodes.start('alice');
    const port = alice1.address!.port;
    const disconnects: string[] = [];
    const bob = await nodes.start('bob', { peers: [alice1.url!] }, { onDisconnect: (p) => disconnects.push(p.name) });
    await waitFor(() => bob.peers().length === 1, 'first connection');
    await alice1.stop();
    await waitFor(() => bob.peers().length === 0, 'bob noticed');
    assert.deepEqual(disconnects, ['alice']);
    await sleep(200); // bob retries against a closed port meanwhile
    const alice2 = await nodes.start('alice', { listen: { host: '127.0.0.1', port } });
    await waitFor(() => bob.peers().length === 1 && alice2.peers().length === 1, 'reconnected', 5000);
    assert.equal(bob.peers()[0]!.name, 'alice');
  } finally {
    await nodes.stopAll();
  }
});

interface Inbox {
  tx: string[];
  block: string[];
  vote: string[];
  qc: string[];
}

function recorder(inbox: Inbox): NetworkHandlers {
  const accept = (): Verdict => 'accept';
  return {
    onTx: (tx) => (inbox.tx.push(tx.getId()), accept()),
    onBlock: (b) => (inbox.block.push(String(b.header.num)), accept()),
    onVote: (v) => (inbox.vote.push(v.voter), accept()),
    onQc: (q) => (inbox.qc.push(String(q.block.num)), accept()),
  };
}

async function mesh(nodes: Nodes, names: readonly string[], links: readonly [number, number][], inboxes: Inbox[]): Promise<P2PNode[]> {
  const ns: P2PNode[] = [];
  for (let i = 0; i < names.length; i++) ns.push(await nodes.start(names[i]!, { relay: { vote: true } }, recorder(inboxes[i]!)));
  for (const [a, b] of links) ns[a]!.addPeer(ns[b]!.url!);
  const degree = names.map((_, i) => links.filter(([a, b]) => a === i || b === i).length);
  await waitFor(() => ns.every((n, i) => n.peers().length === degree[i]), 'mesh formed', 8000);
  return ns;
}

test('gossip across a 4-node full mesh: each node receives each tx, block, vote and certificate once', async () => {
  const nodes = new Nodes();
  try {
    const inboxes: Inbox[] = [0, 1, 2, 3].map(() => ({ tx: [], block: [], vote: [], qc: [] }));
    const full: [number, number][] = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]];
    const [a, b, c, d] = await mesh(nodes, ['alice', 'bob', 'carol', 'dave'], full, inboxes);
    const chain = fakeChain(3);
    const tx = txOf(42);
    a!.broadcastTx(tx);
    b!.broadcastBlock(chain[3]!);
    c!.broadcastVote(voteOf('carol', refOf(chain[3]!)));
    d!.broadcastQc(qcOf(refOf(chain[2]!)));
    const others = (i: number) => inboxes.filter((_, j) => j !== i);
    await waitFor(
      () => others(0).every((x) => x.tx.length > 0) && others(1).every((x) => x.block.length > 0) && others(2).every((x) => x.vote.length > 0) && others(3).every((x) => x.qc.length > 0),
      'all gossip delivered',
    );
    await sleep(200); // relays still in flight would show up as second deliveries
    for (let i = 0; i < 4; i++) {
      const box = inboxes[i]!;
      assert.deepEqual(box.tx, i === 0 ? [] : [tx.getId()], `node ${i} txs`);
      assert.deepEqual(box.block, i === 1 ? [] : ['3'], `node ${i} blocks`);
      assert.deepEqual(box.vote, i === 2 ? [] : ['carol'], `node ${i} votes`);
      assert.deepEqual(box.qc, i === 3 ? [] : ['2'], `node ${i} certificates`);
    }
    const dups = [a!, b!, c!, d!].reduce((s, n) => s + n.peers().reduce((t, p) => t + p.duplicatesIn, 0), 0);
    assert.ok(dups > 0, 'relayed copies arrived and were dropped as duplicates');
  } finally {
    await nodes.stopAll();
  }
});

test('relay covers a missing link: a tx from alice reaches dave through bob and carol, once', async () => {
  const nodes = new Nodes();
  try {
    const inboxes: Inbox[] = [0, 1, 2, 3].map(() => ({ tx: [], block: [], vote: [], qc: [] }));
    const noAD: [number, number][] = [[0, 1], [0, 2], [1, 2], [1, 3], [2, 3]];
    const [a] = await mesh(nodes, ['alice', 'bob', 'carol', 'dave'], noAD, inboxes);
    const tx = txOf(7);
    assert.equal(a!.broadcastTx(tx), 2);
    await waitFor(() => inboxes[3]!.tx.length > 0, 'dave got it');
    await sleep(150);
    assert.deepEqual(inboxes[3]!.tx, [tx.getId()]);
  } finally {
    await nodes.stopAll();
  }
});

test('a rejected message is not relayed and penalises its sender', async () => {
  const nodes = new Nodes();
  try {
    const got: PeerRef[] = [];
    const bob = await nodes.start('bob', {}, { onBlock: (_b, p) => (got.push(p), { reject: 'invalid-block', detail: 'bad txRoot' }) });
    const carolBlocks: number[] = [];
    const carol = await nodes.start('carol', { peers: [bob.url!] }, { onBlock: (b) => void carolBlocks.push(b.header.num) });
    const alice = await nodes.start('alice', { peers: [bob.url!] });
    await waitFor(() => bob.peers().length === 2 && alice.peers().length === 1 && carol.peers().length === 1, 'bob has both');
    alice.broadcastBlock(encodeBlock(fakeChain(1)[1]!));
    await waitFor(() => got.length === 1, 'bob judged it');
    await sleep(100);
    assert.deepEqual(carolBlocks, [], 'not relayed');
    const fromAlice = bob.peers().find((p) => p.name === 'alice')!;
    assert.equal(fromAlice.offences['invalid-block'], 1);
    assert.equal(Math.round(fromAlice.score), 40);
    assert.equal(carol.peers().length, 1);
  } finally {
    await nodes.stopAll();
  }
});

test('a schedule change re-labels peers: a dropped producer becomes a full node, or is disconnected by a producers-only node', async () => {
  const nodes = new Nodes();
  try {
    const alice = await nodes.start('alice');
    const carol = await nodes.start('carol', { allowNonProducers: false });
    const bob = await nodes.start('bob', { peers: [alice.url!, carol.url!], listen: undefined });
    await waitFor(() => bob.peers().length === 2 && alice.peers().length === 1 && carol.peers().length === 1, 'bob connected to both');
    assert.equal(alice.peers()[0]!.producer, true);
    const withoutBob = producersOf(['alice', 'carol', 'dave', 'erin']);
    alice.setProducers(withoutBob);
    carol.setProducers(withoutBob);
    assert.equal(alice.peers()[0]!.producer, false);
    await waitFor(() => carol.peers().length === 0, 'carol dropped bob');
    assert.equal(alice.peers().length, 1);
  } finally {
    await nodes.stopAll();
  }
});

test('stop is idempotent, closes the listen socket and every peer, and a stopped node cannot start again', async () => {
  const nodes = new Nodes();
  try {
    const alice = await nodes.start('alice');
    const bob = await nodes.start('bob', { peers: [alice.url!] });
    await waitFor(() => alice.peers().length === 1 && bob.peers().length === 1, 'connected');
    const url = alice.url!;
    const p1 = alice.stop();
    const p2 = alice.stop();
    assert.equal(p1, p2);
    await p1;
    await waitFor(() => bob.peers().length === 0, 'bob saw the goodbye');
    await assert.rejects(RawPeer.open(url), 'nothing listens any more');
    await assert.rejects(alice.start(), /stopped/);
  } finally {
    await nodes.stopAll();
  }
});
