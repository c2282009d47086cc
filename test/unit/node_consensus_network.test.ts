/**
 * Networked nodes in one process on loopback (real P2P, real clock, turns of 2 slots): 4 producers —
 * one with its clock 1 s ahead — plus a full node and a light node. Blocks become final on all six;
 * the skewed producer, once it has seen a few blocks, refuses to produce but still votes; the full and light nodes follow the
 * certificates without ever voting; a transaction sent to the full node is relayed, mined and final on
 * the light node; getblock's COMMIT certificate verifies through verifycertificate, a tampered one
 * does not; getblockchaininfo reports participation per producer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COIN } from '../../src/chain/params.ts';
import { genesisDelta } from '../../src/chain/state/delta.ts';
import { DEFAULT_PREFIXES } from '../../src/crypto/address.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { createNode } from '../../src/node/createNode.ts';
import type { Node } from '../../src/node/createNode.ts';
import { devKeys } from '../../src/node/devKeys.ts';
import { devnetSpec } from '../../src/node/devnet/spec.ts';
import { SILENT_LOGGER } from '../../src/node/log.ts';
import { buildRpcServer } from '../../src/rpc/server.ts';
import { toHex, utf8 } from '../../src/util/bytes.ts';
import { waitFor } from '../helpers/waitFor.ts';
import { keyScript, signedP2pkh } from './node_fixture.ts';

const producers = ['producer0', 'producer1', 'producer2', 'producer3'].map((name) => ({ name, privateKey: sha256(utf8(`network test ${name}`)) }));

test('producers, a full node and a light node on loopback: final blocks everywhere, a skewed clock refuses to produce, followers never vote, certificates verify', async () => {
  const spec = devnetSpec({ producers, genesisTimeMs: Math.floor(Date.now() / 1000) * 1000 - 5000, turnLength: 2, fundedKeys: 2 });
  const base = 30_000 + 2 * Math.floor(Math.random() * 10_000);
  const roles = ['p', 'p', 'p', 'p', 'full', 'light'] as const;
  const ports = roles.map((_, i) => base + i);
  const dirs: string[] = [];
  const nodes: Node[] = [];
  try {
    for (let i = 0; i < roles.length; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'cchost-net-'));
      dirs.push(dir);
      const skew = i === 3 ? 1000 : 0;
      nodes.push(
        await createNode({
          datadir: dir,
          spec,
          ...(roles[i] === 'p' ? { producer: { privateKey: producers[i]!.privateKey } } : {}),
          network: {
            listen: { port: ports[i]! },
            peers: ports.filter((_, j) => j !== i).map((p) => `127.0.0.1:${p}`),
            light: roles[i] === 'light',
            name: roles[i] === 'p' ? undefined : roles[i],
            tuning: { backoff: { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.2 } },
          },
          rpc: { enabled: false },
          wallet: { enabled: false },
          log: SILENT_LOGGER,
          verifyWorkers: 0,
          now: () => Date.now() + skew,
        } as Parameters<typeof createNode>[0]),
      );
    }
    const apps = nodes.map((n) => buildRpcServer({ table: n.table, auth: { mode: 'none' } }));
    const call = async <T>(i: number, method: string, params: unknown[] = []): Promise<T> => {
      const res = await apps[i]!.inject({ method: 'POST', url: '/', payload: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
      const body = res.json() as { result?: T; error?: { message: string } };
      if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`);
      return body.result as T;
    };

    await waitFor('LIB ≥ 6 on all six nodes', 25_000, () => (nodes.every((n) => n.network!.engine.db.lib.num >= 6) ? true : undefined));
    const lib = Math.min(...nodes.map((n) => n.network!.engine.db.lib.num));
    const ids = new Set(nodes.map((n) => toHex(n.store.getHeader(lib)!.id)));
    assert.equal(ids.size, 1, 'one final chain on all six');

    const full = nodes[4]!.network!.engine.status();
    const light = nodes[5]!.network!.engine.status();
    assert.deepEqual([full.mode, full.votesSent, light.mode, light.votesSent], ['full', 0, 'light', 0], 'followers never vote');

    // the producer whose clock is 1 s ahead
    const skewed = await waitFor('the skewed producer to notice', 15_000, () => {
      const s = nodes[3]!.network!.engine.status();
      const p = nodes[3]!.network!.producer!;
      return s.clock.skewed && p.lastRefusal?.reason === 'clock-skew' ? { s, p } : undefined;
    });
    assert.ok(skewed.s.clock.offsetMs! > 700, `offset estimate ${skewed.s.clock.offsetMs} ms`);
    const producedThen = skewed.p.produced;
    const refusedAt = skewed.p.lastRefusal!.slot;
    await waitFor('another turn of the skewed producer', 10_000, () => (skewed.p.lastRefusal!.slot > refusedAt + 2 ? true : undefined));
    assert.equal(skewed.p.lastRefusal!.reason, 'clock-skew');
    assert.equal(skewed.p.produced, producedThen, 'once it noticed, it produced nothing more');
    assert.ok(nodes[3]!.network!.engine.votesSent > skewed.s.votesSent, 'it still votes (safety reads no clock)');
    for (const i of [0, 1, 2]) assert.equal(nodes[i]!.network!.engine.clock.estimate(Date.now()).skewed, false, `producer${i}'s clock is fine`);
    const info = await call<{ finality: { participation: { name: string; produced: number; voted_blocks: number }[] } }>(4, 'getblockchaininfo');
    const p3 = info.finality.participation.find((p) => p.name === 'producer3')!;
    assert.ok(p3.voted_blocks > 0, `participation of producer3: ${JSON.stringify(p3)}`);
    const infoText = await call<{ errors: string }>(3, 'getinfo');
    assert.match(infoText.errors, /clock is off/);

    // a transaction sent to the full node is final on the light node
    const [k0, k1] = devKeys(2, DEFAULT_PREFIXES) as [ReturnType<typeof devKeys>[0], ReturnType<typeof devKeys>[0]];
    const gtx = toHex(Uint8Array.from(genesisDelta(spec).txids[0]!).reverse());
    const tx = signedP2pkh([{ txid: gtx, vout: 0, value: 1_000_000n * COIN, key: k0 }], [{ script: keyScript(k1), value: 1_000_000n * COIN - 10_000n }]);
    const txid = await call<string>(4, 'sendrawtransaction', [tx.toHex()]);
    const mined = await waitFor('the transaction final on the light node', 15_000, async () => {
      const t = await call<{ blockhash?: string }>(5, 'getrawtransaction', [txid, 1]).catch(() => undefined);
      if (t?.blockhash === undefined) return undefined;
      const b = await call<{ final: boolean; hash: string; commit_certificate: { hex: string; on_this_block: boolean } | null }>(5, 'getblock', [t.blockhash, 1]);
      return b.final && b.commit_certificate !== null ? b : undefined;
    });
    const good = await call<{ valid: boolean; proves_final: boolean }>(5, 'verifycertificate', [mined.commit_certificate!.hex, mined.hash]);
    assert.deepEqual([good.valid, good.proves_final], [true, true]);
    const hex = mined.commit_certificate!.hex;
    const tampered = `${hex.slice(0, -8)}${(parseInt(hex.slice(-8, -6), 16) ^ 1).toString(16).padStart(2, '0')}${hex.slice(-6)}`;
    const bad = await call<{ valid: boolean; reason?: string }>(0, 'verifycertificate', [tampered]);
    assert.equal(bad.valid, false, 'a flipped signature bit fails');
    const fin = await call<{ mode: string; lib: { height: number }; proposed_lib: { height: number }; schedule: { producers: unknown[] } }>(5, 'getfinalityinfo');
    assert.equal(fin.mode, 'light');
    assert.ok(fin.proposed_lib.height >= fin.lib.height);
    assert.equal(fin.schedule.producers.length, 4);
    for (const a of apps) await a.close();
  } finally {
    for (const n of nodes) await n.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
