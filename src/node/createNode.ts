/**
 * The one composition root (STYLE.md example 3): `createNode(config)` builds the node's parts in
 * order and `node.stop()` closes them in reverse.
 *
 *   chain spec (datadir's chain.json, written on first start) → store (takes the datadir lock;
 *   genesis connected when empty) → chain index → CC host and module registry → script cache and
 *   mempool → transaction submitter and its signature-verification threads → wallet (keystore in the datadir) → producer (slot clock) → RPC server (cookie, /health)
 *
 * Anything that fails to start closes what already started and throws a `CchostError` whose message
 * names the fix (STORE_LOCKED: "datadir /x is in use by process 4121; stop it or pass --datadir").
 */
import type { Transaction } from 'bitcoinjs-lib';
import { createCcHost } from '../cc/host/host.ts';
import type { CcHost } from '../cc/host/host.ts';
import type { Module } from '../cc/host/module.ts';
import type { HostLookups } from '../cc/host/view.ts';
import type { MempoolContext } from '../chain/mempool/mempool.ts';
import { Mempool } from '../chain/mempool/mempool.ts';
import { chainId, chainIdBytes } from '../chain/spec/canonical.ts';
import type { ChainSpec } from '../chain/spec/types.ts';
import { genesisDelta } from '../chain/state/delta.ts';
import { displayTxid } from '../chain/state/key.ts';
import { txidOf } from '../chain/state/txid.ts';
import { parseTransaction } from '../chain/transaction.ts';
import { ScriptCache } from '../chain/validation/scriptCache.ts';
import { hash160 } from '../crypto/hash.ts';
import { publicKeyFromPrivate, xOnlyPublicKeyFromPrivate } from '../crypto/secp256k1.ts';
import type { AnyMethod } from '../rpc/method.ts';
import type { NodeContext, SubmitOptions } from '../rpc/methods/context.ts';
import { nodeMethodTable } from '../rpc/methods/index.ts';
import type { MethodTable } from '../rpc/table.ts';
import { p2pkhScript } from '../script/builder.ts';
import { openStore } from '../store/store.ts';
import type { Store } from '../store/types.ts';
import { equalBytes } from '../util/bytes.ts';
import { CchostError, unwrap } from '../util/errors.ts';
import { indexCoinSource } from '../wallet/coinSources.ts';
import { Keystore } from '../wallet/keystore.ts';
import { Wallet } from '../wallet/wallet.ts';
import { NODE_RUNTIME_FLAGS, runtimeFlagsActive } from './runtimeFlags.ts';
import { ChainState } from './chainState.ts';
import { NodeErrorCode, nodeError } from './errors.ts';
import { createLogger } from './log.ts';
import type { Logger } from './log.ts';
import { DispatchRecorder, hasIndexHooks, moduleIndexHooks } from './moduleHooks.ts';
import { Producer } from './producer.ts';
import { NetworkedNode } from './p2p.ts';
import type { NetworkNodeConfig } from './p2p.ts';
import type { NodeParts } from './parts.ts';
import { finalityView } from './consensus/view.ts';
import type { FinalityNodeContext, FinalityView } from '../rpc/methods/finalityView.ts';
import { listenRpc } from './rpcListen.ts';
import type { HealthReport, RpcListener } from './rpcListen.ts';
import { datadirSpec } from './specFile.ts';
import { TxSubmitter } from './txSubmitter.ts';
import { VerifyPool, defaultVerifyWorkers } from './verifyPool.ts';
import { cchostVersion } from './version.ts';

/** How the node produces blocks. */
export interface ProducerConfig {
  /** The BIP-340 private key of a producer in the chain's schedule. */
  readonly privateKey: Uint8Array;
  /** Where the coinbase pays (default: P2PKH of the producer key's compressed public key). */
  readonly payTo?: Uint8Array;
  /** Run the slot clock (default true); false leaves production to `node.producer.produceAt` (tests). */
  readonly autoStart?: boolean;
  /** Cap on a block's bytes below the chain's limit. */
  readonly maxBlockBytes?: number;
}

/** RPC server settings. */
export interface RpcConfig {
  /** Serve RPC (default true). */
  readonly enabled?: boolean;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 7780; 0 picks a free port. */
  readonly port?: number;
  readonly user?: string;
  readonly password?: string;
  /** Write `<datadir>/.cookie` (default true). */
  readonly cookie?: boolean;
}

/** Wallet settings. */
export interface WalletConfig {
  /** Open the wallet (default true). */
  readonly enabled?: boolean;
  /** Derivation seed of a new wallet (default random; `cchost dev` passes its fixed seed). */
  readonly seed?: Uint8Array;
  /** Keys to import on every start (hex or WIF), with labels (importing a held key changes nothing). */
  readonly importKeys?: readonly { readonly key: string; readonly label: string }[];
}

/** Everything `createNode` needs (see `resolveNodeConfig` for defaults < file < env < flags). */
export interface NodeConfig {
  readonly datadir: string;
  /** The chain to run; optional when the datadir already holds its chain.json (then it must match). */
  readonly spec?: ChainSpec;
  readonly producer?: ProducerConfig;
  /**
   * Run on the network (P2P, consensus engine with votes and certificates, fork database): required
   * for a chain of several producers. Without it a schedule of one finalizes alone (`cchost dev`).
   */
  readonly network?: NetworkNodeConfig;
  readonly rpc?: RpcConfig;
  readonly wallet?: WalletConfig;
  /** Modules this node has; the chain's `cc.modules` picks among them (default none). */
  readonly modules?: readonly Module[];
  readonly log?: Logger;
  /** Wall clock (unix ms) of the slot clock and mempool entry times (tests pass a fake one). */
  readonly now?: () => number;
  /** Mempool byte limit (default 100 MB). */
  readonly mempoolMaxBytes?: number;
  /**
   * Worker threads verifying transaction signatures for the mempool (default `defaultVerifyWorkers()`:
   * env CCHOST_VERIFY_WORKERS, else one per CPU beyond the first); 0 verifies on the main thread.
   */
  readonly verifyWorkers?: number;
  /** Called when the `stop` RPC asks the node to shut down (default: `node.stop()`). */
  readonly onStopRequested?: () => void;
}

/** A running node. */
export interface Node {
  readonly spec: ChainSpec;
  readonly datadir: string;
  readonly store: Store;
  readonly ctx: NodeContext;
  readonly table: MethodTable;
  readonly producer: Producer | undefined;
  /** The networked part (engine, P2P, slot producer) when `config.network` was given. */
  readonly network: NetworkedNode | undefined;
  readonly wallet: Wallet | undefined;
  readonly rpc: RpcListener | undefined;
  /** Scripts verified at mempool entry, shared with block assembly. */
  readonly scriptCache: ScriptCache;
  /** The mempool's front door (RPC submissions, in order, signatures verified by `verifyPool`). */
  readonly submitter: TxSubmitter;
  /** Signature verification threads (undefined with `verifyWorkers: 0`). */
  readonly verifyPool: VerifyPool | undefined;
  readonly log: Logger;
  /** Resolves once `stop()` has closed everything. */
  readonly stopped: Promise<void>;
  /** Closes every part in reverse order of start; idempotent. */
  stop(): Promise<void>;
}

interface Closer {
  readonly name: string;
  close(): void | Promise<void>;
}

function startError(e: unknown): CchostError {
  if (e instanceof CchostError) return e;
  return nodeError(NodeErrorCode.START_FAILED, `the node failed to start: ${e instanceof Error ? e.message : String(e)}`);
}

/** Opens the store (connecting genesis into an empty one) and loads the chain index. */
function openChain(datadir: string, spec: ChainSpec, log: Logger): { store: Store; chain: ChainState } {
  const store = unwrap(openStore(datadir, { chainId: chainIdBytes(spec), chainName: spec.name }));
  try {
    if (store.height() < 0) {
      unwrap(store.connectBlock(genesisDelta(spec)));
      unwrap(store.setLib(0));
      log.info('genesis connected', { chain: spec.name, chainId: chainId(spec) });
    }
    return { store, chain: ChainState.load(store, spec) };
  } catch (e) {
    store.close();
    throw e;
  }
}

/** Confirmed transactions and spenders from the store, for the modules' `TxView`. */
function storeLookups(store: Store): HostLookups {
  return {
    confirmedTx: (txid) => {
      const t = store.getTx(txid);
      if (t === undefined) return undefined;
      const p = parseTransaction(t.bytes);
      return p.ok ? p.value : undefined;
    },
    spender: (txid, vout) => {
      const s = store.getSpentInfo({ txid, vout });
      return s === undefined ? undefined : { txid: s.txid, vin: s.vin };
    },
  };
}

function buildCcHost(spec: ChainSpec, modules: readonly Module[], store: Store, lookups: HostLookups, log: Logger): CcHost | undefined {
  if (!spec.cc.enabled) return undefined;
  const r = createCcHost({
    chain: spec,
    modules,
    index: (name) => store.moduleIndex(name),
    ...lookups,
    onModuleFault: (f) => log.error('a module threw or answered malformed', { fault: f }),
  });
  if (!r.ok) {
    const have = modules.map((m) => `${m.name} v${m.version}`).join(', ') || 'none';
    throw nodeError(NodeErrorCode.MODULES, `the chain's module list cannot be served: ${r.error.message} (modules in this node: ${have}); run a cchost with those modules`, {
      cause: r.error.code,
    });
  }
  return r.value;
}

function producerName(spec: ChainSpec, privateKey: Uint8Array): string {
  const key = xOnlyPublicKeyFromPrivate(privateKey);
  const entry = spec.schedule.producers.find((p) => equalBytes(p.key, key));
  if (entry === undefined) {
    throw nodeError(NodeErrorCode.BAD_PRODUCER_KEY, `the producer key is not in the chain's schedule (${spec.schedule.producers.map((p) => p.name).join(', ')}); pass the key of a listed producer`);
  }
  return entry.name;
}

/** Wraps a method so an untyped exception is logged with its stack (the reply still says -1 with the request id). */
function logged(log: Logger): (m: AnyMethod) => AnyMethod {
  return (m) => ({
    ...m,
    handler: async (params, ctx) => {
      try {
        return await m.handler(params, ctx);
      } catch (e) {
        if (!(e instanceof CchostError)) log.error('RPC handler threw', { method: m.name, requestId: ctx.requestId, err: e });
        throw e;
      }
    },
  });
}

/**
 * Starts a node. Example:
 * `const node = await createNode({ datadir, spec, producer: { privateKey }, rpc: { port: 0 } }); ...; await node.stop()`.
 */
export async function createNode(config: NodeConfig): Promise<Node> {
  const log = config.log ?? createLogger();
  const now = config.now ?? Date.now;
  const startedAtMs = Date.now();
  const closers: Closer[] = [];
  let state: HealthReport['status'] = 'starting';
  const closeAll = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse()) {
      try {
        await c.close();
      } catch (e) {
        log.error(`closing ${c.name} failed`, { err: e });
      }
    }
  };

  try {
    const spec = datadirSpec(config.datadir, config.spec);
    const { store, chain } = openChain(config.datadir, spec, log);
    closers.push({ name: 'store', close: () => store.close() });

    const modules = config.modules ?? [];
    const lookups = storeLookups(store);
    const host = buildCcHost(spec, modules, store, lookups, log);
    const recorder = host !== undefined ? new DispatchRecorder(host) : undefined;
    const registered = host?.registry.entries ?? [];
    const hooks =
      host !== undefined && recorder !== undefined && hasIndexHooks(host.registry)
        ? moduleIndexHooks({ spec, registry: host.registry, recorder, lookups })
        : undefined;

    const scriptCache = new ScriptCache();
    const mempool = new Mempool({ spec, ccHost: recorder, scriptCache, ...(config.mempoolMaxBytes !== undefined ? { maxBytes: config.mempoolMaxBytes } : {}) });
    const mempoolContext = (): MempoolContext => ({
      view: store,
      tipHeight: chain.height,
      tipTimeMs: chain.blockTimeAt(chain.height),
      blockTimeAt: chain.blockTimeAt,
      nowMs: now(),
    });

    const workers = config.verifyWorkers ?? defaultVerifyWorkers();
    const verifyPool = workers > 0 ? new VerifyPool({ spec, workers, log: log.child({ component: 'verify' }) }) : undefined;
    const submitter = new TxSubmitter({ spec, mempool, scriptCache, context: mempoolContext, pool: verifyPool });
    closers.push({
      name: 'transaction submitter',
      close: async () => {
        await verifyPool?.close(); // queued submissions finish on the main thread
        await submitter.drain();
        log.info('script verification', { ...submitter.stats(), pool: verifyPool?.stats(), scriptCache: scriptCache.stats() });
      },
    });

    let wallet: Wallet | undefined;
    if (config.wallet?.enabled !== false) {
      const keystore = Keystore.open({ datadir: config.datadir, prefixes: spec.prefixes, ...(config.wallet?.seed !== undefined ? { seed: config.wallet.seed } : {}) });
      closers.push({ name: 'wallet', close: () => keystore.close() });
      for (const k of config.wallet?.importKeys ?? []) keystore.importKey(k.key, k.label);
      const source = indexCoinSource({ tipHeight: () => chain.height, addressUtxos: (k) => store.getAddressUtxos(k), mempool, txidOf });
      wallet = new Wallet({ keystore, source, chain: spec });
    }

    let rpc: RpcListener | undefined;
    let stopRequested = false;
    let networkView: FinalityView | undefined;
    const ctx: FinalityNodeContext = {
      spec,
      chainId: chainId(spec),
      version: cchostVersion(),
      store,
      mempool,
      wallet,
      modules: registered.map((e) => ({ name: e.module.name, evalCode: e.evalCode, version: e.module.version, activationHeight: e.activationHeight })),
      startedAtMs,
      get finality() {
        return networkView;
      },
      tip: () => {
        const ref = chain.tipRef();
        return { height: ref.num, id: ref.id, slot: ref.slot, timeMs: chain.blockTimeAt(ref.num), header: chain.tipHeader };
      },
      lib: () => {
        const h = Math.min(Math.max(store.lib(), 0), chain.height);
        return { height: h, id: chain.refAt(h)!.id };
      },
      blockTimeAt: chain.blockTimeAt,
      mempoolContext,
      submitTransaction: async (tx: Transaction, options?: SubmitOptions) => {
        const r = await submitter.submit(tx, options);
        if (r.ok) log.debug('transaction accepted', { txid: displayTxid(r.value.txid), fee: r.value.fee });
        return r;
      },
      testTransaction: (tx: Transaction) => mempool.accept(tx, mempoolContext(), { dryRun: true }),
      rpcPort: () => rpc?.port,
      requestStop: () => {
        if (stopRequested) return;
        stopRequested = true;
        setTimeout(() => (config.onStopRequested ?? (() => void node.stop()))(), 20);
      },
    };

    const parts: NodeParts = { spec, store, chain, mempool, mempoolContext, ccHost: recorder, scriptCache, hooks, log, now };
    const payToOf = (p: { readonly privateKey: Uint8Array; readonly payTo?: Uint8Array | undefined }): Uint8Array => p.payTo ?? p2pkhScript(hash160(publicKeyFromPrivate(p.privateKey, true)));
    let network: NetworkedNode | undefined;
    if (config.network !== undefined) {
      const p = config.producer;
      const submitLocal = ctx.submitTransaction.bind(ctx);
      network = await NetworkedNode.start(
        {
          ...parts,
          producer: p === undefined ? undefined : { name: producerName(spec, p.privateKey), privateKey: p.privateKey, payTo: payToOf(p), maxBlockBytes: p.maxBlockBytes },
          acceptTx: (tx) => submitLocal(tx),
        },
        config.network,
      );
      const net = network;
      closers.push({ name: 'network', close: () => net.stop() });
      networkView = finalityView(net);
      // transactions accepted through RPC (and the wallet) go to the peers too
      ctx.submitTransaction = async (...args: Parameters<NodeContext['submitTransaction']>) => {
        const r = await submitLocal(...args);
        if (r.ok) net.relayTx(args[0]);
        return r;
      };
    }

    let producer: Producer | undefined;
    if (config.producer !== undefined && config.network === undefined) {
      const p = config.producer;
      const name = producerName(spec, p.privateKey);
      producer = new Producer({
        ...parts,
        key: { name, privateKey: p.privateKey },
        payTo: payToOf(p),
        log: log.child({ component: 'producer' }),
        maxBlockBytes: p.maxBlockBytes,
      });
      const prod = producer;
      closers.push({ name: 'producer', close: () => prod.stop() });
      if (p.autoStart !== false) producer.start();
    }

    const table = nodeMethodTable(ctx, registered.map((e) => e.module), logged(log.child({ component: 'rpc' })));
    if (config.rpc?.enabled !== false) {
      const r = config.rpc ?? {};
      rpc = await listenRpc({
        table,
        datadir: config.datadir,
        host: r.host,
        port: r.port,
        rpcuser: r.user,
        rpcpassword: r.password,
        cookie: r.cookie,
        health: () => ({ status: state, height: chain.height, lib: Math.max(store.lib(), 0), chain: spec.name }),
      });
      const listener = rpc;
      closers.push({ name: 'rpc', close: () => listener.close() });
    }

    let resolveStopped!: () => void;
    const stopped = new Promise<void>((r) => (resolveStopped = r));
    let stopping: Promise<void> | undefined;
    const node: Node = {
      spec,
      datadir: config.datadir,
      store,
      ctx,
      table,
      producer,
      network,
      wallet,
      rpc,
      scriptCache,
      submitter,
      verifyPool,
      log,
      stopped,
      stop: () => {
        if (stopping === undefined) {
          state = 'stopping';
          stopping = closeAll().then(() => {
            log.info('node stopped');
            resolveStopped();
          });
        }
        return stopping;
      },
    };
    state = 'ready';
    log.info('node started', { chain: spec.name, height: chain.height, lib: store.lib(), rpc: rpc?.url, producer: producer !== undefined });
    if (!runtimeFlagsActive()) {
      log.debug('started without the V8 flags of NODE_RUNTIME_FLAGS (the cchost launcher and npm start pass them); the node works, with more GC per transaction', { flags: NODE_RUNTIME_FLAGS });
    }
    return node;
  } catch (e) {
    await closeAll();
    throw startError(e);
  }
}
