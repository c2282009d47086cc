// npm run bench:chain [-- N]. Block-connection benchmark (docs/validation.md, Performance):
// N one-input two-output P2PKH transactions, verified once at mempool entry, then (1) connectBlock
// on the built block object, (2) decodeBlock of its bytes + connectBlock (a node receiving the block:
// fresh objects, txids hashed once), (3) connectBlock with no script cache.
import { performance } from 'node:perf_hooks';
import { decodeBlock } from '../src/chain/block/block.ts';
import { Mempool } from '../src/chain/mempool/mempool.ts';
import { connectBlock } from '../src/chain/validation/connect.ts';
import { ScriptCache } from '../src/chain/validation/scriptCache.ts';
import { TestChain, makeSpec, p2pkh, spend } from '../test/unit/chain_validation_fixture.ts';

const N = Number(process.argv[2] ?? process.env['BENCH_TXS'] ?? 5000);
const cache = new ScriptCache();
const chain = new TestChain(makeSpec({ maxBlockBytes: 32_000_000, maxTxBytes: 100_000 }), { scriptCache: cache });
const script = p2pkh('alice');
const txs: ReturnType<typeof spend>[] = [];
for (let i = 0; i < N; i++) {
  const txid = new Uint8Array(32);
  txid[0] = i & 0xff; txid[1] = (i >> 8) & 0xff; txid[2] = (i >> 16) & 0xff; txid[31] = 0xee;
  const coin = { value: 100_000n, script, height: 0, coinbase: false };
  chain.view.addCoin({ txid, vout: 0 }, coin);
  txs.push(spend([{ outpoint: { txid, vout: 0 }, coin, signer: 'alice' }], [{ script: p2pkh('bob'), value: 50_000n }, { script: p2pkh('carol'), value: 40_000n }]));
}
const pool = new Mempool({ spec: chain.spec, scriptCache: cache });
let t = performance.now();
for (const tx of txs) { const r = pool.accept(tx, chain.mempoolCtx()); if (!r.ok) throw new Error(r.error.message); }
const tAccept = performance.now() - t;
const built = chain.build(pool.selectForBlock(30_000_000));
if (!built.ok) throw new Error(built.error.message);
const block = built.value.block;
const bytes = built.value.delta.blockBytes;

const runs = 5;
let best1 = Infinity, best2 = Infinity, cpu1 = Infinity, cpu2 = Infinity;
for (let k = 0; k < runs; k++) {
  t = performance.now();
  let c = process.cpuUsage();
  const r = connectBlock(chain.view, block, chain.ctx({ blockBytes: bytes }));
  best1 = Math.min(best1, performance.now() - t);
  c = process.cpuUsage(c); cpu1 = Math.min(cpu1, (c.user + c.system) / 1000);
  if (!r.ok) throw new Error(r.error.message);
  t = performance.now();
  c = process.cpuUsage();
  const d = decodeBlock(bytes, { maxBytes: 32_000_000 });
  if (!d.ok) throw new Error(d.error.message);
  const r2 = connectBlock(chain.view, d.value, chain.ctx({ blockBytes: bytes }));
  best2 = Math.min(best2, performance.now() - t);
  c = process.cpuUsage(c); cpu2 = Math.min(cpu2, (c.user + c.system) / 1000);
  if (!r2.ok) throw new Error(r2.error.message);
}
t = performance.now();
const r3 = connectBlock(chain.view, block, { ...chain.ctx({ blockBytes: bytes }), scriptCache: undefined });
const tCold = performance.now() - t;
if (!r3.ok) throw new Error(r3.error.message);
const n = block.txs.length - 1;
const fmt = (ms: number) => `${ms.toFixed(1)} ms = ${Math.round((n / ms) * 1000)} tx/s`;
console.log(`transactions: ${n} (block ${bytes.length} bytes)`);
console.log(`mempool accept (full verification): ${fmt(tAccept)}`);
console.log(`connectBlock, already verified (script cache hits): wall ${fmt(best1)}; cpu ${fmt(cpu1)}`);
console.log(`decodeBlock + connectBlock, already verified: wall ${fmt(best2)}; cpu ${fmt(cpu2)}`);
console.log(`connectBlock, no script cache (full verification): ${fmt(tCold)}`);
