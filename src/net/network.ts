/**
 * `P2PNode`: the producer mesh over WebSocket. It listens on a configured address, dials configured
 * peers (reconnecting with backoff and jitter), authenticates both sides (chain id, producer key of
 * the schedule entry, signed challenge), keeps one connection per peer pair, gossips transactions,
 * blocks, votes and certificates with dedup, serves and requests block ranges, rate-limits and
 * scores peers, and bans misbehaving ones. It validates nothing of consensus itself: each gossip
 * callback returns the node's verdict, which decides relaying and penalties.
 */
import type { IncomingMessage } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import type { Transaction } from 'bitcoinjs-lib';
import { encodeBlock } from '../chain/block/block.ts';
import { encodeQc } from '../chain/block/qc.ts';
import type { Block, BlockRef, QC, ScheduleEntry } from '../chain/block/types.ts';
import { xOnlyPublicKeyFromPrivate } from '../crypto/secp256k1.ts';
import { NULL_REF } from '../consensus/refs.ts';
import { encodeVote } from '../consensus/votes.ts';
import type { Vote } from '../consensus/types.ts';
import { compareBytes, equalBytes, toHex } from '../util/bytes.ts';
import { CchostError } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { DEFAULT_BACKOFF } from './backoff.ts';
import { decodeMessage, encodeMessage } from './codec.ts';
import { NetErrorCode, netFail } from './errors.ts';
import type { NetError } from './errors.ts';
import { decodeFrame } from './frame.ts';
import { DEFAULT_MAX_CLOCK_SKEW_MS, authDigest, checkHello, freshNonce, producerDirectory, signAuth, verifyAuth } from './handshake.ts';
import type { ProducerDirectory } from './handshake.ts';
import { PROTOCOL_VERSION, maxFrameBytes, resolveLimits } from './limits.ts';
import type { NetLimits } from './limits.ts';
import { OnceLog, SILENT_NET_LOGGER } from './log.ts';
import type { NetLogger } from './log.ts';
import { GoodbyeReason, MsgType } from './messages.ts';
import type { GoodbyeReasonCode, HelloMsg, Message } from './messages.ts';
import { Dialer } from './dialer.ts';
import { Connection } from './peer.ts';
import { BlockRanges } from './ranges.ts';
import type { ConnectionOptions } from './peer.ts';
import { DEFAULT_QUEUE_BOUNDS, Lane } from './queue.ts';
import type { LaneId } from './queue.ts';
import { DEFAULT_SCORE_SPEC, PeerScores, peerIdOf } from './score.ts';
import type { BanEntry, MisbehaviourReason } from './score.ts';
import { SeenSet, messageKey } from './seen.ts';
import { Syncer } from './sync.ts';
import type { BlockRange, SyncPeer, SyncSource } from './sync.ts';
import type { GossipKind, HandlerResult, NetworkConfig, NetworkHandlers, PeerInfo, RateLimits, Verdict } from './types.ts';

const DEFAULT_RATES: RateLimits = Object.freeze({
  messages: { perSecond: 20_000, burst: 40_000 },
  txs: { perSecond: 5_000, burst: 10_000 },
  bytes: { perSecond: 64 * 1024 * 1024, burst: 128 * 1024 * 1024 },
});

const DEFAULT_RELAY: Readonly<Record<GossipKind, boolean>> = Object.freeze({ tx: true, block: true, vote: false, qc: true });

const GOSSIP_LANE: Readonly<Record<GossipKind, LaneId>> = Object.freeze({ tx: Lane.LOW, block: Lane.MID, vote: Lane.HIGH, qc: Lane.HIGH });

/** Network-wide counters. */
export interface NetStats {
  readonly peers: number;
  readonly producers: number;
  readonly pendingHandshakes: number;
  readonly banned: number;
  readonly seen: number;
  readonly listening: string | undefined;
}

function isPromise<T>(v: unknown): v is Promise<T> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * A node's P2P endpoint. Example:
 * `const net = new P2PNode({ chainId, name: 'alice', privateKey, listen: {port: 7790}, peers: ['127.0.0.1:7791'], producers }, { onBlock });
 *  await net.start(); net.broadcastBlock(block); await net.stop();`
 */
export class P2PNode implements SyncSource {
  /** Block-range sync, when `handlers.sync` was given. */
  readonly sync: Syncer | undefined;
  readonly limits: NetLimits;
  private readonly key: Uint8Array;
  private readonly privateKey: Uint8Array;
  private readonly chainId: Uint8Array;
  private readonly name: string;
  private readonly log: NetLogger;
  private readonly now: () => number;
  private readonly maxFrame: number;
  private readonly connOpts: ConnectionOptions;
  private readonly relay: Record<GossipKind, boolean>;
  private readonly scores: PeerScores;
  private readonly once = new OnceLog();
  private readonly seen: SeenSet;
  private readonly conns = new Set<Connection>();
  private readonly ready = new Map<string, Connection>();
  private readonly dialer: Dialer;
  private readonly ranges: BlockRanges;
  private directory: ProducerDirectory;
  private status: { head: BlockRef; lib: BlockRef; libQc: QC | undefined } = { head: NULL_REF, lib: NULL_REF, libQc: undefined };
  private headScheduled = false;
  private server: WebSocketServer | undefined;
  private boundAddress: { host: string; port: number } | undefined;
  private housekeeping: NodeJS.Timeout | undefined;
  private started = false;
  private stopping: Promise<void> | undefined;
  private readonly o: Required<
    Pick<
      NetworkConfig,
      | 'allowNonProducers'
      | 'maxPeers'
      | 'maxPendingHandshakes'
      | 'handshakeTimeoutMs'
      | 'pingIntervalMs'
      | 'idleTimeoutMs'
      | 'requestTimeoutMs'
      | 'maxClockSkewMs'
      | 'agent'
      | 'maxServePerPeer'
      | 'seenCapacity'
    >
  >;

  constructor(
    private readonly config: NetworkConfig,
    private readonly handlers: NetworkHandlers = {},
  ) {
    if (!(config.chainId instanceof Uint8Array) || config.chainId.length !== 32) throw new CchostError(NetErrorCode.CONFIG, 'net config chainId must be 32 bytes (chainIdBytes(spec))');
    if (!(config.privateKey instanceof Uint8Array) || config.privateKey.length !== 32) throw new CchostError(NetErrorCode.CONFIG, 'net config privateKey must be a 32-byte BIP-340 private key');
    this.chainId = config.chainId;
    this.privateKey = config.privateKey;
    this.key = xOnlyPublicKeyFromPrivate(config.privateKey);
    this.name = config.name;
    this.log = config.log ?? SILENT_NET_LOGGER;
    this.now = config.now ?? Date.now;
    this.limits = resolveLimits(config.limits);
    this.maxFrame = maxFrameBytes(this.limits);
    this.o = {
      allowNonProducers: config.allowNonProducers ?? true,
      maxPeers: config.maxPeers ?? 64,
      maxPendingHandshakes: config.maxPendingHandshakes ?? 32,
      handshakeTimeoutMs: config.handshakeTimeoutMs ?? 5_000,
      pingIntervalMs: config.pingIntervalMs ?? 10_000,
      idleTimeoutMs: config.idleTimeoutMs ?? 30_000,
      requestTimeoutMs: config.requestTimeoutMs ?? 10_000,
      maxClockSkewMs: config.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS,
      agent: config.agent ?? 'cchost',
      maxServePerPeer: config.maxServePerPeer ?? 2,
      seenCapacity: config.seenCapacity ?? 65_536,
    };
    const q = { ...DEFAULT_QUEUE_BOUNDS, ...config.queue };
    this.connOpts = {
      queue: q,
      rates: { ...DEFAULT_RATES, ...config.rates },
      coalesceBytes: config.coalesceBytes ?? 256 * 1024,
      inflightBytes: config.inflightBytes ?? 1024 * 1024,
      now: this.now,
    };
    this.relay = { ...DEFAULT_RELAY, ...config.relay };
    this.scores = new PeerScores({ ...DEFAULT_SCORE_SPEC, ...config.score }, this.log, this.now);
    this.seen = new SeenSet(this.o.seenCapacity);
    this.directory = producerDirectory(config.producers);
    this.dialer = new Dialer({
      backoff: { ...DEFAULT_BACKOFF, ...config.backoff },
      maxPayload: this.maxFrame,
      handshakeTimeoutMs: this.o.handshakeTimeoutMs,
      log: this.log,
      once: this.once,
      now: this.now,
      isConnected: (id) => this.ready.has(id),
      bannedUntil: (id) => this.scores.bannedUntil(id),
      opened: (ws, address, url) => this.attach(ws, 'outbound', address, url),
    });
    for (const p of config.peers ?? []) this.dialer.add(p, false);
    this.ranges = new BlockRanges({
      chainId: this.chainId,
      limits: this.limits,
      maxServePerPeer: this.o.maxServePerPeer,
      serveBlocks: handlers.serveBlocks,
      offence: (c, reason, detail) => this.offence(c, reason, detail),
      handlerThrew: (what, e) => this.handlerThrew(what, e),
    });
    this.sync = handlers.sync !== undefined ? new Syncer(this, handlers.sync, config.sync, this.now) : undefined;
  }

  // ---------------------------------------------------------------- lifecycle

  /** Opens the listen socket (when configured) and starts dialing the configured peers. */
  async start(): Promise<void> {
    if (this.stopping !== undefined) throw new CchostError(NetErrorCode.CONFIG, 'this P2PNode was stopped; create a new one');
    if (this.started) return;
    this.started = true;
    const l = this.config.listen;
    if (l !== undefined) {
      const host = l.host ?? '127.0.0.1';
      const server = new WebSocketServer({ host, port: l.port, maxPayload: this.maxFrame, perMessageDeflate: false, clientTracking: false });
      this.server = server;
      await new Promise<void>((resolve, reject) => {
        const onError = (e: Error): void => {
          reject(new CchostError(NetErrorCode.LISTEN_FAILED, `cannot listen on ${host}:${l.port}: ${e.message}; pick another port or stop the process using it`));
        };
        server.once('error', onError);
        server.once('listening', () => {
          server.off('error', onError);
          resolve();
        });
      });
      server.on('error', (e) => this.log.error('p2p server error', { err: e }));
      server.on('connection', (ws, req) => this.accept(ws, req));
      const a = server.address();
      if (typeof a === 'object' && a !== null) this.boundAddress = { host: a.address, port: a.port };
      this.log.info('p2p listening', { url: this.url });
    }
    this.dialer.startAll();
    const tick = Math.max(50, Math.min(1000, Math.floor(Math.min(this.o.pingIntervalMs, this.o.handshakeTimeoutMs) / 4)));
    this.housekeeping = setInterval(() => this.tick(), tick);
    this.housekeeping.unref();
  }

  /** Closes every connection, timer and the listen socket; idempotent (later calls return the same promise). */
  stop(): Promise<void> {
    if (this.stopping === undefined) this.stopping = this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.sync?.stop();
    if (this.housekeeping !== undefined) clearInterval(this.housekeeping);
    this.dialer.stop();
    this.ranges.dropRequests(undefined, 'the network stopped');
    const closed: Promise<void>[] = [];
    for (const c of this.conns) {
      closed.push(
        new Promise<void>((resolve) => {
          if (c.ws.readyState === 3) return resolve();
          c.ws.once('close', () => resolve());
        }),
      );
      this.closeConn(c, GoodbyeReason.SHUTDOWN, 'shutting down');
    }
    await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 500).unref())]);
    for (const c of this.conns) c.ws.terminate();
    await Promise.all(closed);
    if (this.server !== undefined) {
      const s = this.server;
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  }

  /** The bound listen address (after `start`), e.g. `{host: '127.0.0.1', port: 40123}`. */
  get address(): { host: string; port: number } | undefined {
    return this.boundAddress;
  }

  /** `ws://host:port` of the listen socket, for other nodes' `peers`. */
  get url(): string | undefined {
    const a = this.boundAddress;
    return a === undefined ? undefined : `ws://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
  }

  /** Our peer id (our key in hex). */
  get id(): string {
    return toHex(this.key);
  }

  // ---------------------------------------------------------------- public API for the node

  /** Adds an address to dial (and keep dialing); no-op when already known. */
  addPeer(url: string): void {
    this.dialer.add(url, this.started && this.stopping === undefined);
  }

  /** Sends a transaction to every peer; returns how many peers it was queued for. */
  broadcastTx(tx: Transaction | Uint8Array): number {
    return this.broadcast(MsgType.TX, tx instanceof Uint8Array ? tx : tx.toBuffer(), Lane.LOW);
  }

  /** Sends a block to every peer. */
  broadcastBlock(block: Block | Uint8Array): number {
    return this.broadcast(MsgType.BLOCK, block instanceof Uint8Array ? block : encodeBlock(block), Lane.MID);
  }

  /** Sends a vote to every peer. */
  broadcastVote(vote: Vote): number {
    return this.broadcast(MsgType.VOTE, encodeVote(vote), Lane.HIGH);
  }

  /** Sends a certificate to every peer. */
  broadcastQc(qc: QC): number {
    return this.broadcast(MsgType.QC, encodeQc(qc), Lane.HIGH);
  }

  /** Records our head and LIB (used in hellos) and tells the peers (coalesced per event-loop turn). */
  announceHead(head: BlockRef, lib: BlockRef, libQc?: QC): void {
    this.status = { head, lib, libQc };
    if (this.headScheduled) return;
    this.headScheduled = true;
    setImmediate(() => {
      this.headScheduled = false;
      if (this.stopping !== undefined) return;
      const bytes = encodeMessage({ type: 'head', head: this.status.head, lib: this.status.lib, libQc: this.status.libQc });
      for (const c of this.ready.values()) c.sendEncoded(bytes, Lane.MID);
    });
  }

  /** Replaces the producer set (active and pending members) after a schedule change. */
  setProducers(producers: readonly ScheduleEntry[]): void {
    this.directory = producerDirectory(producers);
    for (const c of [...this.ready.values()]) {
      const h = c.peerHello!;
      const key = this.directory.byName.get(h.name);
      const nameOfKey = this.directory.byKey.get(toHex(h.key));
      if ((key !== undefined && !equalBytes(key, h.key)) || (nameOfKey !== undefined && nameOfKey !== h.name)) {
        this.closeConn(c, GoodbyeReason.HANDSHAKE, 'name/key no longer matches the schedule');
        continue;
      }
      const producer = key !== undefined;
      if (!producer && !this.o.allowNonProducers) {
        this.closeConn(c, GoodbyeReason.HANDSHAKE, 'no longer a scheduled producer');
        continue;
      }
      c.producer = producer;
      c.ref = { ...c.ref!, producer };
    }
  }

  /** Penalises a peer for an offence found later (e.g. a block that failed full validation). */
  penalize(peerId: string, reason: MisbehaviourReason, detail?: string): void {
    const c = this.ready.get(peerId);
    const r = this.scores.record(peerId, c?.ref?.name ?? peerId.slice(0, 16), reason, detail);
    if (c !== undefined && r.banned) this.closeConn(c, GoodbyeReason.BANNED, `banned for misbehaviour (${reason})`);
  }

  /** Bans a peer by id for `ms` (default: the configured ban length) and disconnects it. */
  ban(peerId: string, ms: number = this.config.score?.banMs ?? DEFAULT_SCORE_SPEC.banMs, why = 'operator'): void {
    const c = this.ready.get(peerId);
    this.scores.ban(peerId, c?.ref?.name ?? peerId.slice(0, 16), ms, why);
    if (c !== undefined) this.closeConn(c, GoodbyeReason.BANNED, `banned (${why})`);
  }

  /** Lifts a ban. */
  unban(peerId: string): void {
    this.scores.unban(peerId);
  }

  /** Banned peers now. */
  banned(): BanEntry[] {
    return this.scores.banned();
  }

  /** The connected (authenticated) peers with their counters, for `getpeerinfo`. */
  peers(): PeerInfo[] {
    const out: PeerInfo[] = [];
    for (const c of this.ready.values()) {
      const id = c.ref!.id;
      out.push({
        ...c.ref!,
        agent: c.peerHello!.agent,
        connectedAt: c.readyAt,
        head: c.head,
        lib: c.lib,
        bytesIn: c.bytesIn,
        bytesOut: c.bytesOut,
        messagesIn: c.messagesIn,
        messagesOut: c.messagesOut,
        duplicatesIn: c.duplicatesIn,
        rateLimited: c.rateLimited,
        queued: c.queue.length,
        queuedBytes: c.queue.bytes,
        dropped: [...c.queue.dropped],
        score: this.scores.score(id),
        bannedUntil: this.scores.bannedUntil(id),
        offences: this.scores.counts(id),
        rttMs: c.rttMs,
      });
    }
    return out;
  }

  /** Offence counts of a peer id (connected or not). */
  offences(peerId: string): Record<string, number> {
    return this.scores.counts(peerId);
  }

  /** Network-wide counters. */
  stats(): NetStats {
    let producers = 0;
    for (const c of this.ready.values()) if (c.producer) producers++;
    return {
      peers: this.ready.size,
      producers,
      pendingHandshakes: this.conns.size - this.ready.size,
      banned: this.scores.banned().length,
      seen: this.seen.size,
      listening: this.url,
    };
  }

  /** Peers for block-range sync (`SyncSource`). */
  syncPeers(): SyncPeer[] {
    const out: SyncPeer[] = [];
    for (const c of this.ready.values()) out.push({ id: c.ref!.id, name: c.ref!.name, head: c.head, lib: c.lib, score: this.scores.score(c.ref!.id) });
    return out;
  }

  /**
   * Asks `peerId` for blocks at heights from..from+count−1 (bounded by the limits). Resolves with the
   * blocks (possibly fewer; checked to start at `from` and be consecutive) or a typed error; never rejects.
   */
  requestBlocks(peerId: string, from: number, count: number, maxBytes: number = this.limits.maxRangeBytes, timeoutMs: number = this.o.requestTimeoutMs): Promise<Result<BlockRange, NetError>> {
    const c = this.ready.get(peerId);
    if (c === undefined || c.state !== 'ready') return Promise.resolve(netFail(NetErrorCode.UNKNOWN_PEER, `no connected peer ${peerId.slice(0, 16)}`));
    return this.ranges.request(c, from, count, maxBytes, timeoutMs);
  }

  // ---------------------------------------------------------------- connections

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const address = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? 0}`;
    if (this.stopping !== undefined) {
      ws.terminate();
      return;
    }
    if (this.conns.size - this.ready.size >= this.o.maxPendingHandshakes) {
      ws.on('error', () => undefined);
      ws.close(1013, 'too many pending handshakes');
      return;
    }
    this.attach(ws, 'inbound', address, undefined);
  }

  private attach(ws: WebSocket, direction: 'inbound' | 'outbound', address: string, dialUrl: string | undefined): void {
    const c = new Connection(ws, direction, address, dialUrl, this.connOpts);
    this.conns.add(c);
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onFrame(c, data, isBinary));
    ws.on('error', (e: Error & { code?: string }) => this.onSocketError(c, e));
    ws.once('close', (code: number, reason: Buffer) => this.onClose(c, code, reason.toString('latin1')));
    const nonce = freshNonce();
    const hello: HelloMsg = {
      type: 'hello',
      version: PROTOCOL_VERSION,
      chainId: this.chainId,
      name: this.name,
      key: this.key,
      producer: this.isProducer(),
      head: this.status.head,
      lib: this.status.lib,
      libQc: this.status.libQc,
      nonce,
      timestampMs: Math.floor(this.now()),
      agent: this.o.agent,
    };
    c.ownNonce = nonce;
    c.ownHelloBytes = encodeMessage(hello);
    // written at once, not queued: a refusal of the peer's hello may close the connection in this turn
    c.sendNow(c.ownHelloBytes);
  }

  private isProducer(): boolean {
    const k = this.directory.byName.get(this.name);
    return k !== undefined && equalBytes(k, this.key);
  }

  private closeConn(c: Connection, reason: GoodbyeReasonCode, text: string): void {
    c.close({ type: 'goodbye', reason, text: text.replace(/[^\x20-\x7e]/g, '?').slice(0, 200) }, text);
  }

  private onSocketError(c: Connection, e: Error & { code?: string }): void {
    if (e.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      this.offence(c, 'oversized', `frame over the ${this.maxFrame}-byte limit`);
      c.close(undefined, 'oversized frame');
    } else if (typeof e.code === 'string' && e.code.startsWith('WS_ERR_')) {
      this.offence(c, 'malformed', e.message);
      c.close(undefined, e.message);
    }
  }

  private onClose(c: Connection, code: number, reason: string): void {
    c.state = 'closed';
    c.queue.clear();
    this.conns.delete(c);
    const id = c.id;
    if (id !== undefined && this.ready.get(id) === c) {
      this.ready.delete(id);
      this.ranges.dropRequests(c, `${c.ref!.name} disconnected`);
      const why = c.closeReason || reason || `socket closed (${code})`;
      this.log.info('peer disconnected', { peer: c.ref!.name, address: c.address, reason: why });
      this.safe('onDisconnect', () => this.handlers.onDisconnect?.(c.ref!, why));
    }
    if (this.stopping !== undefined) return;
    if (c.dialUrl !== undefined) this.dialer.closed(c.dialUrl, c.ws);
    if (id !== undefined && !this.ready.has(id)) this.dialer.peerGone(id);
  }

  private handshakeFailed(c: Connection, error: NetError): void {
    const key = `${c.address.replace(/:\d+$/, '')}|${c.peerHello?.name ?? '?'}|${error.code}`;
    this.once.hit(key, () => this.log.warn('p2p handshake refused', { address: c.address, peer: c.peerHello?.name, code: error.code, reason: error.message }));
    if (error.code === NetErrorCode.HANDSHAKE_SELF && c.dialUrl !== undefined) this.dialer.markSelf(c.dialUrl);
    this.closeConn(c, error.code === NetErrorCode.HANDSHAKE_BANNED ? GoodbyeReason.BANNED : GoodbyeReason.HANDSHAKE, error.message);
  }

  private offence(c: Connection, reason: MisbehaviourReason, detail: string): void {
    const id = c.id;
    if (id === undefined || c.state !== 'ready') {
      // not authenticated: no identity to score; log once per address and reason
      this.once.hit(`pre|${c.address.replace(/:\d+$/, '')}|${reason}`, () => this.log.warn('misbehaviour before handshake', { address: c.address, reason, detail }));
      return;
    }
    const r = this.scores.record(id, c.ref!.name, reason, detail);
    if (r.banned) this.closeConn(c, GoodbyeReason.BANNED, `banned for misbehaviour (${reason})`);
  }

  // ---------------------------------------------------------------- inbound

  private onFrame(c: Connection, data: Buffer, isBinary: boolean): void {
    if (c.state === 'closed') return;
    const t = this.now();
    c.bytesIn += data.length;
    c.lastReceivedAt = t;
    if (!isBinary) {
      this.offence(c, 'malformed', 'text frame');
      if (c.state !== 'ready') c.close(undefined, 'text frame');
      return;
    }
    if (c.state === 'ready' && !c.byteBucket.take(data.length, t)) {
      c.rateLimited++;
      this.offence(c, 'flood', 'byte rate limit');
      return;
    }
    const f = decodeFrame(data, this.maxFrame, this.limits.maxRecordsPerFrame);
    if (!f.ok) {
      if (f.error.code === NetErrorCode.OVERSIZED) {
        this.offence(c, 'oversized', f.error.message);
        this.closeConn(c, GoodbyeReason.PROTOCOL, f.error.message);
        return;
      }
      this.offence(c, 'malformed', f.error.message);
      if (c.state !== 'ready') c.close(undefined, f.error.message);
      return;
    }
    const frameNo = ++c.framesIn;
    for (const rec of f.value) {
      if (c.isClosed()) return;
      this.onMessage(c, rec, t, frameNo);
    }
  }

  private onMessage(c: Connection, rec: Uint8Array, t: number, frameNo: number): void {
    c.messagesIn++;
    const type = rec[0]!;
    if (c.state !== 'ready') {
      if (type !== MsgType.HELLO && type !== MsgType.AUTH && type !== MsgType.GOODBYE) {
        this.handshakeFailed(c, { code: NetErrorCode.HANDSHAKE_PROTOCOL, message: `message 0x${type.toString(16)} before the handshake completed` });
        return;
      }
    } else if (!c.msgBucket.take(1, t)) {
      // over the message rate: dropped, and one offence per frame (not per message)
      c.rateLimited++;
      if (c.floodFrame !== frameNo) {
        c.floodFrame = frameNo;
        this.offence(c, 'flood', 'message rate limit');
      }
      return;
    } else if (type === MsgType.TX && !c.txBucket.take(1, t)) {
      // over the transaction rate: dropped without penalty (honest producers relay bursts)
      c.rateLimited++;
      return;
    }
    let key: string | undefined;
    if (type === MsgType.TX || type === MsgType.BLOCK || type === MsgType.VOTE || type === MsgType.QC) {
      key = messageKey(rec);
      if (this.seen.has(key)) {
        c.duplicatesIn++;
        return;
      }
    }
    const m = decodeMessage(rec, this.limits);
    if (!m.ok) {
      if (c.state !== 'ready') return this.handshakeFailed(c, m.error);
      if (m.error.code === NetErrorCode.OVERSIZED) {
        this.offence(c, 'oversized', m.error.message);
        this.closeConn(c, GoodbyeReason.PROTOCOL, m.error.message);
      } else if (type === MsgType.BLOCKS && this.ranges.failUndecodable(c, rec, m.error)) {
        this.offence(c, 'bad-range', m.error.message);
      } else {
        this.offence(c, 'malformed', m.error.message);
      }
      return;
    }
    if (key !== undefined) this.seen.add(key);
    this.dispatch(c, m.value, rec);
  }

  private dispatch(c: Connection, m: Message, rec: Uint8Array): void {
    switch (m.type) {
      case 'hello':
        return this.onHello(c, m, rec);
      case 'auth':
        return this.onAuth(c, m.sig);
      case 'goodbye':
        if (c.state !== 'ready' && m.reason !== GoodbyeReason.SHUTDOWN && m.reason !== GoodbyeReason.DUPLICATE) {
          this.once.hit(`bye|${c.address.replace(/:\d+$/, '')}|${m.text}`, () => this.log.warn('p2p handshake refused by the peer', { address: c.address, reason: m.text }));
        }
        c.closeReason = `peer said goodbye: ${m.text}`;
        c.close(undefined, c.closeReason);
        return;
      case 'ping':
        c.send({ type: 'pong', id: m.id }, Lane.HIGH);
        return;
      case 'pong':
        if (m.id === c.pingId && c.pingSentAt > 0) {
          c.rttMs = this.now() - c.pingSentAt;
          c.pingSentAt = 0;
        }
        return;
      case 'tx':
        return this.gossip(c, 'tx', rec, () => this.handlers.onTx?.(m.tx, c.ref!, m.raw));
      case 'block':
        if (!equalBytes(m.block.header.chainId, this.chainId)) return this.offence(c, 'wrong-chain', `block ${m.block.header.num} of another chain`);
        return this.gossip(c, 'block', rec, () => this.handlers.onBlock?.(m.block, c.ref!, m.raw));
      case 'vote':
        return this.gossip(c, 'vote', rec, () => this.handlers.onVote?.(m.vote, c.ref!));
      case 'qc':
        return this.gossip(c, 'qc', rec, () => this.handlers.onQc?.(m.qc, c.ref!));
      case 'head':
        if (m.lib.num > m.head.num) return this.offence(c, 'malformed', `LIB ${m.lib.num} above head ${m.head.num}`);
        c.head = m.head;
        c.lib = m.lib;
        this.safe('onHead', () => this.handlers.onHead?.(c.ref!, m.head, m.lib, m.libQc));
        void this.sync?.kick();
        return;
      case 'get-blocks':
        return this.ranges.serve(c, m);
      case 'blocks':
        return this.ranges.onBlocks(c, m);
    }
  }

  private onHello(c: Connection, h: HelloMsg, rec: Uint8Array): void {
    if (c.peerHello !== undefined) {
      if (c.state === 'ready') return this.offence(c, 'protocol', 'second hello');
      return this.handshakeFailed(c, { code: NetErrorCode.HANDSHAKE_PROTOCOL, message: 'second hello' });
    }
    c.peerHello = h;
    c.peerHelloBytes = rec.slice();
    const checked = checkHello(h, {
      chainId: this.chainId,
      ownKey: this.key,
      ownNonce: c.ownNonce,
      nowMs: this.now(),
      maxClockSkewMs: this.o.maxClockSkewMs,
      producers: this.directory,
      allowNonProducers: this.o.allowNonProducers,
      isBanned: (id) => this.scores.isBanned(id),
    });
    if (!checked.ok) return this.handshakeFailed(c, checked.error);
    c.producer = checked.value.producer;
    const digest = authDigest(this.chainId, c.ownHelloBytes, c.ownNonce, c.peerHelloBytes, h.nonce);
    c.send({ type: 'auth', sig: signAuth(this.privateKey, digest) }, Lane.HIGH);
  }

  private onAuth(c: Connection, sig: Uint8Array): void {
    const h = c.peerHello;
    if (h === undefined || c.peerHelloBytes === undefined) return this.handshakeFailed(c, { code: NetErrorCode.HANDSHAKE_PROTOCOL, message: 'auth before hello' });
    if (c.state === 'ready') return this.offence(c, 'protocol', 'second auth');
    const digest = authDigest(this.chainId, c.peerHelloBytes, h.nonce, c.ownHelloBytes, c.ownNonce);
    if (!verifyAuth(sig, h.key, digest)) {
      return this.handshakeFailed(c, { code: NetErrorCode.HANDSHAKE_BAD_AUTH, message: `${h.name}'s handshake signature does not verify (wrong key or a replayed handshake)` });
    }
    this.becomeReady(c, h);
  }

  private becomeReady(c: Connection, h: HelloMsg): void {
    const id = peerIdOf(h.key);
    const existing = this.ready.get(id);
    if (existing !== undefined && existing !== c) {
      // one connection per pair: both sides keep the one dialed by the lower key (or the newer one
      // when both were dialed by the same side, e.g. after the peer restarted)
      const dialer = (x: Connection): Uint8Array => (x.direction === 'outbound' ? this.key : h.key);
      const de = dialer(existing);
      const dc = dialer(c);
      const keepNew = equalBytes(de, dc) ? true : compareBytes(dc, de) < 0;
      if (!keepNew) {
        this.markDialed(c, id);
        this.closeConn(c, GoodbyeReason.DUPLICATE, 'duplicate connection');
        return;
      }
      this.ready.delete(id);
      this.closeConn(existing, GoodbyeReason.DUPLICATE, 'duplicate connection');
    }
    if (!c.producer && this.ready.size >= this.o.maxPeers) {
      this.closeConn(c, GoodbyeReason.FULL, 'too many peers');
      return;
    }
    c.state = 'ready';
    c.readyAt = this.now();
    c.head = h.head;
    c.lib = h.lib;
    c.ref = { id, name: h.name, key: h.key, producer: c.producer, address: c.address, direction: c.direction };
    this.ready.set(id, c);
    this.markDialed(c, id);
    this.log.info('peer connected', { peer: h.name, producer: c.producer, address: c.address, direction: c.direction, head: h.head.num });
    this.safe('onHandshake', () => this.handlers.onHandshake?.(c.ref!));
    this.safe('onHead', () => this.handlers.onHead?.(c.ref!, h.head, h.lib, h.libQc));
    void this.sync?.kick();
  }

  private markDialed(c: Connection, id: string): void {
    if (c.dialUrl !== undefined) this.dialer.connected(c.dialUrl, id);
  }

  // ---------------------------------------------------------------- gossip

  private broadcast(type: number, body: Uint8Array, lane: LaneId): number {
    const rec = new Uint8Array(body.length + 1);
    rec[0] = type;
    rec.set(body, 1);
    this.seen.add(messageKey(rec));
    let n = 0;
    for (const c of this.ready.values()) {
      c.sendEncoded(rec, lane);
      n++;
    }
    return n;
  }

  private gossip(c: Connection, kind: GossipKind, rec: Uint8Array, call: () => HandlerResult): void {
    let r: HandlerResult;
    try {
      r = call();
    } catch (e) {
      return this.handlerThrew(kind, e);
    }
    if (isPromise<Verdict | void>(r)) {
      r.then(
        (v) => this.verdict(c, kind, rec, v),
        (e: unknown) => this.handlerThrew(kind, e),
      );
    } else {
      this.verdict(c, kind, rec, r);
    }
  }

  private verdict(c: Connection, kind: GossipKind, rec: Uint8Array, v: Verdict | void): void {
    if (v === 'accept') {
      if (!this.relay[kind] || this.stopping !== undefined) return;
      const lane = GOSSIP_LANE[kind];
      for (const p of this.ready.values()) if (p !== c) p.sendEncoded(rec, lane);
      return;
    }
    if (typeof v === 'object' && v !== null) {
      const id = c.id;
      if (id === undefined) return;
      if (c.state === 'ready') this.offence(c, v.reject, v.detail ?? `${kind} rejected`);
      else this.scores.record(id, c.ref?.name ?? id.slice(0, 16), v.reject, v.detail);
    }
  }

  private handlerThrew(kind: string, e: unknown): void {
    this.once.hit(`handler|${kind}`, () => this.log.error('p2p handler threw (message ignored)', { handler: kind, err: e }));
  }

  private safe(what: string, f: () => void): void {
    try {
      f();
    } catch (e) {
      this.handlerThrew(what, e);
    }
  }

  // ---------------------------------------------------------------- housekeeping

  private tick(): void {
    if (this.stopping !== undefined) return;
    const t = this.now();
    for (const c of [...this.conns]) {
      if (c.state === 'handshake') {
        if (t - c.createdAt > this.o.handshakeTimeoutMs) this.handshakeFailed(c, { code: NetErrorCode.HANDSHAKE_TIMEOUT, message: `no handshake within ${this.o.handshakeTimeoutMs} ms` });
        continue;
      }
      if (c.state !== 'ready') continue;
      if (t - c.lastReceivedAt > this.o.idleTimeoutMs) {
        this.closeConn(c, GoodbyeReason.TIMEOUT, `silent for ${t - c.lastReceivedAt} ms`);
        continue;
      }
      if (t - c.lastPingAt >= this.o.pingIntervalMs) {
        c.lastPingAt = t;
        c.pingId = (c.pingId + 1) >>> 0;
        c.pingSentAt = t;
        c.send({ type: 'ping', id: c.pingId }, Lane.HIGH);
      }
    }
  }
}
