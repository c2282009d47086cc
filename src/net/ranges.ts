/**
 * Block ranges on the wire: serving `get-blocks` from the node's `serveBlocks` (trimmed to the count
 * and byte budget, at most a few at once per peer), and asking peers for ranges, with a timeout per
 * request and checks that the answer matches what was asked. Used by `P2PNode`; the `Syncer` decides
 * what to ask for.
 */
import { equalBytes } from '../util/bytes.ts';
import { ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { encodeBlocksResponse } from './codec.ts';
import { NetErrorCode, netFail } from './errors.ts';
import type { NetError } from './errors.ts';
import type { NetLimits } from './limits.ts';
import { BlocksStatus } from './messages.ts';
import type { BlocksMsg, BlocksStatusCode, GetBlocksMsg } from './messages.ts';
import type { Connection } from './peer.ts';
import { Lane } from './queue.ts';
import type { MisbehaviourReason } from './score.ts';
import type { BlockRange } from './sync.ts';
import type { NetworkHandlers } from './types.ts';

interface PendingRequest {
  readonly conn: Connection;
  readonly from: number;
  readonly count: number;
  readonly maxBytes: number;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (r: Result<BlockRange, NetError>) => void;
}

/** What the range service needs from the network. */
export interface RangeContext {
  readonly chainId: Uint8Array;
  readonly limits: NetLimits;
  readonly maxServePerPeer: number;
  readonly serveBlocks: NetworkHandlers['serveBlocks'];
  offence(c: Connection, reason: MisbehaviourReason, detail: string): void;
  handlerThrew(what: string, e: unknown): void;
}

function isPromise<T>(v: unknown): v is Promise<T> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** Range requests in flight and range serving. Example: `ranges.request(conn, 100, 64, 1 << 22, 10_000)`. */
export class BlockRanges {
  private readonly pending = new Map<number, PendingRequest>();
  private nextReqId = 1;

  constructor(private readonly ctx: RangeContext) {}

  /** Asks `c` for blocks from..from+count−1 (clamped to the limits). Never rejects. */
  request(c: Connection, from: number, count: number, maxBytes: number, timeoutMs: number): Promise<Result<BlockRange, NetError>> {
    const n = Math.max(1, Math.min(count, this.ctx.limits.maxRangeCount));
    const budget = Math.max(1, Math.min(maxBytes, this.ctx.limits.maxRangeBytes));
    const reqId = this.nextReqId;
    this.nextReqId = this.nextReqId >= 0xffffffff ? 1 : this.nextReqId + 1;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(reqId);
        resolve(netFail(NetErrorCode.REQUEST_TIMEOUT, `${c.ref!.name} did not answer blocks ${from}+${n} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(reqId, { conn: c, from, count: n, maxBytes: budget, timer, resolve });
      c.send({ type: 'get-blocks', reqId, from, count: n, maxBytes: budget }, Lane.MID);
    });
  }

  /** Answers a `get-blocks` from `c`. */
  serve(c: Connection, m: GetBlocksMsg): void {
    const { limits, serveBlocks } = this.ctx;
    const reply = (status: BlocksStatusCode, blocks: readonly Uint8Array[]): void => {
      c.sendEncoded(encodeBlocksResponse(m.reqId, m.from, status, blocks), Lane.MID);
    };
    if (serveBlocks === undefined) return reply(BlocksStatus.UNAVAILABLE, []);
    if (c.serving >= this.ctx.maxServePerPeer) return reply(BlocksStatus.BUSY, []);
    const budget = Math.min(m.maxBytes, limits.maxRangeBytes);
    const count = Math.min(m.count, limits.maxRangeCount);
    const trim = (blocks: readonly Uint8Array[]): Uint8Array[] => {
      const out: Uint8Array[] = [];
      let size = 0;
      for (const b of blocks) {
        if (out.length >= count || b.length > limits.maxBlockBytes) break;
        if (out.length > 0 && size + b.length > budget) break;
        out.push(b);
        size += b.length;
      }
      return out;
    };
    let r: readonly Uint8Array[] | Promise<readonly Uint8Array[]>;
    try {
      r = serveBlocks(m.from, count, budget);
    } catch (e) {
      this.ctx.handlerThrew('serveBlocks', e);
      return reply(BlocksStatus.UNAVAILABLE, []);
    }
    if (!isPromise<readonly Uint8Array[]>(r)) return reply(BlocksStatus.OK, trim(r));
    c.serving++;
    r.then(
      (blocks) => {
        c.serving--;
        reply(BlocksStatus.OK, trim(blocks));
      },
      (e: unknown) => {
        c.serving--;
        this.ctx.handlerThrew('serveBlocks', e);
        reply(BlocksStatus.UNAVAILABLE, []);
      },
    );
  }

  /** Matches a `blocks` answer from `c` to its request and checks it. */
  onBlocks(c: Connection, m: BlocksMsg): void {
    const p = this.pending.get(m.reqId);
    if (p === undefined || p.conn !== c) return this.ctx.offence(c, 'unsolicited', `blocks response ${m.reqId} nobody asked for`);
    this.pending.delete(m.reqId);
    clearTimeout(p.timer);
    if (m.status !== BlocksStatus.OK) {
      p.resolve(netFail(NetErrorCode.PEER_BUSY, `${c.ref!.name} answered ${m.status === BlocksStatus.BUSY ? 'busy' : 'unavailable'}`));
      return;
    }
    const bad = this.problem(p, m);
    if (bad !== undefined) {
      this.ctx.offence(c, 'bad-range', bad);
      p.resolve(netFail(NetErrorCode.BAD_RANGE, `${c.ref!.name}: ${bad}`));
      return;
    }
    p.resolve(ok({ peerId: c.ref!.id, from: m.from, blocks: m.blocks }));
  }

  private problem(p: PendingRequest, m: BlocksMsg): string | undefined {
    if (m.from !== p.from) return `answer starts at ${m.from}, asked ${p.from}`;
    if (m.blocks.length > p.count) return `${m.blocks.length} blocks, asked ${p.count}`;
    let size = 0;
    for (let i = 0; i < m.blocks.length; i++) {
      const b = m.blocks[i]!;
      if (b.block.header.num !== p.from + i) return `block ${i} has height ${b.block.header.num}, expected ${p.from + i}`;
      if (!equalBytes(b.block.header.chainId, this.ctx.chainId)) return `block ${b.block.header.num} is of another chain`;
      size += b.raw.length;
      if (i > 0 && size > p.maxBytes) return `${size} bytes, budget ${p.maxBytes}`;
    }
    return undefined;
  }

  /**
   * A `blocks` message from `c` that does not decode: fails its request at once (instead of waiting
   * for the timeout). True when it answered one of our requests.
   */
  failUndecodable(c: Connection, rec: Uint8Array, error: NetError): boolean {
    if (rec.length < 5) return false;
    const reqId = (rec[1]! | (rec[2]! << 8) | (rec[3]! << 16)) + rec[4]! * 0x1000000;
    const p = this.pending.get(reqId);
    if (p === undefined || p.conn !== c) return false;
    this.pending.delete(reqId);
    clearTimeout(p.timer);
    p.resolve(netFail(NetErrorCode.BAD_RANGE, `${c.ref!.name} sent a range that does not decode: ${error.message}`));
    return true;
  }

  /** Fails the requests waiting on `c` (it disconnected), or all of them when `c` is undefined. */
  dropRequests(c: Connection | undefined, why: string): void {
    for (const [reqId, p] of this.pending) {
      if (c !== undefined && p.conn !== c) continue;
      clearTimeout(p.timer);
      this.pending.delete(reqId);
      p.resolve(netFail(NetErrorCode.PEER_GONE, why));
    }
  }
}
