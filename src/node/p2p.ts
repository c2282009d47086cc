/**
 * A networked node: the consensus engine (src/node/consensus/engine.ts) on a `P2PNode` (docs/p2p.md),
 * with the slot clock and, for a producer, block production. Gossip callbacks hand blocks, votes,
 * certificates and transactions to the engine or the mempool and turn the outcome into the verdict
 * the P2P layer relays or penalises by; block-range sync applies blocks through the same path; range
 * requests are served from the store, which holds the best branch.
 *
 * Three roles: a producer (its key is in the schedule: votes and produces), a full node (validates
 * everything and follows certificates), a light node (`light`: headers and certificates only, never
 * votes). Non-producers take a random P2P key per start unless given one.
 */
import type { Transaction } from 'bitcoinjs-lib';
import type { AcceptResult } from '../chain/mempool/mempool.ts';
import { NAME_RE } from '../chain/params.ts';
import { chainIdBytes } from '../chain/spec/canonical.ts';
import type { TxRejection } from '../chain/validation/errors.ts';
import { randomPrivateKey, xOnlyPublicKeyFromPrivate } from '../crypto/secp256k1.ts';
import { P2PNode } from '../net/network.ts';
import { progressReporter } from '../net/progress.ts';
import type { NetworkConfig, NetworkHandlers, PeerInfo, Verdict } from '../net/types.ts';
import { verdictFor } from '../net/verdict.ts';
import { toHex } from '../util/bytes.ts';
import type { ErrorData, Result } from '../util/errors.ts';
import { ConsensusEngine, EngineErrorCode } from './consensus/engine.ts';
import type { BlockOutcome } from './consensus/engine.ts';
import { SlotClock } from './consensus/slotClock.ts';
import { SlotProducer } from './consensus/slotProducer.ts';
import type { Transport } from './consensus/transport.ts';
import type { NodeParts } from './parts.ts';

/** Network settings of a node (`NodeConfig.network`). */
export interface NetworkNodeConfig {
  /** Where to accept peer connections (omit to only dial). Port 0 picks a free port. */
  readonly listen?: { readonly host?: string; readonly port: number } | undefined;
  /** Peers to dial: `host:port` or `ws://host:port`. */
  readonly peers?: readonly string[] | undefined;
  /** P2P name of a non-producing node (default `node-` + 8 hex digits of its key). */
  readonly name?: string | undefined;
  /** Light validation: headers and certificates only; the node never votes or produces. */
  readonly light?: boolean | undefined;
  /** P2P key of a non-producing node (default: random per start). */
  readonly nodeKey?: Uint8Array | undefined;
  /** Clock offset against the producers beyond which a producer refuses to produce (default 250 ms). */
  readonly clockSkewLimitMs?: number | undefined;
  /** P2P tuning passed to the `P2PNode` (tests: shorter backoff and timeouts). */
  readonly tuning?: Partial<Omit<NetworkConfig, 'chainId' | 'name' | 'privateKey' | 'listen' | 'peers' | 'producers' | 'log' | 'now'>> | undefined;
}

/** The node parts a networked node runs on (built by `createNode`). */
export interface NetworkedNodeParts extends NodeParts {
  /** The producer's key and coinbase script; omit for a full or light node. */
  readonly producer?: { readonly name: string; readonly privateKey: Uint8Array; readonly payTo: Uint8Array; readonly maxBlockBytes?: number | undefined } | undefined;
  /** Mempool acceptance of a transaction from a peer (no re-broadcast: the P2P layer relays accepted ones). */
  readonly acceptTx: (tx: Transaction) => Promise<Result<AcceptResult, TxRejection>>;
}

function blockVerdict(r: Result<BlockOutcome, ErrorData>): Verdict {
  if (r.ok) return r.value === 'added' ? 'accept' : 'ignore';
  if (r.error.code === EngineErrorCode.EARLY_BLOCK) return 'ignore';
  if (r.error.code === EngineErrorCode.INVALID_BLOCK) return { reject: 'invalid-block', detail: r.error.message };
  return verdictFor('block', r.error);
}

/** A node on the network. Example: `const n = await NetworkedNode.start(parts, { listen: {port: 7781}, peers })`. */
export class NetworkedNode {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly engine: ConsensusEngine,
    readonly net: P2PNode,
    readonly producer: SlotProducer | undefined,
    private readonly clock: SlotClock,
  ) {}

  /** Builds the engine (replaying the store), opens the P2P endpoint and starts the slot clock. */
  static async start(parts: NetworkedNodeParts, cfg: NetworkNodeConfig): Promise<NetworkedNode> {
    const { producer: configuredProducer, acceptTx: _acceptTx, ...common } = parts;
    const { spec, store, log } = common;
    const light = cfg.light === true;
    const producerKey = light ? undefined : configuredProducer;
    const engine = new ConsensusEngine({
      ...common,
      log: log.child({ component: 'consensus' }),
      key: producerKey !== undefined ? { name: producerKey.name, privateKey: producerKey.privateKey } : undefined,
      light,
      clockSkewLimitMs: cfg.clockSkewLimitMs,
    });
    const privateKey = producerKey?.privateKey ?? cfg.nodeKey ?? randomPrivateKey();
    const name = producerKey?.name ?? cfg.name ?? `node-${toHex(xOnlyPublicKeyFromPrivate(privateKey)).slice(0, 8)}`;
    if (!NAME_RE.test(name)) throw new RangeError(`node name ${JSON.stringify(name)} must match ${NAME_RE}`);
    const netLog = log.child({ component: 'p2p' });
    const handlers: NetworkHandlers = {
      onTx: async (tx) => {
        const r = await parts.acceptTx(tx);
        return verdictFor('tx', r.ok ? undefined : r.error);
      },
      onBlock: (block, peer, raw) => blockVerdict(engine.receiveBlock(block, raw, peer.id)),
      onVote: (vote) => {
        const r = engine.receiveVote(vote);
        if (!r.ok) return verdictFor('vote', r.error);
        return r.value === 'counted' ? 'accept' : 'ignore';
      },
      onQc: (qc) => {
        const r = engine.receiveQc(qc);
        if (!r.ok) return verdictFor('qc', r.error);
        return r.value === 'recorded' ? 'accept' : 'ignore';
      },
      serveBlocks: (from, count, maxBytes) => {
        const out: Uint8Array[] = [];
        let bytes = 0;
        const tip = store.height();
        for (let h = from; h < from + count && h <= tip; h++) {
          const b = store.getBlockByHeight(h);
          if (b === undefined) break;
          if (out.length > 0 && bytes + b.bytes.length > maxBytes) break;
          out.push(b.bytes);
          bytes += b.bytes.length;
        }
        return out;
      },
      sync: {
        head: () => ({ head: engine.head.ref, lib: engine.db.lib }),
        apply: (block, raw, peerId) => blockVerdict(engine.receiveBlock(block, raw, peerId, false)),
        onProgress: progressReporter({ log: netLog, stream: { write: () => true, isTTY: false } }),
        onDone: (r) => {
          if (r.applied > 0 || !r.ok) netLog.info('sync finished', { ok: r.ok, applied: r.applied, head: r.head, ...(r.reason !== undefined ? { reason: r.reason } : {}) });
        },
      },
    };
    const head = engine.head.state;
    const net = new P2PNode(
      {
        ...cfg.tuning,
        chainId: chainIdBytes(spec),
        name,
        privateKey,
        listen: cfg.listen,
        peers: cfg.peers ?? [],
        producers: [...head.active.producers, ...(head.pending?.schedule.producers ?? []).filter((p) => !head.active.producers.some((a) => a.name === p.name))],
        limits: { maxBlockBytes: spec.limits.maxBlockBytes, maxTxBytes: spec.limits.maxTxBytes, ...cfg.tuning?.limits },
        log: netLog,
        now: parts.now,
      },
      handlers,
    );
    const transport: Transport = {
      broadcastBlock: (raw) => void net.broadcastBlock(raw),
      broadcastVote: (v) => void net.broadcastVote(v),
      broadcastQc: (qc) => void net.broadcastQc(qc),
      announceHead: (h, lib, libQc) => net.announceHead(h, lib, libQc),
      requestBlocks: () => void net.sync?.kick(true),
      penalize: (peerId, detail) => net.penalize(peerId, 'invalid-block', detail),
      setProducers: (members) => net.setProducers(members),
      syncing: () => net.sync?.syncing ?? false,
      peerCount: () => net.stats().peers,
    };
    engine.attach(transport);
    const producer =
      producerKey !== undefined
        ? new SlotProducer({
            ...common,
            engine,
            key: { name: producerKey.name, privateKey: producerKey.privateKey },
            payTo: producerKey.payTo,
            log: log.child({ component: 'producer' }),
            maxBlockBytes: producerKey.maxBlockBytes,
          })
        : undefined;
    const clock = new SlotClock(
      spec,
      parts.now,
      (slot, nowMs) => {
        engine.onSlot();
        producer?.step(slot, nowMs);
      },
      (e) => log.error('slot handling failed', { err: e }),
    );
    await net.start();
    clock.start();
    log.info('network started', { name, mode: engine.mode, p2p: net.url, peers: cfg.peers?.length ?? 0 });
    return new NetworkedNode(engine, net, producer, clock);
  }

  /** Sends a transaction this node accepted (from RPC) to its peers. */
  relayTx(tx: Transaction): void {
    this.net.broadcastTx(tx);
  }

  /** Connected peers (getpeerinfo). */
  peers(): PeerInfo[] {
    return this.net.peers();
  }

  /** Stops the slot clock and the network (idempotent). */
  stop(): Promise<void> {
    if (this.stopping === undefined) {
      this.clock.stop();
      this.stopping = this.net.stop();
    }
    return this.stopping;
  }
}
