/**
 * Store throughput: `connectBlock` of 1,000-transaction blocks (2 inputs, 2 P2PKH outputs each, every
 * output to a fresh address, inputs drawn at random from all unspent coins, of which genesis makes CCHOST_BENCH_UTXOS) into a file-backed store
 * (WAL, synchronous=FULL, so each block includes its fsync), then `disconnectTip`, `connectBlocks`
 * (10 blocks per SQLite transaction) and `getCoin`. Blocks are built and encoded before timing; the
 * figures are store work only; CPU time (user + system of this process) is printed beside wall time
 * because wall time on a shared machine includes other processes' turns. Usage: `node --import tsx bench/store.bench.ts`
 * (env: CCHOST_BENCH_BLOCKS, default 40; CCHOST_BENCH_UTXOS, coins in genesis, default 100,000;
 * CCHOST_BENCH_DIR, default a temp dir).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transaction } from 'bitcoinjs-lib';
import { encodeBlock } from '../src/chain/block/block.ts';
import { blockId } from '../src/chain/block/sign.ts';
import type { Block } from '../src/chain/block/types.ts';
import { buildCoinbase, NULL_BLOCK_REF } from '../src/chain/genesis.ts';
import type { BlockDelta, OutPoint } from '../src/chain/state/types.ts';
import { sha256 } from '../src/crypto/hash.ts';
import { p2pkhScript } from '../src/script/builder.ts';
import { openStore, replayBlock } from '../src/store/index.ts';
import type { Store, UtxoMap } from '../src/store/index.ts';
import { utf8 } from '../src/util/bytes.ts';
import { unwrap } from '../src/util/errors.ts';

const BLOCKS = Number(process.env['CCHOST_BENCH_BLOCKS'] ?? 40);
const TXS = 1000;
const GENESIS_COINS = Number(process.env['CCHOST_BENCH_UTXOS'] ?? 100_000);
const CHAIN_ID = sha256(utf8('store bench'));

let rnd = 12345;
const random = (): number => {
  rnd = (rnd * 1103515245 + 12345) & 0x7fffffff;
  return rnd / 0x80000000;
};
let addrCounter = 0;
const freshScript = (): Uint8Array => p2pkhScript(sha256(utf8(`addr ${addrCounter++}`)).subarray(0, 20));

function makeBlock(height: number, parent: Uint8Array, txs: Transaction[]): Block {
  return {
    header: {
      chainId: CHAIN_ID,
      num: height,
      slot: height,
      parent,
      producer: height === 0 ? '' : 'alice',
      activeVersion: 1,
      pendingVersion: 0,
      txRoot: new Uint8Array(32),
      stateRoot: new Uint8Array(32),
      ancestorsRoot: new Uint8Array(32),
      justify: NULL_BLOCK_REF,
      finalRef: NULL_BLOCK_REF,
      producerSig: new Uint8Array(64),
    },
    txs,
  };
}

/** Builds genesis (GENESIS_COINS coins) and `BLOCKS` blocks of TXS 2-in/2-out transactions. */
function buildChain(): BlockDelta[] {
  const utxos: UtxoMap = new Map();
  const live: OutPoint[] = [];
  const deltas: BlockDelta[] = [];
  const g = new Transaction();
  g.addInput(new Uint8Array(32), 0xffffffff, 0xffffffff, Uint8Array.of(0, 1, 0));
  for (let i = 0; i < GENESIS_COINS; i++) g.addOutput(freshScript(), 1_000_000n);
  let txs = [g];
  for (let h = 0; h <= BLOCKS; h++) {
    if (h > 0) {
      txs = [buildCoinbase(h, freshScript(), 5000n)];
      for (let i = 0; i < TXS; i++) {
        const tx = new Transaction();
        tx.version = 1;
        for (let k = 0; k < 2; k++) {
          const j = Math.floor(random() * live.length);
          const op = live[j]!;
          live[j] = live[live.length - 1]!;
          live.pop();
          tx.addInput(op.txid, op.vout, 0xffffffff, Uint8Array.of(0x51));
        }
        tx.addOutput(freshScript(), 900_000n);
        tx.addOutput(freshScript(), 1000n);
        txs.push(tx);
      }
    }
    const block = makeBlock(h, h === 0 ? new Uint8Array(32) : deltas[h - 1]!.id, txs);
    const d = unwrap(replayBlock(utxos, block, h, blockId(block.header), encodeBlock(block)));
    deltas.push(d);
    for (const c of d.created) if (h === 0 || !c.coin.coinbase) live.push(c.outpoint);
  }
  return deltas;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall and CPU (user + system) milliseconds of one call. */
interface Timing {
  wall: number;
  cpu: number;
}

function timed(fn: () => void): Timing {
  const c = process.cpuUsage();
  const t = performance.now();
  fn();
  const wall = performance.now() - t;
  const d = process.cpuUsage(c);
  return { wall, cpu: (d.user + d.system) / 1000 };
}

function timeConnect(store: Store, deltas: BlockDelta[]): Timing[] {
  return deltas.map((d) => timed(() => unwrap(store.connectBlock(d))));
}

function report(label: string, ts: Timing[], per = 1): void {
  const wall = median(ts.map((t) => t.wall / per));
  const cpu = median(ts.map((t) => t.cpu / per));
  const last = ts.slice(-10).map((t) => t.wall / per);
  console.log(
    `${label}: median ${wall.toFixed(1)} ms wall, ${cpu.toFixed(1)} ms CPU per ${TXS} txs (${Math.round((TXS / wall) * 1000)} tx/s wall); ` +
      `last 10 mean ${(last.reduce((a, b) => a + b, 0) / last.length).toFixed(1)} ms; max ${Math.max(...ts.map((t) => t.wall / per)).toFixed(1)} ms`,
  );
}

const t0 = performance.now();
const deltas = buildChain();
console.log(`built ${BLOCKS} blocks of ${TXS} txs (2 in / 2 out) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const dir = process.env['CCHOST_BENCH_DIR'] ?? mkdtempSync(join(tmpdir(), 'cchost-store-bench-'));
try {
  // File-backed, one transaction per block.
  const store = unwrap(openStore(join(dir, 'a'), { chainId: CHAIN_ID }));
  unwrap(store.connectBlock(deltas[0]!));
  report('connectBlock (file, WAL, synchronous=FULL)', timeConnect(store, deltas.slice(1)));

  const dts: Timing[] = [];
  for (let i = 0; i < 10; i++) dts.push(timed(() => unwrap(store.disconnectTip())));
  report('disconnectTip (file)', dts);
  timeConnect(store, deltas.slice(BLOCKS - 9));

  const probes = deltas.slice(-5).flatMap((d) => d.created.map((c) => c.outpoint));
  const tg = performance.now();
  let found = 0;
  for (const p of probes) if (store.getCoin(p) !== undefined) found++;
  const perGet = (performance.now() - tg) / probes.length;
  console.log(`getCoin: ${(perGet * 1000).toFixed(1)} µs per lookup (${Math.round(1000 / perGet)} /s, ${found}/${probes.length} found)`);
  const tv = performance.now();
  const rep = store.verifyConsistency();
  console.log(`verifyConsistency: ${rep.ok ? 'ok' : 'FAILED'} over ${rep.txs} txs, ${rep.outputs} outputs in ${((performance.now() - tv) / 1000).toFixed(1)} s`);
  store.close();

  // File-backed, 10 blocks per transaction (sync/replay).
  const batch = unwrap(openStore(join(dir, 'b'), { chainId: CHAIN_ID }));
  unwrap(batch.connectBlock(deltas[0]!));
  const bts: Timing[] = [];
  for (let i = 1; i + 10 <= deltas.length; i += 10) bts.push(timed(() => unwrap(batch.connectBlocks(deltas.slice(i, i + 10)))));
  report('connectBlocks x10 (file, one transaction per 10 blocks)', bts, 10);
  batch.close();

  // In memory (no WAL, no fsync): the CPU cost alone.
  const mem = unwrap(openStore(':memory:', { chainId: CHAIN_ID }));
  unwrap(mem.connectBlock(deltas[0]!));
  report('connectBlock (memory)', timeConnect(mem, deltas.slice(1)));
  mem.close();
} finally {
  if (process.env['CCHOST_BENCH_DIR'] === undefined) rmSync(dir, { recursive: true, force: true });
}
