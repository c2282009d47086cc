/**
 * One WebSocket connection to a peer: its handshake state, outbound queue and coalescing writer,
 * inbound rate limits, and counters. The `P2PNode` owns connections and decides what they carry.
 *
 * Writing: messages queue in priority lanes; the first push of an event-loop turn schedules a flush
 * (`setImmediate`), which packs queued messages into frames of up to `coalesceBytes` and hands them
 * to the socket while fewer than `inflightBytes` wait for the kernel. A slow reader therefore holds
 * at most the lane bounds plus `inflightBytes` in memory.
 */
import type { WebSocket } from 'ws';
import type { BlockRef } from '../chain/block/types.ts';
import { NULL_REF } from '../consensus/refs.ts';
import { encodeMessage } from './codec.ts';
import { encodeFrame } from './frame.ts';
import type { HelloMsg, Message } from './messages.ts';
import { OutboundQueue } from './queue.ts';
import type { LaneId, QueueBounds } from './queue.ts';
import { TokenBucket } from './rateLimit.ts';
import type { PeerRef, RateLimits } from './types.ts';

/** Where a connection is in its life. */
export type ConnectionState = 'handshake' | 'ready' | 'closed';

/** Settings a connection needs. */
export interface ConnectionOptions {
  readonly queue: QueueBounds;
  readonly rates: RateLimits;
  readonly coalesceBytes: number;
  readonly inflightBytes: number;
  readonly now: () => number;
}

/** A connection (inbound or outbound). */
export class Connection {
  state: ConnectionState = 'handshake';
  readonly createdAt: number;
  /** Our hello on this connection (bytes as sent) and its nonce. */
  ownHelloBytes: Uint8Array = new Uint8Array();
  ownNonce: Uint8Array = new Uint8Array();
  /** The peer's hello, once received. */
  peerHello: HelloMsg | undefined;
  peerHelloBytes: Uint8Array | undefined;
  /** Set by the handshake: the peer is a scheduled producer. */
  producer = false;
  ref: PeerRef | undefined;
  readyAt = 0;
  head: BlockRef = NULL_REF;
  lib: BlockRef = NULL_REF;
  /** Counters. */
  bytesIn = 0;
  bytesOut = 0;
  messagesIn = 0;
  messagesOut = 0;
  duplicatesIn = 0;
  rateLimited = 0;
  /** Frames received (numbers frames, so a flood counts one offence per frame). */
  framesIn = 0;
  /** The last frame that drew a flood offence. */
  floodFrame = -1;
  lastReceivedAt: number;
  lastPingAt = 0;
  pingId = 0;
  pingSentAt = 0;
  rttMs: number | undefined;
  /** Block-range requests this peer has us serving now. */
  serving = 0;
  closeReason = '';
  readonly queue: OutboundQueue;
  readonly msgBucket: TokenBucket;
  readonly txBucket: TokenBucket;
  readonly byteBucket: TokenBucket;
  private inflight = 0;
  private flushScheduled = false;
  private readonly opts: ConnectionOptions;

  constructor(
    readonly ws: WebSocket,
    readonly direction: 'inbound' | 'outbound',
    /** Remote `host:port`. */
    readonly address: string,
    /** The configured URL we dialed (outbound only). */
    readonly dialUrl: string | undefined,
    opts: ConnectionOptions,
  ) {
    this.opts = opts;
    const t = opts.now();
    this.createdAt = t;
    this.lastReceivedAt = t;
    this.queue = new OutboundQueue(opts.queue);
    this.msgBucket = new TokenBucket(opts.rates.messages, t);
    this.txBucket = new TokenBucket(opts.rates.txs, t);
    this.byteBucket = new TokenBucket(opts.rates.bytes, t);
  }

  /** True once closed (a method, so type narrowing of `state` does not stick across calls). */
  isClosed(): boolean {
    return this.state === 'closed';
  }

  /** The peer's id (key hex) once its hello arrived. */
  get id(): string | undefined {
    return this.ref?.id;
  }

  /** Queues an encoded message (type byte and body) and schedules a flush. */
  sendEncoded(message: Uint8Array, lane: LaneId): void {
    if (this.state === 'closed') return;
    this.queue.push(message, lane);
    this.scheduleFlush();
  }

  /** Writes one message in its own frame now, bypassing the queue (the hello). */
  sendNow(message: Uint8Array): void {
    if (this.state === 'closed' || this.ws.readyState !== 1) return;
    const frame = encodeFrame([message]);
    this.bytesOut += frame.length;
    this.messagesOut++;
    this.ws.send(frame, { binary: true, compress: false });
  }

  /** Encodes and queues a message. */
  send(m: Message, lane: LaneId): void {
    this.sendEncoded(encodeMessage(m), lane);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Writes queued messages in frames while the socket keeps up. */
  flush(): void {
    while (this.state !== 'closed' && this.ws.readyState === 1 && this.inflight < this.opts.inflightBytes && this.queue.length > 0) {
      const msgs = this.queue.take(this.opts.coalesceBytes);
      const frame = encodeFrame(msgs);
      const n = frame.length;
      this.inflight += n;
      this.bytesOut += n;
      this.messagesOut += msgs.length;
      this.ws.send(frame, { binary: true, compress: false }, () => {
        this.inflight -= n;
        if (this.queue.length > 0) this.scheduleFlush();
      });
    }
  }

  /** Bytes handed to the socket and not yet written. */
  get inflightBytes(): number {
    return this.inflight;
  }

  /** Sends `goodbye` (when the socket is open) and closes; idempotent. */
  close(goodbye: Message | undefined, reason: string): void {
    if (this.state === 'closed') return;
    this.closeReason = reason;
    this.state = 'closed';
    this.queue.clear();
    try {
      if (goodbye !== undefined && this.ws.readyState === 1) this.ws.send(encodeFrame([encodeMessage(goodbye)]), { binary: true, compress: false });
      if (this.ws.readyState === 0) this.ws.terminate();
      else this.ws.close(1000);
    } catch {
      this.ws.terminate();
    }
    // a peer that does not finish the closing handshake is cut off
    setTimeout(() => {
      if (this.ws.readyState !== 3) this.ws.terminate();
    }, 1000).unref();
  }
}
