/**
 * Public types of the P2P layer: the configuration of a `P2PNode`, the callbacks through which the
 * node receives gossip (and answers with a verdict), and the peer records `peers()` returns.
 */
import type { Transaction } from 'bitcoinjs-lib';
import type { Block, BlockRef, QC, ScheduleEntry } from '../chain/block/types.ts';
import type { Vote } from '../consensus/types.ts';
import type { BackoffSpec } from './backoff.ts';
import type { NetLimits } from './limits.ts';
import type { NetLogger } from './log.ts';
import type { QueueBounds } from './queue.ts';
import type { RateSpec } from './rateLimit.ts';
import type { MisbehaviourReason, ScoreSpec } from './score.ts';
import type { SyncLocal, SyncOptions } from './sync.ts';

/**
 * What the node says about a message it received: `'accept'` (valid and new: relay it where relaying
 * is on), `'ignore'` (not relayed, no penalty: a duplicate, a race, a block whose parent is missing),
 * or `{reject}` (invalid: the sender is penalised with the reason's weight). A callback returning
 * nothing means `'ignore'`.
 */
export type Verdict = 'accept' | 'ignore' | { readonly reject: MisbehaviourReason; readonly detail?: string };

/** What a gossip callback may return. */
export type HandlerResult = Verdict | void | Promise<Verdict | void>;

/** The kinds of gossip. */
export type GossipKind = 'tx' | 'block' | 'vote' | 'qc';

/** Identity of a connected peer, as the callbacks see it. */
export interface PeerRef {
  /** The peer's key in hex: its id everywhere in this layer. */
  readonly id: string;
  readonly name: string;
  readonly key: Uint8Array;
  /** True when the peer proved the key of a member of the current schedule. */
  readonly producer: boolean;
  /** Remote address `host:port`. */
  readonly address: string;
  readonly direction: 'inbound' | 'outbound';
}

/** A connected peer's state and counters (for `getpeerinfo`). */
export interface PeerInfo extends PeerRef {
  readonly agent: string;
  /** Unix ms of the handshake. */
  readonly connectedAt: number;
  /** The peer's announced head and LIB. */
  readonly head: BlockRef;
  readonly lib: BlockRef;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly messagesIn: number;
  readonly messagesOut: number;
  /** Gossip messages from this peer that we had already seen. */
  readonly duplicatesIn: number;
  /** Messages over the rate limit, dropped. */
  readonly rateLimited: number;
  /** Outbound messages queued now, and their bytes. */
  readonly queued: number;
  readonly queuedBytes: number;
  /** Outbound messages dropped because a queue lane was full: [votes/control, blocks, transactions]. */
  readonly dropped: readonly [number, number, number];
  /** Current misbehaviour score (decays). */
  readonly score: number;
  /** Unix ms until which the peer is banned (0 = not banned). */
  readonly bannedUntil: number;
  /** Offence counts by reason. */
  readonly offences: Readonly<Record<string, number>>;
  /** Last measured ping round trip, ms. */
  readonly rttMs: number | undefined;
}

/** Per-peer inbound rate limits. */
export interface RateLimits {
  /** All messages. */
  readonly messages: RateSpec;
  /** Transactions (a subset of messages). */
  readonly txs: RateSpec;
  /** Bytes of frames. */
  readonly bytes: RateSpec;
}

/** Settings of a `P2PNode`. */
export interface NetworkConfig {
  /** The chain id (32 bytes); peers on another chain are refused. */
  readonly chainId: Uint8Array;
  /** Our producer name (or node name for a full node); `NAME_RE`. */
  readonly name: string;
  /** Our BIP-340 private key: the producer key for a producer, any key for a full node. */
  readonly privateKey: Uint8Array;
  /** Where to accept connections (omit to only dial). Port 0 picks a free port. */
  readonly listen?: { readonly host?: string; readonly port: number } | undefined;
  /** Peers to dial: `ws://host:port` or `host:port`. */
  readonly peers?: readonly string[];
  /** Members of the current (and pending) schedule; `setProducers` updates them. */
  readonly producers: readonly ScheduleEntry[];
  /** Accept peers that are not producers (full nodes); default true. */
  readonly allowNonProducers?: boolean;
  readonly limits?: Partial<NetLimits>;
  readonly queue?: Partial<QueueBounds>;
  readonly rates?: Partial<RateLimits>;
  readonly score?: Partial<ScoreSpec>;
  readonly backoff?: Partial<BackoffSpec>;
  /** Relay accepted gossip to the other peers, per kind; default tx, block, qc on and vote off (voters send to all). */
  readonly relay?: Partial<Record<GossipKind, boolean>>;
  /** Capacity of the dedup set (default 65,536 messages). */
  readonly seenCapacity?: number;
  /** Most authenticated peers (default 64; producers are always admitted). */
  readonly maxPeers?: number;
  /** Most connections still in the handshake (default 32). */
  readonly maxPendingHandshakes?: number;
  readonly handshakeTimeoutMs?: number;
  readonly pingIntervalMs?: number;
  /** Close a peer silent for this long (default 30 s; pings keep healthy peers talking). */
  readonly idleTimeoutMs?: number;
  /** Default timeout of block-range requests (default 10 s). */
  readonly requestTimeoutMs?: number;
  /** Largest hello clock difference (default 30 s). */
  readonly maxClockSkewMs?: number;
  /** Largest frame the writer coalesces small messages into (default 256 KiB). */
  readonly coalesceBytes?: number;
  /** Bytes handed to a socket and not yet written before the queue waits (default 1 MiB). */
  readonly inflightBytes?: number;
  /** Our software string in the hello. */
  readonly agent?: string;
  /** Most concurrent block-range requests served per peer (default 2; more are answered BUSY). */
  readonly maxServePerPeer?: number;
  readonly log?: NetLogger;
  /** Wall clock, unix ms (tests pass a fake one). */
  readonly now?: () => number;
  readonly sync?: Partial<SyncOptions>;
}

/** The node's side: gossip callbacks (each returns a verdict), connection events, and block serving. */
export interface NetworkHandlers {
  onTx?(tx: Transaction, peer: PeerRef, raw: Uint8Array): HandlerResult;
  onBlock?(block: Block, peer: PeerRef, raw: Uint8Array): HandlerResult;
  onVote?(vote: Vote, peer: PeerRef): HandlerResult;
  onQc?(qc: QC, peer: PeerRef): HandlerResult;
  /** A peer announced its head and LIB (in its hello or later). */
  onHead?(peer: PeerRef, head: BlockRef, lib: BlockRef, libQc: QC | undefined): void;
  onHandshake?(peer: PeerRef): void;
  onDisconnect?(peer: PeerRef, reason: string): void;
  /**
   * Encoded blocks at heights from, from+1, … on our best chain: at most `count`, stopping before
   * `maxBytes` (the layer trims longer answers). Without it this node answers range requests UNAVAILABLE.
   */
  serveBlocks?(from: number, count: number, maxBytes: number): readonly Uint8Array[] | Promise<readonly Uint8Array[]>;
  /** Block-range sync: our head and how to apply synced blocks. Without it, no `Syncer` runs. */
  sync?: SyncLocal;
}
