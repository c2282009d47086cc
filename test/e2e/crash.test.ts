/**
 * Crash safety of `cchost dev`: a node producing blocks while it accepts transactions (wallet payments
 * and batches of raw P2PKH transactions) is killed with SIGKILL a few milliseconds after a slot starts,
 * i.e. while it assembles, commits or has just committed a block. Then:
 *   - right after the kill, the store opened by this process passes the full consistency check (the
 *     UTXO set, spent index and undo records equal a replay of the block log; SQLite's quick_check);
 *   - the restarted node still has every block that was final before the kill, with the same hash, and
 *     every transaction seen mined in a final block, in the same block;
 *   - it goes on producing (no slot signed twice: the hashes of old heights never change).
 * Three kill cycles, then a clean stop and a last consistency check. Every child is killed at the end,
 * whatever happens.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transaction } from 'bitcoinjs-lib';
import { chainIdBytes } from '../../src/chain/spec/canonical.ts';
import { encodeAddress } from '../../src/crypto/address.ts';
import { hash160, sha256 } from '../../src/crypto/hash.ts';
import { ecdsaSign, publicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { readDatadirSpec } from '../../src/node/specFile.ts';
import { p2pkhScript } from '../../src/script/builder.ts';
import { legacySighash } from '../../src/script/sighash.ts';
import { openStore } from '../../src/store/store.ts';
import { concatBytes, fromHex, utf8 } from '../../src/util/bytes.ts';
import { unwrap } from '../../src/util/errors.ts';
import { killRunning, startDev } from './devProcess.ts';
import type { DevLine } from './devProcess.ts';

const CYCLES = 3;
const LOAD_MS = 2000;
/** Milliseconds after a slot start at which each cycle's SIGKILL lands. */
const KILL_OFFSETS_MS = [2, 6, 15];

type Json = { result?: unknown; error?: { code: number; message: string; data?: { code?: string } } };

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** A JSON-RPC client of one node life: single calls and batches, with the cookie of that life. */
function client(line: DevLine) {
  const auth = `Basic ${Buffer.from(readFileSync(line.cookieFile, 'utf8').trim()).toString('base64')}`;
  const post = async (body: unknown): Promise<unknown> => {
    const res = await fetch(line.rpcUrl, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    return res.json();
  };
  return {
    call: async <T>(method: string, params: unknown[] = []): Promise<T> => {
      const r = (await post({ jsonrpc: '2.0', id: 1, method, params })) as Json;
      if (r.error !== undefined) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
      return r.result as T;
    },
    batch: async (calls: readonly [string, unknown[]][]): Promise<Json[]> => (await post(calls.map(([method, params], id) => ({ jsonrpc: '2.0', id, method, params })))) as Json[],
  };
}

/** The P2PKH script of a private key. */
function scriptOf(priv: Uint8Array): Uint8Array {
  return p2pkhScript(hash160(publicKeyFromPrivate(priv, true)));
}

/** A P2PKH spend of one coin of `priv`'s key into `outputs` equal outputs to `to`. */
function split(coin: { txid: string; outputIndex: number; satoshis: number }, priv: Uint8Array, outputs: number, to: Uint8Array = scriptOf(priv)): Transaction {
  const pub = publicKeyFromPrivate(priv, true);
  const script = scriptOf(priv);
  const fee = BigInt(200 + 34 * outputs);
  const each = (BigInt(coin.satoshis) - fee) / BigInt(outputs);
  const tx = new Transaction();
  tx.version = 1;
  tx.addInput(Buffer.from(coin.txid, 'hex').reverse(), coin.outputIndex);
  for (let i = 0; i < outputs; i++) tx.addOutput(Buffer.from(to), each);
  const der = concatBytes(ecdsaSign(legacySighash(tx, 0, script, 1), priv), Uint8Array.of(1));
  tx.setInputScript(0, Buffer.from(concatBytes(Uint8Array.of(der.length), der, Uint8Array.of(pub.length), pub)));
  return tx;
}

function checkStore(datadir: string): { height: number; txs: number } {
  const spec = readDatadirSpec(datadir)!;
  const store = unwrap(openStore(datadir, { chainId: chainIdBytes(spec), chainName: spec.name }));
  try {
    const report = store.verifyConsistency({ sqlite: true });
    assert.ok(report.ok, `the store is consistent after the crash: ${report.problems.join('; ')}`);
    return { height: report.height, txs: report.txs };
  } finally {
    store.close();
  }
}

test('SIGKILL while producing and accepting: no final block or mined transaction lost, the store equals a replay of its block log', { timeout: 120_000 }, async (t) => {
  const datadir = mkdtempSync(join(tmpdir(), 'cchost-crash-'));
  const children = new Set<ChildProcess>();
  t.after(() => {
    killRunning(children);
    rmSync(datadir, { recursive: true, force: true });
  });

  const finalBlocks = new Map<number, string>(); // height → hash, seen final before a kill
  const minedTxs = new Map<string, string>(); // txid → block hash, seen in a final block
  const submitted = new Set<string>();
  let wallet = 0;
  let raw = 0;

  /** Everything recorded before is still there, unchanged. */
  const checkRecorded = async (rpc: ReturnType<typeof client>): Promise<void> => {
    for (const [h, hash] of finalBlocks) assert.equal(await rpc.call<string>('getblockhash', [h]), hash, `final block ${h} survived the crash`);
    const calls = [...minedTxs.keys()].map((id) => ['getrawtransaction', [id, 1]] as [string, unknown[]]);
    for (let i = 0; i < calls.length; i += 200) {
      const replies = await rpc.batch(calls.slice(i, i + 200));
      replies.forEach((r, j) => {
        const id = calls[i + j]![1][0] as string;
        assert.equal(r.error, undefined, `mined transaction ${id} survived the crash`);
        assert.equal((r.result as { blockhash?: string }).blockhash, minedTxs.get(id), `${id} is still in the same block`);
      });
    }
  };

  try {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const node = await startDev(datadir, children, { keys: 4, stderrTail: 20_000 });
      const rpc = client(node.line);
      if (cycle > 0) await checkRecorded(rpc);
      const spec = readDatadirSpec(datadir)!;
      const keys = node.line.keys;
      // Raw transactions spend coins of a key the node's wallet does not hold, so the two never race
      // for a coin. Cycle 0 funds it from dev key 3 with one fan-out transaction.
      const rawKey = sha256(utf8('cchost crash test key'));
      const rawAddress = encodeAddress('pubkeyhash', hash160(publicKeyFromPrivate(rawKey, true)), spec.prefixes);
      if (cycle === 0) {
        const [g] = await rpc.call<{ txid: string; outputIndex: number; satoshis: number }[]>('getaddressutxos', [{ addresses: [keys[3]!.address] }]);
        const fan = split(g!, fromHex(keys[3]!.privateKey), 100, scriptOf(rawKey));
        await rpc.call('sendrawtransaction', [fan.toHex()]);
        const deadline = Date.now() + 10_000;
        while ((await rpc.call<{ blockhash?: string }>('getrawtransaction', [fan.getId(), 1])).blockhash === undefined) {
          if (Date.now() > deadline) throw new Error('the funding transaction was not mined');
          await sleep(100);
        }
      }
      let stop = false;
      const spentThisLife = new Set<string>();

      const walletLoop = async (): Promise<void> => {
        for (let i = 0; !stop; i++) {
          const id = await rpc.call<string>('sendtoaddress', [keys[i % 3]!.address, 0.01]);
          submitted.add(id);
          wallet++;
        }
      };
      const rawLoop = async (): Promise<void> => {
        while (!stop) {
          const coins = (await rpc.call<{ txid: string; outputIndex: number; satoshis: number }[]>('getaddressutxos', [{ addresses: [rawAddress] }]))
            .filter((c) => !spentThisLife.has(`${c.txid}:${c.outputIndex}`) && c.satoshis > 100_000)
            .slice(0, 60);
          if (coins.length > 0) {
            const txs = coins.map((c) => split(c, rawKey, coins.length === 1 ? 100 : 2));
            for (const c of coins) spentThisLife.add(`${c.txid}:${c.outputIndex}`);
            const replies = await rpc.batch(txs.map((tx) => ['sendrawtransaction', [tx.toHex()]]));
            replies.forEach((r, i) => {
              if (r.error !== undefined) throw new Error(`raw transaction refused: ${r.error.message}`);
              submitted.add(txs[i]!.getId());
              raw++;
            });
          }
          await sleep(60);
        }
      };
      const observer = async (): Promise<void> => {
        let seen = Math.max(-1, ...finalBlocks.keys());
        while (!stop) {
          const info = await rpc.call<{ blocks: number; lastirreversible: number }>('getblockchaininfo');
          for (let h = seen + 1; h <= info.lastirreversible; h++) {
            const hash = await rpc.call<string>('getblockhash', [h]);
            const block = await rpc.call<{ tx: string[] }>('getblock', [hash, 1]);
            finalBlocks.set(h, hash);
            for (const id of block.tx) if (submitted.has(id)) minedTxs.set(id, hash);
            seen = h;
          }
          await sleep(100);
        }
      };
      // The loops end with errors when the node dies under them; that is the point.
      const loops = [walletLoop(), rawLoop(), observer()].map((p) =>
        p.catch((e: unknown) => {
          if (!stop) throw e;
        }),
      );
      const failed = Promise.race(loops.map((p) => p.then(() => new Promise<never>(() => {}))));
      await Promise.race([sleep(LOAD_MS), failed]);

      // SIGKILL a few milliseconds into a slot: the producer is assembling or committing its block.
      const now = Date.now();
      const nextSlot = spec.genesisTimeMs + (Math.floor((now - spec.genesisTimeMs) / spec.slotMs) + 1) * spec.slotMs;
      await sleep(nextSlot + KILL_OFFSETS_MS[cycle]! - Date.now());
      stop = true;
      node.child.kill('SIGKILL');
      assert.deepEqual(await node.exit, { code: null, signal: 'SIGKILL' });
      await Promise.all(loops);

      const after = checkStore(datadir);
      const highestFinal = Math.max(...finalBlocks.keys());
      assert.ok(after.height >= highestFinal, `the store's tip ${after.height} is not below the last final block seen (${highestFinal})`);
    }

    // A last life: everything is there, production goes on, and a clean stop leaves a consistent store.
    const node = await startDev(datadir, children, { keys: 4, stderrTail: 20_000 });
    const rpc = client(node.line);
    await checkRecorded(rpc);
    const tip = await rpc.call<number>('getblockcount');
    const deadline = Date.now() + 10_000;
    while ((await rpc.call<number>('getblockcount')) <= tip) {
      if (Date.now() > deadline) throw new Error(`no block after the restart: ${node.stderr()}`);
      await sleep(100);
    }
    node.child.kill('SIGTERM');
    assert.deepEqual(await node.exit, { code: 0, signal: null }, node.stderr());
    const last = checkStore(datadir);
    assert.ok(last.height > tip);

    t.diagnostic(`${CYCLES} SIGKILLs; ${wallet} wallet payments and ${raw} raw transactions accepted, ${minedTxs.size} seen mined in ${finalBlocks.size} final blocks; tip ${last.height}, ${last.txs} transactions replayed`);
    // The test is not vacuous: transactions of both kinds were accepted, and many were mined.
    assert.ok(wallet >= 10 && raw >= 50, `load: ${wallet} wallet payments, ${raw} raw transactions`);
    assert.ok(minedTxs.size >= 50, `only ${minedTxs.size} transactions were seen mined`);
    assert.ok(finalBlocks.size >= 6);
  } finally {
    killRunning(children);
  }
});
