/**
 * Helpers for the P2P tests: keys and a schedule, encodable blocks, transactions, votes and
 * certificates, a fake in-memory chain, a log sink that records lines, a bounded `waitFor`, and a
 * raw client that speaks the handshake by hand (to replay, flood or send garbage).
 */
import { Transaction } from 'bitcoinjs-lib';
import { WebSocket } from 'ws';
import { blockId } from '../../src/chain/block/sign.ts';
import type { Block, BlockHeader, BlockRef, QC, Schedule } from '../../src/chain/block/types.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { xOnlyPublicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { BIP340, NULL_REF, makeVote } from '../../src/consensus/index.ts';
import type { Vote } from '../../src/consensus/index.ts';
import { utf8 } from '../../src/util/bytes.ts';
import { P2PNode, PROTOCOL_VERSION, authDigest, decodeFrame, decodeMessage, encodeFrame, encodeMessage, freshNonce, signAuth, DEFAULT_LIMITS } from '../../src/net/index.ts';
import type { HelloMsg, Message, NetLogger, NetworkConfig, NetworkHandlers } from '../../src/net/index.ts';

export const CHAIN = sha256(utf8('cchost-net-test-chain'));
export const OTHER_CHAIN = sha256(utf8('cchost-net-other-chain'));

/** Deterministic test key of a name. */
export function privOf(name: string): Uint8Array {
  return sha256(utf8(`net-test-key:${name}`));
}

/** x-only public key of a name's test key. */
export function keyOf(name: string): Uint8Array {
  return xOnlyPublicKeyFromPrivate(privOf(name));
}

/** Schedule entries for names. */
export function producersOf(names: readonly string[]): { name: string; key: Uint8Array }[] {
  return [...names].sort().map((name) => ({ name, key: keyOf(name) }));
}

export const NAMES = ['alice', 'bob', 'carol', 'dave'] as const;
export const SCHEDULE: Schedule = { version: 1, producers: producersOf(NAMES) };

/** A header at height `num` on `parent` (unsigned; the network layer does not check signatures). */
export function headerAt(num: number, parent: Uint8Array, variant = 0, chainId: Uint8Array = CHAIN): BlockHeader {
  const z = new Uint8Array(32);
  return {
    chainId,
    num,
    slot: num * 2 + variant,
    parent,
    producer: num === 0 ? '' : NAMES[num % 4]!,
    activeVersion: 1,
    pendingVersion: 0,
    txRoot: sha256(utf8(`tx:${num}:${variant}`)),
    stateRoot: z,
    ancestorsRoot: z,
    justify: NULL_REF,
    finalRef: NULL_REF,
    producerSig: new Uint8Array(64),
  };
}

/** A transaction distinct per `n`. */
export function txOf(n: number, pad = 0): Transaction {
  const tx = new Transaction();
  tx.addInput(sha256(utf8(`prev:${n}`)), n % 7);
  tx.addOutput(new Uint8Array(pad + 2).fill(0x51), BigInt(1000 + n));
  return tx;
}

/** A linear chain of `n + 1` blocks (genesis + n), each with one transaction. */
export function fakeChain(n: number, variant = 0, base?: { blocks: Block[] }, forkAt = 0): Block[] {
  const blocks: Block[] = base ? base.blocks.slice(0, forkAt + 1) : [{ header: headerAt(0, new Uint8Array(32)), txs: [] }];
  while (blocks.length <= n) {
    const prev = blocks[blocks.length - 1]!;
    const num = blocks.length;
    blocks.push({ header: headerAt(num, blockId(prev.header), variant), txs: [txOf(num * 10 + variant)] });
  }
  return blocks;
}

/** The reference of a block. */
export function refOf(b: Block): BlockRef {
  return { id: blockId(b.header), num: b.header.num, slot: b.header.slot };
}

/** A signed vote by `voter` on `block`. */
export function voteOf(voter: string, block: BlockRef, phase: 'PREPARE' | 'COMMIT' = 'PREPARE'): Vote {
  return makeVote({ chainId: CHAIN, active: SCHEDULE }, phase, block, voter, privOf(voter), BIP340);
}

/** A structurally valid certificate (signatures are not checked by the network layer). */
export function qcOf(block: BlockRef, phase: 'PREPARE' | 'COMMIT' = 'COMMIT'): QC {
  const sigs = ['alice', 'bob', 'carol'].map((n) => voteOf(n, block, phase).sig);
  return { phase, block, activeVersion: 1, activeBitmap: Uint8Array.of(0b0111), activeSigs: sigs, pendingVersion: 0 };
}

/** A recorded log line. */
export interface LogLine {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

/** A logger that keeps its lines. */
export function recordingLogger(): NetLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    lines.push({ level, msg, fields: { ...fields } });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Polls `cond` every 10 ms until true; throws after `timeoutMs` with `what`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Sleeps `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Test config for a node named `name` listening on an ephemeral loopback port. */
export function nodeConfig(name: string, extra: Partial<NetworkConfig> = {}): NetworkConfig {
  return {
    chainId: CHAIN,
    name,
    privateKey: privOf(name),
    listen: { host: '127.0.0.1', port: 0 },
    producers: SCHEDULE.producers,
    backoff: { initialMs: 50, maxMs: 400, factor: 2, jitter: 0.2 },
    ...extra,
  };
}

/** Started nodes of a test, stopped by `stopAll`. */
export class Nodes {
  readonly all: P2PNode[] = [];

  async start(name: string, extra: Partial<NetworkConfig> = {}, handlers: NetworkHandlers = {}): Promise<P2PNode> {
    const n = new P2PNode(nodeConfig(name, extra), handlers);
    this.all.push(n);
    await n.start();
    return n;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all.map((n) => n.stop()));
  }
}

/** A hand-driven client: completes (or fakes) the handshake and sends whatever a test wants. */
export class RawPeer {
  readonly received: Message[] = [];
  readonly sentFrames: Uint8Array[] = [];
  closed = false;
  closeCode = 0;
  ready = false;
  private readonly ws: WebSocket;
  private nonce = freshNonce();
  private helloBytes: Uint8Array = new Uint8Array();
  /** Frames that arrived before `handshake` installed its handler (they may come with the upgrade). */
  private early: Buffer[] = [];
  private onData: ((data: Buffer) => void) | undefined;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data: Buffer) => {
      if (this.onData === undefined) this.early.push(data);
      else this.onData(data);
    });
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
    });
  }

  /** Opens a socket to `url` (no handshake yet). */
  static async open(url: string, opts: { maxPayload?: number } = {}): Promise<RawPeer> {
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: opts.maxPayload ?? 256 * 1024 * 1024 });
    const p = new RawPeer(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return p;
  }

  /** Connects and authenticates as `name` with `priv` (defaults: that name's test key). */
  static async connect(url: string, name: string, o: { priv?: Uint8Array; chainId?: Uint8Array; producer?: boolean; timestampMs?: number; autoPong?: boolean } = {}): Promise<RawPeer> {
    const p = await RawPeer.open(url);
    p.handshake(name, o);
    return p;
  }

  /** Sends a hello and answers the peer's hello with an auth. */
  handshake(name: string, o: { priv?: Uint8Array; chainId?: Uint8Array; producer?: boolean; timestampMs?: number; autoPong?: boolean } = {}): void {
    const priv = o.priv ?? privOf(name);
    const chainId = o.chainId ?? CHAIN;
    const hello: HelloMsg = {
      type: 'hello',
      version: PROTOCOL_VERSION,
      chainId,
      name,
      key: xOnlyPublicKeyFromPrivate(priv),
      producer: o.producer ?? true,
      head: NULL_REF,
      lib: NULL_REF,
      nonce: this.nonce,
      timestampMs: o.timestampMs ?? Date.now(),
      agent: 'rawpeer',
    };
    this.helloBytes = encodeMessage(hello);
    this.sendRaw(encodeFrame([this.helloBytes]));
    this.onData = (data: Buffer) => {
      const f = decodeFrame(data, 1 << 30, 1 << 20);
      if (!f.ok) return;
      for (const rec of f.value) {
        const m = decodeMessage(rec, DEFAULT_LIMITS);
        if (!m.ok) continue;
        this.received.push(m.value);
        if (m.value.type === 'hello') {
          const d = authDigest(chainId, this.helloBytes, this.nonce, rec, m.value.nonce);
          this.sendRaw(encodeFrame([encodeMessage({ type: 'auth', sig: signAuth(priv, d) })]));
        } else if (m.value.type === 'auth') {
          this.ready = true;
        } else if (m.value.type === 'ping' && o.autoPong !== false) {
          this.send({ type: 'pong', id: m.value.id });
        }
      }
    };
    for (const d of this.early.splice(0)) this.onData(d);
  }

  /** Sends one frame of bytes as they are (recorded in `sentFrames`). */
  sendRaw(frame: Uint8Array): void {
    this.sentFrames.push(frame);
    this.ws.send(frame, { binary: true });
  }

  /** Sends messages in one frame. */
  send(...ms: Message[]): void {
    this.sendRaw(encodeFrame(ms.map(encodeMessage)));
  }

  /** Stops reading from the socket (a slow reader). */
  pause(): void {
    this.ws.pause();
  }

  /** The underlying socket. */
  get socket(): WebSocket {
    return this.ws;
  }

  /** Closes and waits for the close. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.ws.terminate();
      await waitFor(() => this.closed, 'raw peer close', 2000);
    }
  }
}
