/**
 * Finality figures under a steady transaction load (CONSENSUS.md §5.12 item 9):
 *
 *   1. a devnet of 4 producers — real `cchost node` processes on 127.0.0.1 (`cchost devnet`), turns of
 *      12 slots of 0.5 s — with transactions sent to node0 over RPC;
 *   2. an in-process network of 21 producers (real P2P on loopback, in-memory stores, one event loop
 *      for all 21: a pessimistic setting on a small machine), transactions submitted to one node;
 *
 * and for each: seal → final latency (from the block's slot start, the earliest its producer may seal
 * it, to the moment a node holds its COMMIT certificate; p50/p99 over every node and block), head − LIB
 * in blocks at slot starts, and transaction submit → final latency; beside them the legacy (implied
 * confirmation) rule's LIB lag for the same producer count. Targets: 4 producers p50 ≤ 400 ms,
 * p99 ≤ 1,000 ms, head − LIB ≤ 2; 21 producers p50 ≤ 1 s.
 *
 * Run: npm run bench:finality   (BENCH_SECONDS=30 measured per part, BENCH_TX_RATE=20 tx/s,
 * BENCH_PARTS=devnet,21 to pick parts)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Transaction } from 'bitcoinjs-lib';
import { Mempool } from '../src/chain/mempool/mempool.ts';
import type { MempoolContext } from '../src/chain/mempool/mempool.ts';
import { chainIdBytes } from '../src/chain/spec/canonical.ts';
import type { ChainSpec } from '../src/chain/spec/types.ts';
import { genesisDelta } from '../src/chain/state/delta.ts';
import { txidOf } from '../src/chain/state/txid.ts';
import { ScriptCache } from '../src/chain/validation/scriptCache.ts';
import { legacyLag } from '../src/consensus/sim/legacy.ts';
import { DEFAULT_PREFIXES } from '../src/crypto/address.ts';
import { ChainState } from '../src/node/chainState.ts';
import { percentiles } from '../src/node/consensus/finalityStats.ts';
import type { Percentiles } from '../src/node/consensus/finalityStats.ts';
import { devKeys } from '../src/node/devKeys.ts';
import type { DevKey } from '../src/node/devKeys.ts';
import { initDevnet } from '../src/node/devnet/init.ts';
import { nodePaths, rpcUrl } from '../src/node/devnet/layout.ts';
import { devnetDown, devnetUp } from '../src/node/devnet/processes.ts';
import { devnetSpec, newDevnetProducers } from '../src/node/devnet/spec.ts';
import { SILENT_LOGGER } from '../src/node/log.ts';
import { NetworkedNode } from '../src/node/p2p.ts';
import { createRpcClient } from '../src/rpc/client.ts';
import { openStore } from '../src/store/store.ts';
import type { Store } from '../src/store/types.ts';
import { toHex } from '../src/util/bytes.ts';
import { unwrap } from '../src/util/errors.ts';
import { keyScript, signedP2pkh } from '../test/unit/node_fixture.ts';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 30);
const TX_RATE = Number(process.env['BENCH_TX_RATE'] ?? 20);
const PARTS = (process.env['BENCH_PARTS'] ?? 'devnet,21').split(',');
const FEE = 10_000n;
const COINS = 200;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, ms: number, f: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch {
      // retry
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

// ------------------------------------------------------------------ load: independent coin chains

interface Coin {
  txid: string;
  vout: number;
  value: bigint;
}

/** A fan-out of dev key 0's genesis coin into `COINS` coins of key 1. */
function fanOut(spec: ChainSpec, k0: DevKey, k1: DevKey): Transaction {
  const total = spec.allocations[0]!.amount;
  const each = (total - 1_000_000n) / BigInt(COINS);
  const gtx = toHex(Uint8Array.from(genesisDelta(spec).txids[0]!).reverse());
  return signedP2pkh(
    [{ txid: gtx, vout: 0, value: total, key: k0 }],
    Array.from({ length: COINS }, () => ({ script: keyScript(k1), value: each })),
  );
}

/** Round-robin spends of the fan-out's outputs, each paying back to key 1 (every chain gets a spend every COINS/rate seconds). */
class Load {
  private readonly coins: Coin[];
  private next = 0;
  readonly submitted = new Map<string, number>();

  constructor(
    fan: Transaction,
    private readonly key: DevKey,
  ) {
    this.coins = fan.outs.map((o, vout) => ({ txid: fan.getId(), vout, value: BigInt(o.value) }));
  }

  tx(): Transaction {
    const c = this.coins[this.next++ % this.coins.length]!;
    const tx = signedP2pkh([{ txid: c.txid, vout: c.vout, value: c.value, key: this.key }], [{ script: keyScript(this.key), value: c.value - FEE }]);
    c.txid = tx.getId();
    c.vout = 0;
    c.value -= FEE;
    return tx;
  }

  /** Calls `send` TX_RATE times a second for `seconds`. */
  async run(seconds: number, send: (tx: Transaction) => Promise<void>): Promise<void> {
    const t0 = Date.now();
    let sent = 0;
    while (Date.now() - t0 < seconds * 1000) {
      const due = Math.floor(((Date.now() - t0) / 1000) * TX_RATE);
      while (sent < due) {
        const tx = this.tx();
        this.submitted.set(tx.getId(), Date.now());
        sent++;
        await send(tx).catch((e: unknown) => console.error(`submit failed: ${String(e)}`));
      }
      await sleep(10);
    }
  }
}

// ------------------------------------------------------------------ reporting

const ms = (x: number | undefined): string => (x === undefined ? '-' : `${Math.round(x)} ms`);

interface PartResult {
  readonly name: string;
  readonly producers: number;
  readonly sealToFinal: Percentiles;
  readonly headMinusLib: Percentiles;
  readonly txToFinal: Percentiles;
  readonly txsFinal: number;
  readonly txsSent: number;
}

function report(r: PartResult): void {
  const legacy = legacyLag(r.producers);
  console.log(`\n== ${r.name}`);
  console.log(`seal→final (slot start → COMMIT certificate held, every node × block): p50 ${ms(r.sealToFinal.p50)}  p99 ${ms(r.sealToFinal.p99)}  max ${ms(r.sealToFinal.max)}  (n=${r.sealToFinal.count})`);
  console.log(`head − LIB at slot starts: p50 ${r.headMinusLib.p50 ?? '-'}  p99 ${r.headMinusLib.p99 ?? '-'}  max ${r.headMinusLib.max ?? '-'} blocks  (n=${r.headMinusLib.count})`);
  console.log(`tx submit→final: p50 ${ms(r.txToFinal.p50)}  p99 ${ms(r.txToFinal.p99)}  max ${ms(r.txToFinal.max)}  (${r.txsFinal} of ${r.txsSent} final)`);
  console.log(`legacy implied-confirmation rule, same ${r.producers} producers: LIB lag ${legacy.lib.min}–${legacy.lib.max} blocks ≈ ${(legacy.lib.min / 2).toFixed(0)}–${(legacy.lib.max / 2).toFixed(0)} s (proposed LIB ${legacy.plib.min}–${legacy.plib.max} blocks)`);
}

// ------------------------------------------------------------------ part 1: devnet of 4 processes

async function devnetPart(): Promise<PartResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cchost-bench-devnet-'));
  const base = 20_000 + 2 * Math.floor(Math.random() * 15_000);
  const { manifest, spec } = initDevnet({ dir, producers: 4, basePort: base, loglevel: 'warn' });
  const rpc = <T>(i: number, method: string, params: unknown[] = []): Promise<T> =>
    createRpcClient({ url: rpcUrl(manifest.nodes[i]!), cookieFile: nodePaths(dir, i).cookie, timeoutMs: 10_000 }).call<T>(method, params);
  try {
    console.log(`devnet of 4 producer processes in ${dir} (ports ${base}..${base + 7})`);
    await devnetUp(dir, { timeoutMs: 90_000 });
    await waitFor('LIB ≥ 3 on node0', 30_000, async () => ((await rpc<{ lastirreversible: number }>(0, 'getblockchaininfo')).lastirreversible >= 3 ? true : undefined));
    const [k0, k1] = devKeys(2, DEFAULT_PREFIXES) as [DevKey, DevKey];
    const fan = fanOut(spec, k0, k1);
    await rpc(0, 'sendrawtransaction', [fan.toHex()]);
    await waitFor('the fan-out final', 30_000, async () => {
      const t = await rpc<{ blockhash?: string }>(0, 'getrawtransaction', [fan.getId(), 1]);
      if (t.blockhash === undefined) return undefined;
      return (await rpc<{ final: boolean }>(0, 'getblock', [t.blockhash, 1])).final ? true : undefined;
    });
    const startHeight = (await rpc<{ blocks: number }>(0, 'getblockchaininfo')).blocks;
    const t0 = Date.now();
    console.log(`load: ${TX_RATE} tx/s to node0 for ${SECONDS} s from height ${startHeight}`);
    const load = new Load(fan, k1);
    await load.run(SECONDS, async (tx) => void (await rpc(0, 'sendrawtransaction', [tx.toHex()])));
    await sleep(3000);
    const slots = Math.ceil((Date.now() - t0) / spec.slotMs);
    const seal: number[] = [];
    const finalAt = new Map<number, number>();
    for (let i = 0; i < 4; i++) {
      const s = await rpc<{ recent: [number, number, number][]; head_minus_lib: { count: number } }>(i, 'getfinalitystats', [startHeight, 4096, 4096]);
      for (const [num, slotStart, fin] of s.recent) {
        if (num <= startHeight) continue;
        seal.push(fin - slotStart);
        if (i === 0) finalAt.set(num, fin);
      }
    }
    // head − LIB at the slot starts of the load window, per node (the latest `slots` samples)
    const lagPerNode: Percentiles[] = [];
    for (let i = 0; i < 4; i++) lagPerNode.push((await rpc<{ head_minus_lib: Percentiles }>(i, 'getfinalitystats', [startHeight, Math.min(4096, slots), 0])).head_minus_lib);
    const txLat: number[] = [];
    for (const [txid, sent] of load.submitted) {
      const t = await rpc<{ height?: number }>(0, 'getrawtransaction', [txid, 1]).catch(() => undefined);
      const fin = t?.height !== undefined ? finalAt.get(t.height) : undefined;
      if (fin !== undefined) txLat.push(fin - sent);
    }
    const worst = (f: (p: Percentiles) => number | undefined): number => Math.max(...lagPerNode.map((p) => f(p) ?? 0));
    return {
      name: `devnet: 4 producer processes, ${TX_RATE} tx/s to one node, ${SECONDS} s`,
      producers: 4,
      sealToFinal: percentiles(seal),
      // the worst node's figures
      headMinusLib: { count: lagPerNode.reduce((a, p) => a + p.count, 0), p50: worst((p) => p.p50), p90: worst((p) => p.p90), p99: worst((p) => p.p99), max: worst((p) => p.max) },
      txToFinal: percentiles(txLat),
      txsFinal: txLat.length,
      txsSent: load.submitted.size,
    };
  } finally {
    await devnetDown(dir, { timeoutMs: 5000 }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ part 2: 21 producers in one process

interface InProcess {
  readonly node: NetworkedNode;
  readonly mempool: Mempool;
  readonly mempoolContext: () => MempoolContext;
  readonly store: Store;
}

async function inProcessNode(spec: ChainSpec, producer: { name: string; privateKey: Uint8Array }, port: number, peers: string[]): Promise<InProcess> {
  const store = unwrap(openStore(':memory:', { chainId: chainIdBytes(spec) }));
  unwrap(store.connectBlock(genesisDelta(spec)));
  unwrap(store.setLib(0));
  const chain = ChainState.load(store, spec);
  const scriptCache = new ScriptCache();
  const mempool = new Mempool({ spec, scriptCache });
  const mempoolContext = (): MempoolContext => ({ view: store, tipHeight: chain.height, tipTimeMs: chain.blockTimeAt(chain.height), blockTimeAt: chain.blockTimeAt, nowMs: Date.now() });
  const node = await NetworkedNode.start(
    {
      spec,
      store,
      chain,
      mempool,
      mempoolContext,
      ccHost: undefined,
      scriptCache,
      hooks: undefined,
      log: SILENT_LOGGER,
      now: Date.now,
      producer: { ...producer, payTo: keyScript(devKeys(1, DEFAULT_PREFIXES)[0]!) },
      acceptTx: async (tx) => mempool.accept(tx, mempoolContext()),
    },
    {
      listen: { port },
      peers,
      // one event loop serves all 21 nodes: block arrival times say nothing about clocks here
      clockSkewLimitMs: 60_000,
      tuning: { backoff: { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.2 } },
    },
  );
  return { node, mempool, mempoolContext, store };
}

async function networkPart(n: number, rate: number): Promise<PartResult> {
  const producers = newDevnetProducers(n);
  const spec = devnetSpec({ producers, genesisTimeMs: Math.floor(Date.now() / 1000) * 1000 - 2000, fundedKeys: 2 });
  const base = 40_000 + Math.floor(Math.random() * 10_000);
  const ports = producers.map((_, i) => base + i);
  console.log(`\nin-process network of ${n} producers (ports ${base}..${base + n - 1})`);
  const parts: InProcess[] = [];
  for (let i = 0; i < n; i++) parts.push(await inProcessNode(spec, producers[i]!, ports[i]!, ports.filter((_, j) => j !== i).map((p) => `127.0.0.1:${p}`)));
  const nodes = parts.map((p) => p.node);
  const first = parts[0]!;
  try {
    const seal: number[] = [];
    const txFinal = new Map<string, number>();
    let measuring = false;
    let startHeight = Infinity;
    for (const node of nodes) {
      node.engine.onFinal((blocks) => {
        for (const b of blocks) {
          if (!measuring || b.record.num <= startHeight) continue;
          seal.push(b.record.finalMs - b.record.slotStartMs);
          if (node === first.node) for (const tx of b.block?.txs ?? []) txFinal.set(toHex(Uint8Array.from(txidOf(tx)).reverse()), b.record.finalMs);
        }
      });
    }
    await waitFor(`LIB ≥ 3 on all ${n}`, 90_000, () => (nodes.every((x) => x.engine.db.lib.num >= 3) ? true : undefined));
    const [k0, k1] = devKeys(2, DEFAULT_PREFIXES) as [DevKey, DevKey];
    const fan = fanOut(spec, k0, k1);
    const submit = async (tx: Transaction): Promise<void> => {
      const r = first.mempool.accept(tx, first.mempoolContext());
      if (!r.ok) throw new Error(`tx refused: ${r.error.message}`);
      first.node.relayTx(tx);
    };
    await submit(fan);
    await waitFor('the fan-out final', 60_000, () => {
      const t = first.store.getTx(txidOf(fan));
      return t !== undefined && t.height <= first.node.engine.db.lib.num ? true : undefined;
    });
    startHeight = first.node.engine.head.ref.num;
    const lagFrom = new Map(nodes.map((x) => [x, x.engine.stats.lagSamples]));
    measuring = true;
    console.log(`load: ${rate} tx/s to producer0 for ${SECONDS} s from height ${startHeight}`);
    const load = new Load(fan, k1);
    await load.run(SECONDS, submit);
    await sleep(3000);
    measuring = false;
    // head − LIB over the load window, the worst node's figures
    const lagPerNode = nodes.map((x) => x.engine.stats.lag(x.engine.stats.lagSamples - lagFrom.get(x)!));
    const worst = (f: (p: Percentiles) => number | undefined): number => Math.max(...lagPerNode.map((p) => f(p) ?? 0));
    const txLat: number[] = [];
    for (const [txid, sent] of load.submitted) {
      const fin = txFinal.get(txid);
      if (fin !== undefined) txLat.push(fin - sent);
    }
    return {
      name: `in-process network: ${n} producers in one process, ${rate} tx/s to one node, ${SECONDS} s`,
      producers: n,
      sealToFinal: percentiles(seal),
      headMinusLib: { count: lagPerNode.reduce((a, p) => a + p.count, 0), p50: worst((p) => p.p50), p90: worst((p) => p.p90), p99: worst((p) => p.p99), max: worst((p) => p.max) },
      txToFinal: percentiles(txLat),
      txsFinal: txLat.length,
      txsSent: load.submitted.size,
    };
  } finally {
    for (const x of nodes) await x.stop();
  }
}

// ------------------------------------------------------------------ main

console.log(`finality benchmark: ${SECONDS} s of load per part; machine: ${(await import('node:os')).cpus().length} CPUs, Node ${process.version}`);
const results: PartResult[] = [];
if (PARTS.includes('devnet')) {
  const r = await devnetPart();
  results.push(r);
  report(r);
}
if (PARTS.includes('21')) {
  const r = await networkPart(21, Math.max(1, Math.floor(TX_RATE / 2)));
  results.push(r);
  report(r);
}
console.log('\ntargets: 4 producers p50 ≤ 400 ms, p99 ≤ 1,000 ms, head − LIB ≤ 2 blocks; 21 producers p50 ≤ 1,000 ms');
for (const r of results) {
  const ok = r.producers <= 4 ? (r.sealToFinal.p50 ?? Infinity) <= 400 && (r.sealToFinal.p99 ?? Infinity) <= 1000 && (r.headMinusLib.max ?? Infinity) <= 2 : (r.sealToFinal.p50 ?? Infinity) <= 1000;
  console.log(`  ${r.producers} producers: ${ok ? 'met' : 'NOT met'}`);
}
