/**
 * `cchost devnet` end to end with real processes: 4 producers on 127.0.0.1 (turns of 4 slots of
 * 0.5 s to keep the run short). A transaction sent to one node becomes final on all four, with a
 * COMMIT certificate that another node verifies; SIGKILL of one producer — finality continues; of a
 * second — finality stops while the chain stays one chain; `devnet up` restarts both — they sync and
 * finality resumes. An observer on the P2P network records every signed vote the producers send and
 * checks that no producer, restarted or not, ever signed two blocks for one slot and phase.
 * Every process started here is stopped here; loopback only; every wait is bounded.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COIN } from '../../src/chain/params.ts';
import { chainIdBytes } from '../../src/chain/spec/canonical.ts';
import { parseChainSpecText } from '../../src/chain/spec/parse.ts';
import { BIP340 } from '../../src/consensus/scheme.ts';
import { checkVote } from '../../src/consensus/votes.ts';
import type { Vote } from '../../src/consensus/types.ts';
import { DEFAULT_PREFIXES } from '../../src/crypto/address.ts';
import { randomPrivateKey } from '../../src/crypto/secp256k1.ts';
import { P2PNode } from '../../src/net/network.ts';
import { devKeys } from '../../src/node/devKeys.ts';
import { nodePaths, readManifest, rpcUrl } from '../../src/node/devnet/layout.ts';
import { devnetDown, nodeProcessAlive } from '../../src/node/devnet/processes.ts';
import { createRpcClient } from '../../src/rpc/client.ts';
import { toHex } from '../../src/util/bytes.ts';
import { keyScript, signedP2pkh } from '../unit/node_fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'cchost-devnet-'));
const basePort = 20_000 + 2 * Math.floor(Math.random() * 15_000);
const ENV = { ...process.env, CCHOST_LOGLEVEL: 'info', CCHOST_VERIFY_WORKERS: '0' };
let observer: P2PNode | undefined;

after(async () => {
  await observer?.stop();
  try {
    await devnetDown(dir, { timeoutMs: 3000 });
  } catch {
    // no manifest: nothing started
  }
  try {
    for (const n of readManifest(dir).nodes) if (nodeProcessAlive(n.pid, nodePaths(dir, n.index).config)) process.kill(n.pid!, 'SIGKILL');
  } catch {
    // ignore
  }
  rmSync(dir, { recursive: true, force: true });
});

function cchost(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/cchost.mjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: ENV });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cchost ${args.join(' ')} timed out: ${out}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

async function rpc<T>(i: number, method: string, params: unknown[] = []): Promise<T> {
  const n = readManifest(dir).nodes[i]!;
  return createRpcClient({ url: rpcUrl(n), cookieFile: nodePaths(dir, i).cookie, timeoutMs: 5000 }).call<T>(method, params);
}

interface Info {
  readonly blocks: number;
  readonly lastirreversible: number;
  readonly lastirreversiblehash: string;
  readonly finality: { readonly equivocations_seen: number; readonly votes_sent: number };
}

const info = (i: number): Promise<Info> => rpc<Info>(i, 'getblockchaininfo');

async function waitFor<T>(what: string, ms: number, f: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${last !== undefined ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits until every node in `nodes` has its LIB at or above `lib`. */
function libsReach(nodes: readonly number[], lib: number, ms: number): Promise<number[]> {
  return waitFor(`LIB ≥ ${lib} on nodes ${nodes.join(',')}`, ms, async () => {
    const libs = await Promise.all(nodes.map(async (i) => (await info(i)).lastirreversible));
    return libs.every((l) => l >= lib) ? libs : undefined;
  });
}

function pidOf(i: number): number {
  return readManifest(dir).nodes[i]!.pid!;
}

test('cchost devnet: 4 producers finalize a transaction on all; finality survives one SIGKILL, stops at two with one chain, resumes after restart; nobody double-votes', async () => {
  const init = await cchost(['devnet', 'init', '--producers', '4', '--out', dir, '--base-port', String(basePort), '--turn-length', '4']);
  assert.equal(init.code, 0, init.out);
  assert.match(init.out, /node3\s+producer\s+producer3/);
  const spec = parseChainSpecText(readFileSync(join(dir, 'chain.json'), 'utf8'));
  assert.ok(spec.ok);
  assert.equal(spec.value.schedule.producers.length, 4);

  // an observer on the P2P network: every vote the producers send, checked against the schedule
  const votes = new Map<string, Map<string, Set<string>>>();
  const sets = { chainId: chainIdBytes(spec.value), active: spec.value.schedule };
  let badVotes = 0;
  const record = (v: Vote): void => {
    if (!checkVote(v, sets, BIP340).ok) {
      badVotes++;
      return;
    }
    const byVoter = votes.get(v.voter) ?? new Map<string, Set<string>>();
    votes.set(v.voter, byVoter);
    const k = `${v.phase}:${v.block.slot}`;
    const ids = byVoter.get(k) ?? new Set<string>();
    byVoter.set(k, ids);
    ids.add(toHex(v.block.id));
  };
  observer = new P2PNode(
    {
      chainId: chainIdBytes(spec.value),
      name: 'observer',
      privateKey: randomPrivateKey(),
      peers: [0, 1, 2, 3].map((i) => `127.0.0.1:${basePort + 2 * i + 1}`),
      producers: spec.value.schedule.producers,
      backoff: { initialMs: 100, maxMs: 500, factor: 2, jitter: 0.2 },
    },
    { onVote: (v) => (record(v), 'ignore') },
  );

  const up = await cchost(['devnet', 'up', '--dir', dir, '--timeout', '45'], 60_000);
  assert.equal(up.code, 0, up.out);
  assert.match(up.out, new RegExp(`http://127\\.0\\.0\\.1:${basePort}/`));
  await observer.start();
  await libsReach([0, 1, 2, 3], 3, 20_000);

  // a transaction sent to node0 is final on all four nodes
  const genesisTxid = (await rpc<{ tx: string[] }>(0, 'getblock', ['0', 1])).tx[0]!;
  const [k0, k1] = devKeys(2, DEFAULT_PREFIXES) as [ReturnType<typeof devKeys>[0], ReturnType<typeof devKeys>[0]];
  const tx = signedP2pkh([{ txid: genesisTxid, vout: 0, value: 1_000_000n * COIN, key: k0 }], [{ script: keyScript(k1), value: 1_000_000n * COIN - 10_000n }]);
  const txid = await rpc<string>(0, 'sendrawtransaction', [tx.toHex()]);
  const finalOn = await Promise.all(
    [0, 1, 2, 3].map((i) =>
      waitFor(`the transaction final on node${i}`, 15_000, async () => {
        const t = await rpc<{ blockhash?: string; height?: number }>(i, 'getrawtransaction', [txid, 1]);
        if (t.blockhash === undefined) return undefined;
        const b = await rpc<{ final: boolean; hash: string; commit_certificate: { hex: string } | null }>(i, 'getblock', [t.blockhash, 1]);
        return b.final && b.commit_certificate !== null ? b : undefined;
      }),
    ),
  );
  assert.equal(new Set(finalOn.map((b) => b.hash)).size, 1, 'the same block on every node');
  const check = await rpc<{ valid: boolean; proves_final: boolean; phase: string }>(2, 'verifycertificate', [finalOn[0]!.commit_certificate!.hex, finalOn[0]!.hash]);
  assert.deepEqual([check.valid, check.proves_final, check.phase], [true, true, 'COMMIT'], 'node2 verifies the certificate node0 served');

  // SIGKILL one producer: the other three keep finalizing
  process.kill(pidOf(3), 'SIGKILL');
  const l1 = (await info(0)).lastirreversible;
  await libsReach([0, 1, 2], l1 + 6, 20_000);

  // SIGKILL a second: the chain goes on, finality stops, and the two left agree on the final chain
  process.kill(pidOf(2), 'SIGKILL');
  await new Promise((r) => setTimeout(r, 1500));
  const stalled = await Promise.all([info(0), info(1)]);
  await new Promise((r) => setTimeout(r, 5000));
  const later = await Promise.all([info(0), info(1)]);
  for (let i = 0; i < 2; i++) assert.equal(later[i]!.lastirreversible, stalled[i]!.lastirreversible, `node${i}'s LIB stays while 2 of 4 producers are down`);
  assert.ok(Math.max(later[0]!.blocks, later[1]!.blocks) > Math.max(stalled[0]!.blocks, stalled[1]!.blocks), 'the chain keeps growing without finality');
  const lib2 = Math.min(later[0]!.lastirreversible, later[1]!.lastirreversible);
  assert.equal(await rpc<string>(0, 'getblockhash', [lib2]), await rpc<string>(1, 'getblockhash', [lib2]), 'one final chain');

  // restart both: they sync and finality resumes on all four
  const restart = await cchost(['devnet', 'up', '--dir', dir, '--timeout', '45'], 60_000);
  assert.equal(restart.code, 0, restart.out);
  assert.match(restart.out, /node2 .*started/);
  const restartSlot = Math.floor((Date.now() - spec.value.genesisTimeMs) / spec.value.slotMs);
  const resumed = await libsReach([0, 1, 2, 3], Math.max(later[0]!.lastirreversible, later[1]!.lastirreversible) + 4, 30_000);
  const top = Math.min(...resumed);
  const hashes = await Promise.all([0, 1, 2, 3].map((i) => rpc<string>(i, 'getblockhash', [top])));
  assert.equal(new Set(hashes).size, 1, 'all four agree on the final chain');

  // no double votes: the restarted nodes voted again, and never twice for one slot and phase
  await waitFor('votes of the restarted producers', 10_000, async () => {
    const seen = ['producer2', 'producer3'].every((name) => [...(votes.get(name)?.keys() ?? [])].some((k) => Number(k.split(':')[1]) > restartSlot));
    return seen ? true : undefined;
  });
  assert.equal(badVotes, 0, 'every observed vote verifies');
  let checked = 0;
  for (const [voter, byKey] of votes) {
    for (const [k, ids] of byKey) {
      checked++;
      assert.equal(ids.size, 1, `${voter} signed ${ids.size} blocks for ${k}`);
    }
  }
  assert.ok(checked > 40, `votes observed: ${checked}`);
  for (let i = 0; i < 4; i++) assert.equal((await info(i)).finality.equivocations_seen, 0, `node${i} saw no double vote or double block`);

  const down = await cchost(['devnet', 'down', '--dir', dir, '--timeout', '10'], 30_000);
  assert.equal(down.code, 0, down.out);
  assert.doesNotMatch(down.out, /killed/, 'every node stopped on SIGTERM');
});
