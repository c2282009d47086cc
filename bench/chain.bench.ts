// npm run bench:chain [-- N]. End-to-end throughput of a dev node (docs/dev.md, Throughput):
// The bench process starts with NODE_RUNTIME_FLAGS (package.json) since it also plays a receiving node.
// `cchost dev` runs as a child process; this process funds N coins (fan-out transactions, not timed),
// pre-signs N one-input two-output P2PKH transactions spending them, submits them through JSON-RPC
// sendrawtransaction batches, and reports
//   - accepted tx/s: first submit → last batch answered (every tx fully verified, scripts and signatures);
//   - included tx/s: first submit → the last tx in a final block (every block is final at once);
//   - block production per 1,000 txs (assembly = block-mode validation with script-cache hits + coinbase,
//     header and signature; store = the SQLite commit with fsync; pool = mempool update), from the
//     node's own 'block produced' log lines of this run;
//   - connecting the run's blocks as a receiving node does, after the node stopped: a fresh store in
//     a temp dir (file, fsync per block) is brought to the run's start untimed, the script cache holds
//     the run's transactions as a node's mempool would after verifying them, then per block
//     decodeBlock + connectBlock (all chain rules; scripts from the cache) + store.connectBlock, timed;
//     a first pass warms the JIT as a running node's earlier blocks would (printed, not counted), then
//     BENCH_FOLLOWER_PASSES passes into fresh stores give the median and every pass's figure;
//   - the raw ECDSA verify rate of one core in this process, measured just before and just after the
//     run, and every rate as a ratio against it.
// Env: BENCH_TXS (20000), BENCH_BATCH (500), BENCH_INFLIGHT (2 batches in flight), BENCH_FOLLOWER_PASSES (3),
// CCHOST_VERIFY_WORKERS (passed to the node: 0 = verify on the main thread), BENCH_NODE_FLAGS=none (start
// the node without NODE_RUNTIME_FLAGS), BENCH_NODE_ARGS (more node flags, e.g. --cpu-prof).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Transaction } from 'bitcoinjs-lib';
import { ancestorsAppend, EMPTY_ANCESTORS } from '../src/chain/block/ancestors.ts';
import { decodeBlock } from '../src/chain/block/block.ts';
import type { BlockRef } from '../src/chain/block/types.ts';
import { slotStartMs } from '../src/chain/params.ts';
import { chainIdBytes } from '../src/chain/spec/canonical.ts';
import { genesisDelta } from '../src/chain/state/delta.ts';
import { txidOf } from '../src/chain/state/txid.ts';
import { connectBlock } from '../src/chain/validation/connect.ts';
import { ccContextKey, scriptFlagsFor } from '../src/chain/validation/flags.ts';
import { ScriptCache } from '../src/chain/validation/scriptCache.ts';
import { NODE_RUNTIME_FLAGS } from '../src/node/runtimeFlags.ts';
import { readDatadirSpec } from '../src/node/specFile.ts';
import { openStore } from '../src/store/store.ts';
import type { Store } from '../src/store/types.ts';
import type { ChainSpec } from '../src/chain/spec/types.ts';
import { unwrap } from '../src/util/errors.ts';
import { hash160 } from '../src/crypto/hash.ts';
import { ecdsaSign, ecdsaVerifyLax, publicKeyFromPrivate } from '../src/crypto/secp256k1.ts';
import { p2pkhScript } from '../src/script/builder.ts';
import { legacySighash } from '../src/script/sighash.ts';
import { concatBytes, fromHex, toHex } from '../src/util/bytes.ts';

const N = Number(process.argv[2] ?? process.env['BENCH_TXS'] ?? 20_000);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 500);
const INFLIGHT = Number(process.env['BENCH_INFLIGHT'] ?? 2);
const FOLLOWER_PASSES = Number(process.env['BENCH_FOLLOWER_PASSES'] ?? 3);
const FANOUT = 1000; // outputs per funding transaction
const KEYS = Math.max(2, Math.ceil(N / FANOUT));
const COIN_SATS = 1_000_000n;
const FEE = 1_000n;

interface DevLine {
  readonly rpcUrl: string;
  readonly cookieFile: string;
  readonly keys: readonly { readonly address: string; readonly privateKey: string }[];
}
interface Key {
  readonly priv: Uint8Array;
  readonly pub: Uint8Array;
  readonly script: Uint8Array;
}
interface Signed {
  readonly hex: string;
  readonly txid: string;
  /** One (sighash, DER signature, public key) triple, for the ECDSA baseline. */
  readonly sig: readonly [Uint8Array, Uint8Array, Uint8Array];
}

// ---------------------------------------------------------------- the node and its RPC

const dir = mkdtempSync(join(tmpdir(), 'cchost-bench-'));
// The node starts as `npm start` and the `cchost` launcher start it: with NODE_RUNTIME_FLAGS (BENCH_NODE_FLAGS=none leaves them out).
const nodeFlags = process.env['BENCH_NODE_FLAGS'] === 'none' ? [] : [...NODE_RUNTIME_FLAGS];
const child: ChildProcess = spawn(process.execPath, [...nodeFlags, ...(process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== ''), 'bin/cchost.mjs', 'dev', '--datadir', dir, '--rpcport', '0', '--print-json', '--keys', String(KEYS), '--loglevel', 'info'], {
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env },
});
let stdout = '';
let stderrTail = '';
const blockLines: Record<string, unknown>[] = [];
let verifyLine: Record<string, unknown> | undefined;
let partial = '';
child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
child.stderr!.on('data', (d: Buffer) => {
  partial += d.toString();
  const lines = partial.split('\n');
  partial = lines.pop()!;
  for (const l of lines) {
    if (!l.startsWith('{')) continue;
    stderrTail = (stderrTail + l + '\n').slice(-4000);
    try {
      const rec = JSON.parse(l) as Record<string, unknown>;
      if (rec['msg'] === 'block produced') blockLines.push(rec);
      if (rec['msg'] === 'script verification') verifyLine = rec;
    } catch {
      /* not a log line */
    }
  }
});
const cleanup = (): void => {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
};
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

async function devLine(): Promise<DevLine> {
  const deadline = Date.now() + 60_000;
  while (!stdout.includes('\n')) {
    if (child.exitCode !== null) throw new Error(`cchost dev exited ${child.exitCode}: ${stderrTail}`);
    if (Date.now() > deadline) throw new Error('no JSON line from cchost dev within 60 s');
    await sleep(50);
  }
  return JSON.parse(stdout.split('\n')[0]!) as DevLine;
}

const line = await devLine();
const url = new URL(line.rpcUrl);
const auth = `Basic ${Buffer.from(readFileSync(line.cookieFile, 'utf8').trim()).toString('base64')}`;
const agent = new Agent({ keepAlive: true, maxSockets: INFLIGHT + 2 });

function post(body: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: '/', method: 'POST', agent, headers: { authorization: auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString()) as unknown);
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function rpc<T>(method: string, params: unknown[] = []): Promise<T> {
  const r = (await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }))) as { result?: T; error?: { message: string } };
  if (r.error !== undefined) throw new Error(`${method}: ${r.error.message}`);
  return r.result as T;
}

// ---------------------------------------------------------------- signing

function keyOf(privHex: string): Key {
  const priv = fromHex(privHex);
  const pub = publicKeyFromPrivate(priv, true);
  return { priv, pub, script: p2pkhScript(hash160(pub)) };
}

function signP2pkh(inputs: readonly { txid: string; vout: number; key: Key }[], outputs: readonly { script: Uint8Array; value: bigint }[]): Signed {
  const tx = new Transaction();
  tx.version = 1;
  for (const i of inputs) tx.addInput(Buffer.from(i.txid, 'hex').reverse(), i.vout, 0xffffffff);
  for (const o of outputs) tx.addOutput(Buffer.from(o.script), o.value);
  let triple: [Uint8Array, Uint8Array, Uint8Array] | undefined;
  inputs.forEach((inp, i) => {
    const h = legacySighash(tx, i, inp.key.script, 1);
    const der = ecdsaSign(h, inp.key.priv);
    triple ??= [h, der, inp.key.pub];
    const sig = concatBytes(der, Uint8Array.of(1));
    tx.setInputScript(i, Buffer.from(concatBytes(Uint8Array.of(sig.length), sig, Uint8Array.of(inp.key.pub.length), inp.key.pub)));
  });
  return { hex: tx.toHex(), txid: tx.getId(), sig: triple! };
}

/** Verifications per second of one core (ecdsaVerifyLax, as the script interpreter calls it). */
function ecdsaRate(triples: readonly (readonly [Uint8Array, Uint8Array, Uint8Array])[], ms: number): number {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 100; i++) {
      const [h, sig, pub] = triples[n % triples.length]!;
      if (!ecdsaVerifyLax(sig, pub, h)) throw new Error('baseline signature does not verify');
      n++;
    }
    t = performance.now();
  }
  return (n / (t - t0)) * 1000;
}

// ---------------------------------------------------------------- funding (not timed)

const keys = line.keys.map((k) => keyOf(k.privateKey));
const fanouts: { txid: string; key: Key; outputs: number }[] = [];
{
  const need = Math.ceil(N / FANOUT);
  const funding: string[] = [];
  for (let k = 0; k < need; k++) {
    const key = keys[k]!;
    const addr = line.keys[k]!.address;
    const utxos = await rpc<{ txid: string; outputIndex: number; satoshis: number }[]>('getaddressutxos', [{ addresses: [addr] }]);
    const u = utxos[0]!;
    const outs = Math.min(FANOUT, N - k * FANOUT);
    const fee = 50_000n;
    const change = BigInt(u.satoshis) - BigInt(outs) * COIN_SATS - fee;
    const outputs = Array.from({ length: outs }, () => ({ script: key.script, value: COIN_SATS }));
    outputs.push({ script: key.script, value: change });
    const s = signP2pkh([{ txid: u.txid, vout: u.outputIndex, key }], outputs);
    funding.push(s.hex);
    fanouts.push({ txid: s.txid, key, outputs: outs });
  }
  for (const hex of funding) await rpc('sendrawtransaction', [hex]);
  const deadline = Date.now() + 60_000;
  for (const f of fanouts) {
    for (;;) {
      const t = await rpc<{ blockhash?: string }>('getrawtransaction', [f.txid, 1]);
      if (t.blockhash !== undefined) break;
      if (Date.now() > deadline) throw new Error('funding transactions not mined within 60 s');
      await sleep(100);
    }
  }
}

// ---------------------------------------------------------------- pre-signing (not timed)

const tSign = performance.now();
const signed: Signed[] = [];
for (const f of fanouts) {
  const to = keys[(keys.indexOf(f.key) + 1) % keys.length]!;
  for (let vout = 0; vout < f.outputs; vout++) {
    signed.push(signP2pkh([{ txid: f.txid, vout, key: f.key }], [{ script: to.script, value: COIN_SATS / 2n }, { script: f.key.script, value: COIN_SATS / 2n - FEE }]));
  }
}
const signMs = performance.now() - tSign;
const bodies: string[] = [];
for (let i = 0; i < signed.length; i += BATCH) {
  bodies.push(JSON.stringify(signed.slice(i, i + BATCH).map((s, j) => ({ jsonrpc: '2.0', id: i + j, method: 'sendrawtransaction', params: [s.hex] }))));
}
const triples = signed.slice(0, 2000).map((s) => s.sig);

// ---------------------------------------------------------------- the run

const ecdsaBefore = ecdsaRate(triples, 1500);
const startHeight = await rpc<number>('getblockcount');
/** CPU ms (utime + stime at 100 Hz) of the node process, and of its main thread alone (Linux /proc). */
const cpuStat = (): { all: number; main: number } => {
  const ms = (path: string): number => {
    const f = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  };
  try {
    return { all: ms(`/proc/${child.pid}/stat`), main: ms(`/proc/${child.pid}/task/${child.pid}/stat`) };
  } catch {
    return { all: NaN, main: NaN };
  }
};
const cpu0 = cpuStat();
/** Busy and total jiffies of the whole machine (/proc/stat), for how saturated the CPUs were. */
const machineStat = (): { busy: number; total: number } => {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - f[3]! - f[4]!, total };
  } catch {
    return { busy: NaN, total: NaN };
  }
};
const m0 = machineStat();
const self0 = process.cpuUsage();
const load0 = loadavg()[0]!;

const t0 = performance.now();
let next = 0;
let rejected = 0;
let firstRejection = '';
const accepted = new Set<string>();
async function lane(): Promise<void> {
  while (next < bodies.length) {
    const b = next++;
    const replies = (await post(bodies[b]!)) as { id: number; result?: string; error?: { message: string } }[];
    for (const r of replies) {
      if (r.error !== undefined || r.result !== signed[r.id]!.txid) {
        rejected++;
        firstRejection ||= r.error?.message ?? String(r.result);
      } else accepted.add(r.result);
    }
  }
}
await Promise.all(Array.from({ length: INFLIGHT }, () => lane()));
const tAccepted = performance.now();

let tIncluded = 0;
let endHeight = startHeight;
{
  const deadline = Date.now() + 120_000;
  for (;;) {
    const info = await rpc<{ size: number }>('getmempoolinfo');
    if (info.size === 0) {
      tIncluded = performance.now();
      break;
    }
    if (Date.now() > deadline) throw new Error(`mempool still holds ${info.size} transactions after 120 s`);
    await sleep(20);
  }
  endHeight = await rpc<number>('getblockcount');
}
const cpu1 = cpuStat();
const m1 = machineStat();
const self1 = process.cpuUsage(self0);
const ecdsaAfter = ecdsaRate(triples, 1500);

// Every accepted transaction is in a final block of the run.
const chainInfo = await rpc<{ lastirreversible?: number; blocks: number }>('getblockchaininfo');
const inBlocks = new Set<string>();
for (let h = startHeight + 1; h <= endHeight; h++) {
  const b = await rpc<{ tx: string[] }>('getblock', [await rpc<string>('getblockhash', [h]), 1]);
  for (const id of b.tx.slice(1)) inBlocks.add(id);
}
let missing = 0;
for (const id of accepted) if (!inBlocks.has(id)) missing++;

// ---------------------------------------------------------------- report

interface BlockRec {
  height: number;
  txs: number;
  ms: number;
  assembleMs?: number;
  storeMs?: number;
  poolMs?: number;
}
const blocks = blockLines.map((r) => r as unknown as BlockRec).filter((b) => b.height > startHeight && b.height <= endHeight);
const big = blocks.filter((b) => b.txs >= 200);
const sum = (f: (b: BlockRec) => number | undefined): number => big.reduce((s, b) => s + (f(b) ?? NaN), 0);
const bigTxs = big.reduce((s, b) => s + b.txs - 1, 0);
const per1000 = (ms: number): string => (Number.isFinite(ms) ? `${((ms / bigTxs) * 1000).toFixed(1)} ms` : 'n/a');
const rate = (ms: number): number => (bigTxs / ms) * 1000;

const ecdsa = (ecdsaBefore + ecdsaAfter) / 2;
const acceptRate = (accepted.size / (tAccepted - t0)) * 1000;
const includeRate = (accepted.size / (tIncluded - t0)) * 1000;
const connectMs = sum((b) => (b.assembleMs !== undefined && b.storeMs !== undefined ? b.assembleMs + b.storeMs : undefined));
const r = (x: number): string => `${Math.round(x).toLocaleString('en-US')}`;
const ratio = (x: number): string => `${(x / ecdsa).toFixed(2)} × ECDSA`;

console.log(`bench:chain  ${N} one-input two-output P2PKH transactions, sendrawtransaction batches of ${BATCH}, ${INFLIGHT} in flight`);
console.log(`  machine: ${cpus().length} CPUs, load average ${load0.toFixed(2)} at start; node CCHOST_VERIFY_WORKERS=${process.env['CCHOST_VERIFY_WORKERS'] ?? '(default)'}; node flags: ${[...nodeFlags, ...(process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '')].join(' ') || '(none)'}`);
console.log(`  pre-signing (not timed): ${r((signed.length / signMs) * 1000)} tx/s`);
console.log(`  raw ECDSA verify, one core of this process: ${r(ecdsaBefore)}/s before, ${r(ecdsaAfter)}/s after (mean ${r(ecdsa)}/s)`);
console.log(`  accepted: ${accepted.size}, rejected: ${rejected}${rejected > 0 ? ` (first: ${firstRejection})` : ''}; missing from blocks: ${missing}; blocks ${startHeight + 1}..${endHeight}, last irreversible ${chainInfo.lastirreversible ?? '?'}`);
console.log(`  accepted tx/s (first submit → last reply):            ${r(acceptRate).padStart(7)}  = ${ratio(acceptRate)}`);
console.log(`  included tx/s (first submit → last tx in a final block): ${r(includeRate).padStart(7)}  = ${ratio(includeRate)}   [target ≥ 3,000]`);
if (Number.isFinite(cpu1.all - cpu0.all)) {
  const perTx = (ms: number): number => (ms / accepted.size) * 1000;
  const main = perTx(cpu1.main - cpu0.main);
  const other = perTx(cpu1.all - cpu0.all - (cpu1.main - cpu0.main));
  const workers = Number(process.env['CCHOST_VERIFY_WORKERS'] ?? Math.max(0, cpus().length - 1));
  console.log(`  node CPU per tx: ${r(main + other)} µs = main thread ${r(main)} µs + other threads (verify workers, GC helpers) ${r(other)} µs; wall ${((tIncluded - t0) / 1000).toFixed(2)} s`);
  console.log(
    `  this client: ${r(((self1.user + self1.system) / accepted.size))} µs CPU per tx; all ${cpus().length} CPUs were ${Math.round(((m1.busy - m0.busy) / (m1.total - m0.total)) * 100)}% busy during the run`,
  );
  if (workers > 0) {
    // What the node could do with a core per thread and nothing else running: the busier side bounds it.
    console.log(`  capacity with a free core per thread (estimate from CPU per tx): ${r(Math.min(1e6 / main, (workers * 1e6) / Math.max(other, 1)))} tx/s`);
  }
}
console.log(`  blocks with ≥ 200 txs: ${big.length} (${bigTxs} txs, ${big.length > 0 ? Math.round(bigTxs / big.length) : 0} per block)`);
console.log(`    production per 1,000 txs: ${per1000(sum((b) => b.ms))} total`);
if (Number.isFinite(connectMs)) {
  console.log(`      assembly (block-mode validation, script cache hits) ${per1000(sum((b) => b.assembleMs))}, store commit ${per1000(sum((b) => b.storeMs))}, mempool update ${per1000(sum((b) => b.poolMs))}`);
  console.log(`    producing a block of already-verified transactions (assembly + store): ${r(rate(connectMs))} tx/s = ${ratio(rate(connectMs))}`);
}
child.kill('SIGTERM');
await new Promise((res) => child.once('exit', res));
if (verifyLine !== undefined) {
  // Counts over the node's whole life: the run, plus the funding transactions and the first submissions
  // that arrived while the worker was still loading. Every script cache miss is one verification on the
  // main thread (at acceptance or in a block); a worker verdict is one verification on a worker.
  const v = verifyLine as { workerVerified?: number; mainThread?: number; pool?: { busyMs?: number; helped?: number; helpMs?: number }; scriptCache?: { hits?: number; misses?: number } };
  console.log(
    `  script verification over the node's life: ${v.workerVerified ?? 0} txs by the verify pool (${v.pool?.helped ?? 0} of them judged by the main thread while the workers were full), ${v.mainThread ?? 0} at acceptance on the main thread; ` +
      `script cache ${v.scriptCache?.hits ?? 0} hits, ${v.scriptCache?.misses ?? 0} misses (= main-thread verifications)`,
  );
  if (v.pool?.busyMs !== undefined) {
    console.log(`  workers busy ${(v.pool.busyMs / 1000).toFixed(2)} s (${Math.round((v.pool.busyMs / (tIncluded - t0)) * 100)}% of the run's wall time), ${((v.pool.busyMs / Math.max(1, v.workerVerified ?? 0)) * 1000).toFixed(0)} µs per tx`);
  }
}

// ---------------------------------------------------------------- a receiving node connects the run's blocks

/** One receiving node's connection of blocks 1..endHeight into a fresh store; the run's blocks are timed. */
interface FollowerPass {
  /** Raw ECDSA verifies per second of this core, measured just before the pass (the machine's speed at that moment). */
  readonly ecdsa: number;
  readonly vMs: number;
  readonly sMs: number;
  readonly cpuMs: number;
  readonly txs: number;
  readonly hits: number;
  readonly misses: number;
}

function followerPass(source: Store, spec: ChainSpec): FollowerPass {
  const ecdsaNow = ecdsaRate(triples, 500);
  const opts = { chainId: chainIdBytes(spec), chainName: spec.name };
  const followerDir = mkdtempSync(join(tmpdir(), 'cchost-bench-follower-'));
  const follower = unwrap(openStore(followerDir, opts));
  try {
    unwrap(follower.connectBlock(genesisDelta(spec)));
    const cache = new ScriptCache(N + 1000);
    const genesisId = source.getBlockByHeight(0)!.id;
    const slots = [0];
    let acc = ancestorsAppend(EMPTY_ANCESTORS, genesisId);
    let parent: BlockRef = { id: genesisId, num: 0, slot: 0 };
    let vMs = 0;
    let sMs = 0;
    let cpuMs = 0;
    let txs = 0;
    for (let h = 1; h <= endHeight; h++) {
      const bytes = source.getBlockByHeight(h)!.bytes;
      const timed = h > startHeight;
      if (timed) {
        // What the mempool's verification leaves behind (the node verified every signature of the run).
        for (const tx of unwrap(decodeBlock(bytes)).txs.slice(1)) {
          cache.add(txidOf(tx), scriptFlagsFor(spec, h, 'mempool'), ccContextKey(spec, h), new Array<unknown>(tx.ins.length));
        }
      }
      const cpu0 = process.cpuUsage();
      const t1 = performance.now();
      const block = unwrap(decodeBlock(bytes));
      const c = connectBlock(follower, block, { spec, parent, ancestors: acc, schedule: spec.schedule, blockTimeAt: (x) => slotStartMs(spec, slots[x]!), scriptCache: cache, blockBytes: bytes });
      if (!c.ok) throw new Error(`block ${h} does not connect: ${c.error.message}`);
      const t2 = performance.now();
      unwrap(follower.connectBlock(c.value));
      const t3 = performance.now();
      const cpu = process.cpuUsage(cpu0);
      if (timed) {
        vMs += t2 - t1;
        sMs += t3 - t2;
        cpuMs += (cpu.user + cpu.system) / 1000;
        txs += block.txs.length - 1;
      }
      slots.push(block.header.slot);
      acc = ancestorsAppend(acc, c.value.id);
      parent = { id: c.value.id, num: h, slot: block.header.slot };
    }
    const st = cache.stats();
    return { ecdsa: ecdsaNow, vMs, sMs, cpuMs, txs, hits: st.hits, misses: st.misses };
  } finally {
    follower.close();
    rmSync(followerDir, { recursive: true, force: true });
  }
}

{
  // A node connects blocks all its life: the first pass runs with cold JIT code (reported, not used),
  // then FOLLOWER_PASSES passes into fresh stores give the median and the spread.
  const spec = readDatadirSpec(dir)!;
  const source = unwrap(openStore(dir, { chainId: chainIdBytes(spec), chainName: spec.name }));
  try {
    const cold = followerPass(source, spec);
    const passes: FollowerPass[] = [];
    for (let i = 0; i < FOLLOWER_PASSES; i++) passes.push(followerPass(source, spec));
    const rate = (p: FollowerPass): number => (p.txs / (p.vMs + p.sMs)) * 1000;
    const sorted = [...passes].sort((a, b) => rate(a) - rate(b));
    const med = sorted[Math.floor(sorted.length / 2)]!;
    const per1000 = (ms: number, p: FollowerPass): string => `${((ms / p.txs) * 1000).toFixed(1)} ms`;
    console.log(`  a receiving node connecting the run's ${endHeight - startHeight} blocks (${med.txs} txs; script cache ${med.hits} hits, ${med.misses} misses), per 1,000 txs, median of ${passes.length} passes:`);
    console.log(`    decode + connectBlock (all chain rules, scripts from the cache) ${per1000(med.vMs, med)}, store commit (fsync'd) ${per1000(med.sMs, med)}; CPU ${per1000(med.cpuMs, med)}`);
    console.log(`    connecting an already-verified block: ${r(rate(med))} tx/s = ${ratio(rate(med))}   [target ≥ 20,000]; validation alone ${r((med.txs / med.vMs) * 1000)} tx/s`);
    console.log(`      passes ${sorted.map((p) => `${r(rate(p))} tx/s = ${(rate(p) / p.ecdsa).toFixed(2)} × ECDSA measured just before it`).join('; ')}`);
    console.log(`      first pass (cold JIT, not counted) ${r(rate(cold))} tx/s`);
  } finally {
    source.close();
  }
}
if (rejected > 0 || missing > 0) process.exitCode = 1;
