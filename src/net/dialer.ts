/**
 * Dialing the configured peer addresses: one state per address, reconnect with exponential backoff
 * and jitter after a failure or a disconnect, no dialing while the peer behind the address is
 * connected (whichever side dialed) or banned, and never again once the address proved to be
 * ourselves. Each failure kind is logged once per address.
 */
import { WebSocket } from 'ws';
import { backoffDelay } from './backoff.ts';
import type { BackoffSpec } from './backoff.ts';
import type { NetLogger, OnceLog } from './log.ts';

interface DialState {
  readonly url: string;
  attempt: number;
  timer: NodeJS.Timeout | undefined;
  socket: WebSocket | undefined;
  /** The peer id behind this address, once a handshake succeeded. */
  peerId: string | undefined;
  /** The address is ourselves: never dialed again. */
  self: boolean;
}

/** What the dialer asks of the network. */
export interface DialerContext {
  readonly backoff: BackoffSpec;
  readonly maxPayload: number;
  readonly handshakeTimeoutMs: number;
  readonly log: NetLogger;
  readonly once: OnceLog;
  now(): number;
  /** True while `peerId` has a ready connection. */
  isConnected(peerId: string): boolean;
  /** Unix ms until which `peerId` is banned (0 = not). */
  bannedUntil(peerId: string): number;
  /** A dialed socket opened: start the handshake on it. */
  opened(ws: WebSocket, address: string, url: string): void;
}

/** `ws://host:port` for `host:port`; URLs with a scheme stay as they are. */
export function normalizeUrl(u: string): string {
  return /^wss?:\/\//.test(u) ? u : `ws://${u}`;
}

/** The dial states of all configured addresses. Example: `dialer.add('10.0.0.2:7790', true)`. */
export class Dialer {
  private readonly dials = new Map<string, DialState>();
  private stopped = false;

  constructor(private readonly ctx: DialerContext) {}

  /** Adds an address (no-op when known); dials it now when `start`. */
  add(url: string, start: boolean): void {
    const u = normalizeUrl(url);
    if (this.dials.has(u)) return;
    const d: DialState = { url: u, attempt: 0, timer: undefined, socket: undefined, peerId: undefined, self: false };
    this.dials.set(u, d);
    if (start) this.schedule(d, 0);
  }

  /** Dials every known address now (at start). */
  startAll(): void {
    for (const d of this.dials.values()) this.schedule(d, 0);
  }

  /** A handshake on a socket dialed to `url` succeeded with `peerId`: remember it, reset the backoff. */
  connected(url: string, peerId: string): void {
    const d = this.dials.get(url);
    if (d === undefined) return;
    d.peerId = peerId;
    d.attempt = 0;
  }

  /** The address `url` led to ourselves. */
  markSelf(url: string): void {
    const d = this.dials.get(url);
    if (d !== undefined) d.self = true;
  }

  /** A socket dialed to `url` closed (after it opened): dial again with backoff. */
  closed(url: string, ws: WebSocket): void {
    const d = this.dials.get(url);
    if (d === undefined || d.socket !== ws) return;
    d.socket = undefined;
    this.redial(d);
  }

  /** Peer `peerId` has no connection left: re-arm every idle address known to lead to it. */
  peerGone(peerId: string): void {
    for (const d of this.dials.values()) if (d.peerId === peerId && d.socket === undefined && d.timer === undefined) this.redial(d);
  }

  /** Clears timers and cuts sockets still connecting (open ones are closed by their connection). */
  stop(): void {
    this.stopped = true;
    for (const d of this.dials.values()) {
      if (d.timer !== undefined) clearTimeout(d.timer);
      d.timer = undefined;
      if (d.socket !== undefined && d.socket.readyState === WebSocket.CONNECTING) d.socket.terminate();
    }
  }

  private schedule(d: DialState, delayMs: number): void {
    if (this.stopped || d.self || d.timer !== undefined || d.socket !== undefined) return;
    d.timer = setTimeout(() => {
      d.timer = undefined;
      this.dial(d);
    }, delayMs);
    d.timer.unref();
  }

  private redial(d: DialState): void {
    const delay = backoffDelay(d.attempt, this.ctx.backoff);
    d.attempt++;
    this.schedule(d, delay);
  }

  private dial(d: DialState): void {
    if (this.stopped || d.self || d.socket !== undefined) return;
    if (d.peerId !== undefined) {
      if (this.ctx.isConnected(d.peerId)) return; // connected (maybe inbound); its disconnect re-arms us
      const until = this.ctx.bannedUntil(d.peerId);
      const now = this.ctx.now();
      if (until > now) return this.schedule(d, until - now + 10);
    }
    let ws: WebSocket;
    try {
      ws = new WebSocket(d.url, { perMessageDeflate: false, maxPayload: this.ctx.maxPayload, handshakeTimeout: this.ctx.handshakeTimeoutMs });
    } catch (e) {
      this.ctx.once.hit(`dial|${d.url}|bad-url`, () => this.ctx.log.error('cannot dial peer address', { url: d.url, err: e }));
      return;
    }
    d.socket = ws;
    let opened = false;
    ws.on('error', (e: Error & { code?: string }) => {
      if (!opened) this.ctx.once.hit(`dial|${d.url}|${e.code ?? e.message}`, () => this.ctx.log.info('peer unreachable, will retry', { url: d.url, err: e.message }));
    });
    ws.once('open', () => {
      opened = true;
      const s = (ws as unknown as { _socket?: { remoteAddress?: string; remotePort?: number } })._socket;
      this.ctx.opened(ws, s?.remoteAddress !== undefined ? `${s.remoteAddress}:${s.remotePort}` : d.url, d.url);
    });
    ws.once('close', () => {
      if (!opened) {
        d.socket = undefined;
        this.redial(d);
      }
    });
  }
}
