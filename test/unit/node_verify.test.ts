/**
 * Signature verification on worker threads (src/node/verifyPool.ts, verifyJob.ts, verifyProtocol.ts,
 * txSubmitter.ts): the packed batch format, the worker's verdicts, the pool's life cycle, and the node:
 * RPC batches answer exactly as with verification on the main thread, each transaction's scripts are
 * verified once, and testmempoolaccept is a dry run.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import type { Transaction } from 'bitcoinjs-lib';
import { cc1of1 } from '../../src/cc/sdk/builders.ts';
import { ccOutputScript } from '../../src/cc/sdk/script.ts';
import { COIN } from '../../src/chain/params.ts';
import type { Coin } from '../../src/chain/state/types.ts';
import { ccContextKey, scriptFlagsFor } from '../../src/chain/validation/flags.ts';
import { SILENT_LOGGER } from '../../src/node/log.ts';
import { judgeJob } from '../../src/node/verifyJob.ts';
import { VerifyPool, defaultVerifyWorkers } from '../../src/node/verifyPool.ts';
import { VERDICT_INVALID, VERDICT_NOT_HANDLED, VERDICT_VALID, packBatch, unpackBatch } from '../../src/node/verifyProtocol.ts';
import type { VerifyJob } from '../../src/node/verifyProtocol.ts';
import { keyScript, signedP2pkh, startTestNode } from './node_fixture.ts';
import type { Reply, TestNode } from './node_fixture.ts';

const nodes: TestNode[] = [];
const pools: VerifyPool[] = [];
after(async () => {
  for (const p of pools) await p.close();
  for (const n of nodes) await n.close();
});

async function until(what: string, f: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!f()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function node(workers: number, extra: { mempoolMaxBytes?: number } = {}): Promise<{ t: TestNode; genesis: string }> {
  const t = await startTestNode({ keys: 4, config: { verifyWorkers: workers, ...extra } });
  nodes.push(t);
  t.produce();
  if (workers > 0) {
    t.node.verifyPool!.warm();
    await until('a verification worker', () => t.node.verifyPool!.ready);
  }
  const genesis = (await t.ok<{ tx: string[] }>('getblock', ['0', 1])).tx[0]!;
  return { t, genesis };
}

/** JSON-RPC 2.0 batch through the node's HTTP app. */
async function batch(t: TestNode, calls: readonly [string, unknown[]][]): Promise<Reply[]> {
  const payload = JSON.stringify(calls.map(([method, params], id) => ({ jsonrpc: '2.0', id, method, params })));
  const res = await t.app.inject({ method: 'POST', url: '/', payload });
  return res.json() as Reply[];
}

/** A spend of genesis output `vout` (key `vout`'s coins) paying `pay` to key 0 and the rest back, minus `fee`. */
function spendGenesis(t: TestNode, genesis: string, vout: number, pay: bigint, fee = 1000n, signer = vout): Transaction {
  const k = t.keys[vout]!;
  const total = 1_000_000n * COIN;
  return signedP2pkh([{ txid: genesis, vout, value: total, key: t.keys[signer]! }], [
    { script: keyScript(t.keys[0]!), value: pay },
    { script: keyScript(k), value: total - pay - fee },
  ]);
}

/** The same transaction with one signature byte changed (right key, wrong signature). */
function corrupt(tx: Transaction): Transaction {
  const bad = tx.clone();
  const s = Buffer.from(bad.ins[0]!.script);
  s[10] = s[10]! ^ 0x01; // inside r of the DER signature
  bad.setInputScript(0, s);
  return bad;
}

function jobOf(tx: Transaction, coins: Coin[], height = 1): VerifyJob {
  const spec = nodes[0]?.node.spec;
  if (spec === undefined) throw new Error('start a node first');
  return { tx: tx.toBuffer(), coins, flags: scriptFlagsFor(spec, height, 'mempool'), ccKey: ccContextKey(spec, height), height, blockTimeMs: 0 };
}

test('a packed batch unpacks to the same jobs, and its byte buffer holds only the jobs\' bytes (no pooled slab)', () => {
  const pooled = Buffer.from('76a914' + '11'.repeat(20) + '88ac', 'hex'); // a view into Buffer's shared pool
  assert.ok(pooled.buffer.byteLength > pooled.length);
  const jobs: VerifyJob[] = [
    { tx: Uint8Array.of(1, 2, 3), coins: [{ value: 2_100_000_000_000_000n, script: pooled, height: 7, coinbase: true }], flags: 0x1fff, ccKey: 3, height: 8, blockTimeMs: 1_735_689_600_500 },
    { tx: Uint8Array.of(9), coins: [], flags: 1, ccKey: 0, height: 1, blockTimeMs: 0 },
    { tx: Uint8Array.of(4, 5), coins: [{ value: 0n, script: new Uint8Array(0), height: 0, coinbase: false }, { value: 546n, script: Uint8Array.of(0x6a), height: 2147483647, coinbase: false }], flags: 2, ccKey: 1, height: 3, blockTimeMs: 5 },
  ];
  const b = packBatch(1, jobs);
  assert.equal(b.bytes.buffer.byteLength, 3 + pooled.length + 1 + 2 + 0 + 1);
  const back = unpackBatch(b);
  assert.equal(back.length, 3);
  back.forEach((j, i) => {
    const o = jobs[i]!;
    assert.deepEqual([...j.tx], [...o.tx]);
    assert.deepEqual([j.flags, j.ccKey, j.height, j.blockTimeMs], [o.flags, o.ccKey, o.height, o.blockTimeMs]);
    assert.deepEqual(
      j.coins.map((c) => [c.value, [...c.script], c.height, c.coinbase]),
      o.coins.map((c) => [c.value, [...c.script], c.height, c.coinbase]),
    );
  });
});

test('defaultVerifyWorkers: one per CPU beyond the first, none on one CPU, CCHOST_VERIFY_WORKERS overrides', () => {
  assert.equal(defaultVerifyWorkers({}, 1), 0);
  assert.equal(defaultVerifyWorkers({}, 2), 1);
  assert.equal(defaultVerifyWorkers({}, 8), 7);
  assert.equal(defaultVerifyWorkers({ CCHOST_VERIFY_WORKERS: '0' }, 8), 0);
  assert.equal(defaultVerifyWorkers({ CCHOST_VERIFY_WORKERS: '3' }, 2), 3);
  assert.equal(defaultVerifyWorkers({ CCHOST_VERIFY_WORKERS: 'lots' }, 2), 1);
});

test('judgeJob: a signed P2PKH spend is valid; a changed signature, a wrong key, bad bytes or a coin mismatch are invalid; a CC output is left to the node', async () => {
  const { t, genesis } = await node(0);
  const spec = t.node.spec;
  const coin: Coin = { value: 1_000_000n * COIN, script: keyScript(t.keys[1]!), height: 0, coinbase: false };
  const good = spendGenesis(t, genesis, 1, COIN);
  assert.equal(judgeJob(spec, jobOf(good, [coin])), VERDICT_VALID);
  assert.equal(judgeJob(spec, jobOf(corrupt(good), [coin])), VERDICT_INVALID);
  assert.equal(judgeJob(spec, jobOf(spendGenesis(t, genesis, 1, COIN, 1000n, 2), [coin])), VERDICT_INVALID, 'signed by another key');
  assert.equal(judgeJob(spec, { ...jobOf(good, [coin]), tx: Uint8Array.of(1, 0, 0) }), VERDICT_INVALID);
  assert.equal(judgeJob(spec, jobOf(good, [])), VERDICT_INVALID, 'coins must match the inputs');
  const ccOut = ccOutputScript(cc1of1(0xf0, t.keys[0]!.publicKey));
  const cc = signedP2pkh([{ txid: genesis, vout: 1, value: coin.value, key: t.keys[1]! }], [{ script: ccOut, value: COIN }]);
  assert.equal(judgeJob(spec, jobOf(cc, [coin])), VERDICT_NOT_HANDLED);
});

test('VerifyPool: verdicts from a worker thread; unavailable before it is loaded and after close', async () => {
  const { t, genesis } = await node(0);
  const coin: Coin = { value: 1_000_000n * COIN, script: keyScript(t.keys[1]!), height: 0, coinbase: false };
  const good = spendGenesis(t, genesis, 1, COIN);
  const pool = new VerifyPool({ spec: t.node.spec, workers: 1, log: SILENT_LOGGER });
  pools.push(pool);
  assert.equal(await pool.verify(jobOf(good, [coin])), 'unavailable', 'the first job starts the worker and does not wait for it');
  await until('the worker', () => pool.ready);
  const verdicts = await Promise.all([pool.verify(jobOf(good, [coin])), pool.verify(jobOf(corrupt(good), [coin])), pool.verify(jobOf(good, [coin]))]);
  assert.deepEqual(verdicts, ['valid', 'invalid', 'valid']);
  const s = pool.stats();
  assert.equal(s.valid, 2);
  assert.equal(s.invalid, 1);
  assert.equal(s.batches, 1, 'jobs queued in one turn travel as one batch');
  await pool.close();
  assert.equal(await pool.verify(jobOf(good, [coin])), 'unavailable');
  assert.equal(pool.stats().workers, 0);
});

test('VerifyPool: a worker that dies hands its jobs back as unavailable and is replaced at most maxRestarts times', async () => {
  const { t, genesis } = await node(0);
  const coin: Coin = { value: 1_000_000n * COIN, script: keyScript(t.keys[1]!), height: 0, coinbase: false };
  let started = 0;
  const dying = (): Worker => {
    started++;
    return new Worker("const { parentPort } = require('node:worker_threads'); parentPort.postMessage({ ready: true }); parentPort.on('message', () => process.exit(3));", { eval: true });
  };
  const pool = new VerifyPool({ spec: t.node.spec, workers: 1, log: SILENT_LOGGER, startWorker: dying, maxRestarts: 1 });
  pools.push(pool);
  pool.warm();
  await until('the worker', () => pool.ready);
  assert.equal(await pool.verify(jobOf(spendGenesis(t, genesis, 1, COIN), [coin])), 'unavailable');
  await until('the worker to be gone', () => pool.stats().workers === 0);
  pool.warm();
  await until('the replacement', () => pool.ready);
  assert.equal(await pool.verify(jobOf(spendGenesis(t, genesis, 1, COIN), [coin])), 'unavailable');
  await until('the replacement to be gone', () => pool.stats().workers === 0);
  pool.warm();
  assert.equal(started, 2, 'no more restarts after maxRestarts');
  assert.equal(await pool.verify(jobOf(spendGenesis(t, genesis, 1, COIN), [coin])), 'unavailable');
});

test('VerifyPool: jobs waiting behind full workers are judged by the main thread with the same verdicts; helpSliceMs 0 turns that off', async () => {
  const { t, genesis } = await node(0);
  const coin: Coin = { value: 1_000_000n * COIN, script: keyScript(t.keys[1]!), height: 0, coinbase: false };
  const good = spendGenesis(t, genesis, 1, COIN);
  // A worker that loads and then never answers: whatever it takes stays in flight.
  const silent = (): Worker => new Worker("const { parentPort } = require('node:worker_threads'); parentPort.postMessage({ ready: true }); parentPort.on('message', () => {});", { eval: true });
  const pool = new VerifyPool({ spec: t.node.spec, workers: 1, log: SILENT_LOGGER, startWorker: silent, maxBatch: 1, maxInFlight: 1 });
  pools.push(pool);
  pool.warm();
  await until('the worker', () => pool.ready);
  const first = pool.verify(jobOf(good, [coin])); // taken by the worker, never answered
  const rest = [pool.verify(jobOf(corrupt(good), [coin])), pool.verify(jobOf(good, [coin]))];
  assert.deepEqual(await Promise.all(rest), ['invalid', 'valid'], 'the main thread judged the waiting jobs');
  const s = pool.stats();
  assert.equal(s.helped, 2);
  assert.equal(s.inFlight, 1);
  await pool.close();
  assert.equal(await first, 'unavailable', 'closing hands the stuck job back');
  const off = new VerifyPool({ spec: t.node.spec, workers: 1, log: SILENT_LOGGER, startWorker: silent, maxBatch: 1, maxInFlight: 1, helpSliceMs: 0 });
  pools.push(off);
  off.warm();
  await until('the worker', () => off.ready);
  const pending = [off.verify(jobOf(good, [coin])), off.verify(jobOf(good, [coin]))];
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(off.stats().helped, 0, 'helpSliceMs 0: the main thread never verifies');
  assert.equal(off.stats().queued, 1);
  await off.close();
  assert.deepEqual(await Promise.all(pending), ['unavailable', 'unavailable']);
});

test('a sendrawtransaction batch answers exactly as with verification on the main thread: order, chains, duplicates, conflicts, bad signatures, read-after-write', async () => {
  const a = await node(1);
  const b = await node(0);
  assert.equal(a.genesis, b.genesis, 'the same chain');
  const { t, genesis } = a;
  const parent = spendGenesis(t, genesis, 1, 10n * COIN);
  const child = signedP2pkh([{ txid: parent.getId(), vout: 0, value: 10n * COIN, key: t.keys[0]! }], [{ script: keyScript(t.keys[3]!), value: 10n * COIN - 1000n }]);
  const rival = spendGenesis(t, genesis, 1, 20n * COIN); // spends what parent spends
  const badSig = corrupt(spendGenesis(t, genesis, 2, COIN));
  const other = spendGenesis(t, genesis, 3, COIN);
  const calls: [string, unknown[]][] = [
    ['sendrawtransaction', [parent.toHex()]],
    ['sendrawtransaction', [child.toHex()]],
    ['sendrawtransaction', [parent.toHex()]],
    ['sendrawtransaction', [rival.toHex()]],
    ['sendrawtransaction', [badSig.toHex()]],
    ['sendrawtransaction', [other.toHex()]],
    ['getmempoolentry', [other.getId()]],
  ];
  const withWorkers = await batch(a.t, calls);
  const withoutWorkers = await batch(b.t, calls);
  assert.deepEqual(withWorkers, withoutWorkers);
  assert.deepEqual(
    withWorkers.slice(0, 6).map((r) => r.result ?? r.error?.data.code),
    [parent.getId(), child.getId(), parent.getId(), 'TX_MEMPOOL_CONFLICT', 'TX_SCRIPT_FAILED', other.getId()],
  );
  assert.equal((withWorkers[6]!.result as { ancestorcount: number }).ancestorcount, 1, 'the read after the writes sees them');
  assert.deepEqual(
    (await a.t.ok<string[]>('getrawmempool')).sort(),
    [parent.getId(), child.getId(), other.getId()].sort(),
  );
  const s = a.t.node.submitter.stats();
  assert.equal(s.workerVerified, 2, 'parent and other were verified by the worker');
  assert.equal(s.mainThread, 4, 'child (its coins were not there yet), the duplicate and the rival (queued clashes), the bad signature (rejected by the worker, judged again by acceptance)');
  assert.equal(s.pending, 0);
});

test('each accepted transaction is verified once: by a worker at submission, then a script cache hit at acceptance and in the block', async () => {
  const { t, genesis } = await node(1);
  const cache = t.node.scriptCache;
  const before = cache.stats();
  const txs = [1, 2, 3].map((v) => spendGenesis(t, genesis, v, COIN));
  const replies = await batch(t, txs.map((tx) => ['sendrawtransaction', [tx.toHex()]] as [string, unknown[]]));
  assert.deepEqual(
    replies.map((r) => r.result),
    txs.map((tx) => tx.getId()),
  );
  assert.equal(t.node.submitter.stats().workerVerified, 3);
  assert.equal(t.node.verifyPool!.stats().valid, 3, 'three worker verifications');
  assert.equal(t.produce().txCount, 4);
  const after = cache.stats();
  // A main-thread verification is a cache miss (acceptance or assembly found no entry); there were none.
  assert.equal(after.misses, before.misses, 'neither acceptance nor assembly verified a script again');
  assert.equal(after.hits, before.hits + 6, 'a hit at acceptance and one in the block, per transaction');
});

test('testmempoolaccept is a dry run: testing a better-paying transaction against a full mempool evicts nothing', async () => {
  const { t, genesis } = await node(0, { mempoolMaxBytes: 300 }); // room for one transaction
  const low = spendGenesis(t, genesis, 1, COIN, 1000n);
  const high = spendGenesis(t, genesis, 2, COIN, 50_000n);
  assert.equal(await t.ok('sendrawtransaction', [low.toHex()]), low.getId());
  const res = await t.ok<{ allowed: boolean }[]>('testmempoolaccept', [[high.toHex()]]);
  assert.equal(res[0]!.allowed, true);
  assert.deepEqual(await t.ok('getrawmempool'), [low.getId()], 'the pooled transaction is still there');
  assert.equal(await t.ok('sendrawtransaction', [high.toHex()]), high.getId(), 'a real submission does evict');
  assert.deepEqual(await t.ok('getrawmempool'), [high.getId()]);
});
