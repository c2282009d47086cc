/**
 * Fixture of the node and RPC method tests: a real in-process node on a temp datadir (dev spec, funded
 * dev keys, the dev producer with a fake clock and manual production), its method table served by
 * `buildRpcServer` without auth for `inject`, and helpers to call JSON-RPC/REST and to sign raw
 * P2PKH transactions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transaction } from 'bitcoinjs-lib';
import type { FastifyInstance } from 'fastify';
import type { Module } from '../../src/cc/host/module.ts';
import type { ModuleJson } from '../../src/chain/spec/defaults.ts';
import type { ChainSpec } from '../../src/chain/spec/types.ts';
import { hash160 } from '../../src/crypto/hash.ts';
import { ecdsaSign } from '../../src/crypto/secp256k1.ts';
import { createNode } from '../../src/node/createNode.ts';
import type { Node, NodeConfig } from '../../src/node/createNode.ts';
import { devProducerKey, devWalletSeed } from '../../src/node/devKeys.ts';
import type { DevKey } from '../../src/node/devKeys.ts';
import { devChainFor } from '../../src/node/devChain.ts';
import { SILENT_LOGGER } from '../../src/node/log.ts';
import type { ProducedBlock } from '../../src/node/producer.ts';
import { buildRpcServer } from '../../src/rpc/server.ts';
import { p2pkhScript } from '../../src/script/builder.ts';
import { legacySighash } from '../../src/script/sighash.ts';
import { concatBytes, toHex } from '../../src/util/bytes.ts';
import { unwrap } from '../../src/util/errors.ts';

/** Genesis time of fixture chains (fixed, so ids are reproducible). */
export const T0 = 1_735_689_600_000;

/** A JSON-RPC error as the server sends it. */
export interface RpcErr {
  readonly code: number;
  readonly message: string;
  readonly data: { readonly code: string; readonly details?: Record<string, unknown>; readonly hint?: string; readonly module?: string };
}

/** A 2.0 reply. */
export type Reply = { readonly result?: unknown; readonly error?: RpcErr };

/** A started test node. */
export interface TestNode {
  readonly node: Node;
  readonly dir: string;
  readonly keys: readonly DevKey[];
  readonly app: FastifyInstance;
  /** The fake clock; advance it with `clock.ms += ...`. */
  readonly clock: { ms: number };
  /** JSON-RPC 2.0 call; returns the reply object. */
  call(method: string, params?: unknown): Promise<Reply>;
  /** JSON-RPC call that must succeed; returns the result. */
  ok<T = unknown>(method: string, params?: unknown): Promise<T>;
  /** JSON-RPC call that must fail; returns the error. */
  fail(method: string, params?: unknown): Promise<RpcErr>;
  /** Produces the next block (the producer's next slot). */
  produce(): ProducedBlock;
  /** Stops the node and removes the datadir. */
  close(): Promise<void>;
}

/** Options of `startTestNode`. */
export interface TestNodeOptions {
  readonly keys?: number;
  readonly spec?: ChainSpec;
  readonly modules?: readonly Module[];
  /** Modules the dev spec enables (spec file form). */
  readonly specModules?: readonly ModuleJson[];
  readonly dir?: string;
  readonly keepDir?: boolean;
  readonly config?: Partial<NodeConfig>;
}

/** Starts a node in a temp datadir (RPC server off: the table is served through `inject`). */
export async function startTestNode(o: TestNodeOptions = {}): Promise<TestNode> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'cchost-node-'));
  const dev = devChainFor(dir, o.keys ?? 3, T0, o.specModules);
  const spec = o.spec ?? dev.spec;
  const keys = o.spec === undefined ? dev.keys : [];
  const clock = { ms: T0 + 10_000 };
  const producerKey = devProducerKey();
  const node = await createNode({
    datadir: dir,
    spec,
    producer: { privateKey: producerKey, autoStart: false },
    rpc: { enabled: false },
    wallet: { seed: devWalletSeed(), importKeys: keys.map((k) => ({ key: toHex(k.privateKey), label: `dev${k.index}` })) },
    log: SILENT_LOGGER,
    now: () => clock.ms,
    ...(o.modules !== undefined ? { modules: o.modules } : {}),
    ...o.config,
  }).catch((e: unknown) => {
    if (o.dir === undefined) rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  const app = buildRpcServer({ table: node.table, auth: { mode: 'none' } });
  const call = async (method: string, params: unknown = []): Promise<Reply> => {
    const res = await app.inject({ method: 'POST', url: '/', payload: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    return res.json() as Reply;
  };
  return {
    node,
    dir,
    keys,
    app,
    clock,
    call,
    ok: async <T>(method: string, params?: unknown) => {
      const r = await call(method, params);
      if (r.error !== undefined) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
      return r.result as T;
    },
    fail: async (method: string, params?: unknown) => {
      const r = await call(method, params);
      if (r.error === undefined) throw new Error(`${method} succeeded: ${JSON.stringify(r.result).slice(0, 200)}`);
      return r.error;
    },
    produce: () => {
      const p = node.producer!;
      const slot = Math.max(p.lastProducedSlot, node.ctx.tip().slot) + 1;
      clock.ms = Math.max(clock.ms, T0 + slot * spec.slotMs);
      return unwrap(p.produceAt(slot));
    },
    close: async () => {
      await app.close();
      await node.stop();
      if (o.keepDir !== true) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A coin to spend: outpoint in display order and what it holds. */
export interface SpendCoin {
  readonly txid: string;
  readonly vout: number;
  readonly value: bigint;
  readonly key: DevKey;
}

/** A P2PKH transaction spending `coins` (each signed by its key, SIGHASH_ALL) to `outputs`. */
export function signedP2pkh(coins: readonly SpendCoin[], outputs: readonly { script: Uint8Array; value: bigint }[]): Transaction {
  const tx = new Transaction();
  tx.version = 1;
  for (const c of coins) tx.addInput(Buffer.from(c.txid, 'hex').reverse(), c.vout, 0xffffffff);
  for (const o of outputs) tx.addOutput(Buffer.from(o.script), o.value);
  coins.forEach((c, i) => {
    const script = p2pkhScript(hash160(c.key.publicKey));
    const sig = concatBytes(ecdsaSign(legacySighash(tx, i, script, 1), c.key.privateKey), Uint8Array.of(1));
    tx.setInputScript(i, Buffer.from(concatBytes(Uint8Array.of(sig.length), sig, Uint8Array.of(c.key.publicKey.length), c.key.publicKey)));
  });
  return tx;
}

/** P2PKH output script of a dev key. */
export function keyScript(k: DevKey): Uint8Array {
  return p2pkhScript(hash160(k.publicKey));
}
