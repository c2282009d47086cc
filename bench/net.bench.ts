/**
 * P2P figures on loopback, two or four P2PNodes in one process (so both ends share one core):
 * tx gossip throughput (coalesced frames), small-message one-hop latency, 100 kB block latency,
 * and block-range sync speed. Run: npm run bench:net
 */
import { encodeBlock } from '../src/chain/block/block.ts';
import { P2PNode } from '../src/net/index.ts';
import type { NetworkHandlers } from '../src/net/index.ts';
import { fakeChain, nodeConfig, refOf, txOf, voteOf, waitFor } from '../test/unit/net_fixture.ts';

async function pair(hA: NetworkHandlers, hB: NetworkHandlers, extra = {}): Promise<[P2PNode, P2PNode]> {
  const a = new P2PNode(nodeConfig('alice', { rates: { messages: { perSecond: 1e9, burst: 1e9 }, txs: { perSecond: 1e9, burst: 1e9 } }, ...extra }), hA);
  await a.start();
  const b = new P2PNode(nodeConfig('bob', { peers: [a.url!], rates: { messages: { perSecond: 1e9, burst: 1e9 }, txs: { perSecond: 1e9, burst: 1e9 } }, ...extra }), hB);
  await b.start();
  await waitFor(() => a.peers().length === 1 && b.peers().length === 1, 'pair');
  return [a, b];
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
}
function p99(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length * 0.99)]!;
}

async function txThroughput(): Promise<void> {
  const N = 100_000;
  let got = 0;
  const [a, b] = await pair({}, { onTx: () => void got++ }, { queue: { low: { maxMessages: N, maxBytes: 1 << 30 } } });
  const raws = Array.from({ length: N }, (_, i) => {
    const r = txOf(1, 150).toBuffer();
    new DataView(r.buffer, r.byteOffset).setUint32(5, i, true);
    return r;
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i += 1000) {
    for (let j = i; j < i + 1000; j++) a.broadcastTx(raws[j]!);
    await new Promise((r) => setImmediate(r));
  }
  await waitFor(() => got === N, 'all txs', 60_000);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  console.log(`tx gossip, 1 hop, ${raws[0]!.length} B txs: ${N} in ${ms.toFixed(0)} ms = ${Math.round((N / ms) * 1000)} tx/s; CPU ${(((cpu.user + cpu.system) / N)).toFixed(1)} µs per tx (both ends, incl. parse + dedup hash)`);
  await Promise.all([a.stop(), b.stop()]);
}

async function latency(kind: 'vote' | 'block', n: number): Promise<void> {
  const lat: number[] = [];
  let sentAt = 0;
  const [a, b] = await pair({}, { onVote: () => void lat.push(performance.now() - sentAt), onBlock: () => void lat.push(performance.now() - sentAt) });
  const chain = fakeChain(1);
  const bigTx = txOf(1, 100_000);
  for (let i = 0; i < n; i++) {
    sentAt = performance.now();
    if (kind === 'vote') a.broadcastVote(voteOf('alice', { ...refOf(chain[1]!), slot: i + 10 }));
    else a.broadcastBlock(encodeBlock({ header: { ...chain[1]!.header, slot: i + 10 }, txs: [bigTx] }));
    await waitFor(() => lat.length === i + 1, 'delivery');
    await new Promise((r) => setTimeout(r, 2));
  }
  console.log(`${kind === 'vote' ? 'vote (~150 B)' : 'block (~100 kB)'} one-hop latency incl. decode: median ${median(lat).toFixed(2)} ms, p99 ${p99(lat).toFixed(2)} ms over ${n}`);
  await Promise.all([a.stop(), b.stop()]);
}

async function syncSpeed(): Promise<void> {
  const chain = fakeChain(5000);
  const raws = chain.map(encodeBlock);
  const a = new P2PNode(nodeConfig('alice'), { serveBlocks: (from, count) => raws.slice(from, from + count) });
  await a.start();
  a.announceHead(refOf(chain[5000]!), refOf(chain[0]!));
  let head = refOf(chain[0]!);
  const t0 = performance.now();
  const b = new P2PNode(nodeConfig('bob', { peers: [a.url!] }), {
    sync: { head: () => ({ head, lib: refOf(chain[0]!) }), apply: (blk) => ((head = refOf(blk)), 'accept') },
  });
  await b.start();
  await waitFor(() => head.num === 5000, 'synced', 60_000);
  const ms = performance.now() - t0;
  console.log(`sync: 5000 blocks (${raws[1]!.length} B each) in ${ms.toFixed(0)} ms = ${Math.round((5000 / ms) * 1000)} blocks/s (incl. connect + handshake)`);
  await Promise.all([a.stop(), b.stop()]);
}

async function handshake(): Promise<void> {
  const ts: number[] = [];
  for (let i = 0; i < 20; i++) {
    const a = new P2PNode(nodeConfig('alice'));
    await a.start();
    const t0 = performance.now();
    const b = new P2PNode(nodeConfig('bob', { peers: [a.url!] }));
    await b.start();
    await waitFor(() => a.peers().length === 1 && b.peers().length === 1, 'pair');
    ts.push(performance.now() - t0);
    await Promise.all([a.stop(), b.stop()]);
  }
  console.log(`connect + authenticated handshake: median ${median(ts).toFixed(1)} ms over 20`);
}

await handshake();
await txThroughput();
await latency('vote', 300);
await latency('block', 100);
await syncSpeed();
