/**
 * Block-range sync for a node that starts late or restarts (CONSENSUS.md §5.10 step 4). Given our
 * head and the heads peers announce, the `Syncer` asks the best peers for the missing heights in
 * bounded batches (several in flight, spread over peers), checks that each answer starts where asked
 * and links block to block, hands the blocks to the node in height order, and on a timeout, a bad
 * answer or a block the node rejects penalises that peer and asks another. Progress (done/total,
 * rate, ETA) goes to a callback; `progress.ts` draws it.
 *
 * If the first block does not link to our head, our head is on a branch the peers abandoned: the
 * sync restarts from our LIB (final blocks never change), and the fork database picks the branch.
 */
import { headerId } from '../consensus/header.ts';
import type { BlockRef } from '../chain/block/types.ts';
import { equalBytes } from '../util/bytes.ts';
import type { Result } from '../util/errors.ts';
import { NetErrorCode } from './errors.ts';
import type { NetError } from './errors.ts';
import type { RawBlock } from './messages.ts';
import type { MisbehaviourReason } from './score.ts';
import type { HandlerResult, Verdict } from './types.ts';

/** A peer as the syncer sees it. */
export interface SyncPeer {
  readonly id: string;
  readonly name: string;
  readonly head: BlockRef;
  readonly lib: BlockRef;
  /** Misbehaviour score (lower is preferred). */
  readonly score: number;
}

/** Blocks a peer sent for a range request. */
export interface BlockRange {
  readonly peerId: string;
  readonly from: number;
  readonly blocks: readonly RawBlock[];
}

/** Where the syncer gets blocks from (the `P2PNode`, or a fake in tests). */
export interface SyncSource {
  syncPeers(): SyncPeer[];
  requestBlocks(peerId: string, from: number, count: number, maxBytes: number, timeoutMs?: number): Promise<Result<BlockRange, NetError>>;
  penalize(peerId: string, reason: MisbehaviourReason, detail?: string): void;
}

/** The node's side of sync. */
export interface SyncLocal {
  /** Our best head and LIB now. */
  head(): { readonly head: BlockRef; readonly lib: BlockRef };
  /** Applies one synced block (in height order); a `{reject}` verdict penalises the peer that sent it. */
  apply(block: RawBlock['block'], raw: Uint8Array, peerId: string): HandlerResult;
  onProgress?(p: SyncProgress): void;
  /** A sync run ended (caught up, or gave up after repeated failures). */
  onDone?(r: SyncOutcome): void;
}

/** Sync settings. */
export interface SyncOptions {
  /** Blocks per request. */
  readonly batchBlocks: number;
  /** Byte budget per request. */
  readonly batchBytes: number;
  /** Requests in flight at once (spread over peers). */
  readonly parallel: number;
  /** Timeout of one request. */
  readonly requestTimeoutMs: number;
  /** Start a sync when a peer's head is more than this many blocks above ours. */
  readonly behindThreshold: number;
  /** A peer that failed is not asked again for this long. */
  readonly excludeMs: number;
  /** Give up a run after this many waits with no usable peer. */
  readonly maxStalls: number;
  /** Least time between two progress callbacks. */
  readonly progressIntervalMs: number;
}

/** Defaults: 128 blocks or 4 MiB per request, 3 in flight, 10 s timeout, sync when 2+ blocks behind. */
export const DEFAULT_SYNC_OPTIONS: SyncOptions = Object.freeze({
  batchBlocks: 128,
  batchBytes: 4 * 1024 * 1024,
  parallel: 3,
  requestTimeoutMs: 10_000,
  behindThreshold: 2,
  excludeMs: 5_000,
  maxStalls: 20,
  progressIntervalMs: 250,
});

/** Progress of a sync run. */
export interface SyncProgress {
  /** Height we started from. */
  readonly startNum: number;
  /** Highest head announced by a peer (grows while syncing). */
  readonly target: number;
  /** Blocks applied in this run. */
  readonly done: number;
  /** Blocks to apply in all: target − startNum (at least `done`). */
  readonly total: number;
  /** Blocks per second since the run started. */
  readonly rate: number;
  /** Estimated ms left (undefined until a rate is known). */
  readonly etaMs: number | undefined;
  /** Peers serving this run. */
  readonly peers: number;
  readonly finished: boolean;
}

/** How a run ended. */
export interface SyncOutcome {
  readonly ok: boolean;
  readonly applied: number;
  readonly head: number;
  readonly reason?: string;
}

interface Range {
  from: number;
  count: number;
  peerId: string;
  result: Promise<Result<BlockRange, NetError>>;
  settled?: Result<BlockRange, NetError>;
}

function verdictOf(v: Verdict | void): Verdict {
  return v === undefined ? 'ignore' : v;
}

/** Drives block-range sync. Example: `const s = new Syncer(net, local); s.kick()` when a peer is ahead. */
export class Syncer {
  private readonly opts: SyncOptions;
  private running: Promise<void> | undefined;
  private stopped = false;
  private waitTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private readonly excluded = new Map<string, number>();
  private readonly inflight = new Map<string, number>();
  private progress: SyncProgress | undefined;
  private lastProgressAt = 0;
  private rekick = false;

  constructor(
    private readonly source: SyncSource,
    private readonly local: SyncLocal,
    opts: Partial<SyncOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.opts = { ...DEFAULT_SYNC_OPTIONS, ...opts };
  }

  /** True while a run is in progress. */
  get syncing(): boolean {
    return this.running !== undefined;
  }

  /** The latest progress of the current or last run. */
  get lastProgress(): SyncProgress | undefined {
    return this.progress;
  }

  /** Highest head announced by a usable peer. */
  bestTarget(): number {
    let t = -1;
    const n = this.now();
    for (const p of this.source.syncPeers()) if ((this.excluded.get(p.id) ?? 0) <= n && p.head.num > t) t = p.head.num;
    return t;
  }

  /**
   * Starts a run when a peer is ahead by more than `behindThreshold` (or by any block with `force`,
   * e.g. after a block with an unknown parent arrived). Returns the run's promise (resolved at once
   * when nothing is to do). Never rejects.
   */
  kick(force = false): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running !== undefined) {
      this.rekick = true;
      return this.running;
    }
    const ours = this.local.head().head.num;
    const target = this.bestTarget();
    if (target <= ours + (force ? 0 : this.opts.behindThreshold)) return Promise.resolve();
    this.running = this.run().finally(() => {
      this.running = undefined;
      if (this.rekick && !this.stopped) {
        this.rekick = false;
        void this.kick();
      }
    });
    return this.running;
  }

  /** Stops the current run (no further requests or callbacks). */
  stop(): void {
    this.stopped = true;
    if (this.waitTimer !== undefined) clearTimeout(this.waitTimer);
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = () => resolve();
      this.waitTimer = setTimeout(resolve, ms);
    }).then(() => {
      this.waitTimer = undefined;
      this.wake = undefined;
    });
  }

  private exclude(peerId: string): void {
    this.excluded.set(peerId, this.now() + this.opts.excludeMs);
  }

  private pickPeer(from: number): string | undefined {
    const n = this.now();
    let best: SyncPeer | undefined;
    let bestLoad = Infinity;
    for (const p of this.source.syncPeers()) {
      if (p.head.num < from || (this.excluded.get(p.id) ?? 0) > n) continue;
      const load = this.inflight.get(p.id) ?? 0;
      if (load >= 2) continue;
      if (best === undefined || load < bestLoad || (load === bestLoad && p.score < best.score)) {
        best = p;
        bestLoad = load;
      }
    }
    return best?.id;
  }

  private request(peerId: string, from: number, count: number): Range {
    this.inflight.set(peerId, (this.inflight.get(peerId) ?? 0) + 1);
    const range: Range = {
      from,
      count,
      peerId,
      result: this.source.requestBlocks(peerId, from, count, this.opts.batchBytes, this.opts.requestTimeoutMs).then(
        (r) => r,
        (e: unknown) => ({ ok: false as const, error: { code: NetErrorCode.PEER_GONE, message: String(e) } }),
      ),
    };
    void range.result.then((r) => {
      range.settled = r;
      const left = (this.inflight.get(peerId) ?? 1) - 1;
      if (left <= 0) this.inflight.delete(peerId);
      else this.inflight.set(peerId, left);
    });
    return range;
  }

  private report(p: Omit<SyncProgress, 'rate' | 'etaMs'>, startedAt: number, force: boolean): void {
    const t = this.now();
    const secs = Math.max(0.001, (t - startedAt) / 1000);
    const rate = p.done / secs;
    const etaMs = rate > 0 ? Math.round(((p.total - p.done) / rate) * 1000) : undefined;
    this.progress = { ...p, rate, etaMs };
    if (!force && t - this.lastProgressAt < this.opts.progressIntervalMs) return;
    this.lastProgressAt = t;
    try {
      this.local.onProgress?.(this.progress);
    } catch {
      // a progress display must not break sync
    }
  }

  private async run(): Promise<void> {
    const startedAt = this.now();
    const first = this.local.head();
    const startNum = first.head.num;
    let next = startNum + 1;
    let expectParent: Uint8Array | undefined = first.head.id;
    let fromLib = false;
    let target = Math.max(this.bestTarget(), startNum);
    let applied = 0;
    let stalls = 0;
    let ranges: Range[] = [];
    let reqNext = next;
    const servers = new Set<string>();
    const restartAt = (num: number): void => {
      ranges = [];
      reqNext = num;
    };
    let outcome: SyncOutcome | undefined;

    while (!this.stopped) {
      target = Math.max(target, this.bestTarget());
      // fill the window with consecutive ranges
      while (ranges.length < this.opts.parallel && reqNext <= target) {
        const peer = this.pickPeer(reqNext);
        if (peer === undefined) break;
        const count = Math.min(this.opts.batchBlocks, target - reqNext + 1);
        ranges.push(this.request(peer, reqNext, count));
        servers.add(peer);
        reqNext += count;
      }
      const total = Math.max(applied, target - startNum);
      this.report({ startNum, target, done: applied, total, peers: servers.size, finished: false }, startedAt, false);
      const head = ranges[0];
      if (head === undefined) {
        if (next > target) {
          outcome = { ok: true, applied, head: next - 1 };
          break;
        }
        if (++stalls > this.opts.maxStalls) {
          outcome = { ok: false, applied, head: next - 1, reason: `no peer served heights from ${next} (target ${target})` };
          break;
        }
        await this.sleep(Math.min(this.opts.excludeMs, 250));
        continue;
      }
      const r = await head.result;
      if (this.stopped) break;
      const fail = (reason: MisbehaviourReason | undefined, detail: string): void => {
        if (reason !== undefined) this.source.penalize(head.peerId, reason, detail);
        this.exclude(head.peerId);
        restartAt(next);
      };
      if (!r.ok) {
        fail(r.error.code === NetErrorCode.REQUEST_TIMEOUT ? 'timeout' : undefined, r.error.message);
        continue;
      }
      const blocks = r.value.blocks;
      if (blocks.length === 0) {
        // the peer no longer has these heights (it switched branches, or announced more than it has)
        fail(undefined, 'empty range');
        continue;
      }
      stalls = 0;
      let broken = false;
      for (const { block, raw } of blocks) {
        if (this.stopped) break;
        const h = block.header;
        if (h.num !== next) {
          fail('bad-range', `block ${h.num} where ${next} was expected`);
          broken = true;
          break;
        }
        if (expectParent !== undefined && !equalBytes(h.parent, expectParent)) {
          if (applied === 0 && !fromLib && first.lib.num < startNum) {
            // our head is on a branch the peer does not have: sync from our LIB instead
            fromLib = true;
            const lib = this.local.head().lib;
            next = lib.num + 1;
            expectParent = lib.id;
            restartAt(next);
          } else {
            fail('bad-range', `block ${h.num} does not link to block ${h.num - 1}`);
          }
          broken = true;
          break;
        }
        let v: Verdict;
        try {
          v = verdictOf(await this.local.apply(block, raw, head.peerId));
        } catch (e) {
          v = { reject: 'invalid-block', detail: e instanceof Error ? e.message : String(e) };
        }
        if (typeof v === 'object') {
          fail(v.reject, v.detail ?? `block ${h.num} rejected`);
          broken = true;
          break;
        }
        expectParent = headerId(h);
        next++;
        applied++;
      }
      if (broken || this.stopped) continue;
      ranges.shift();
      if (blocks.length < head.count) {
        // a short answer (byte budget): ask again for the rest, before the ranges already in flight
        const rest = this.request(head.peerId, next, head.from + head.count - next);
        ranges.unshift(rest);
      }
    }
    const total = Math.max(applied, target - startNum);
    this.report({ startNum, target, done: applied, total, peers: servers.size, finished: true }, startedAt, true);
    const end = outcome ?? { ok: false, applied, head: next - 1, reason: 'stopped' };
    try {
      this.local.onDone?.(end);
    } catch {
      // ignore callback failures
    }
  }
}
