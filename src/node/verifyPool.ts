/**
 * A pool of worker threads that verify transaction scripts (signatures) off the main thread.
 *
 * `verify(job)` queues a job; jobs queued in one turn of the event loop go to a worker as one packed
 * batch (verifyProtocol.ts) and come back as verdicts. The pool only answers "these scripts pass
 * under these flags" for the given coins; what the node makes of it (the script cache, the mempool)
 * stays on the main thread (txSubmitter.ts).
 *
 * Workers hold a few batches each (`maxInFlight` × `maxBatch`, more than a block's production time
 * of work); jobs beyond that wait in the queue. While jobs wait, the main thread helps: between its own
 * events it takes the youngest waiting jobs and judges them itself, a few milliseconds at a time
 * (`helpSliceMs`, 0 turns this off). The workers keep the oldest ones, which acceptance needs first.
 * On a two-CPU machine the one worker is the bottleneck and the main thread is idle half the time;
 * helping turns that idle time into verification.
 *
 * Workers start on the first job, not with the node (a node that never receives a transaction pays
 * nothing). Until one is loaded, and whenever none is running or the queue is full, a job is answered
 * 'unavailable' at once and the caller verifies on its own thread. A worker that dies is replaced on
 * the next job, at most `maxRestarts` times; its jobs in flight answer 'unavailable'.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { ChainSpec } from '../chain/spec/types.ts';
import type { Logger } from './log.ts';
import { startTsWorker } from './tsWorker.ts';
import { judgeJob } from './verifyJob.ts';
import { VERDICT_INVALID, VERDICT_NOT_HANDLED, VERDICT_VALID, packBatch } from './verifyProtocol.ts';
import type { BatchVerdicts, VerifyJob } from './verifyProtocol.ts';

/** What a worker said about a job. */
export type VerifyVerdict = 'valid' | 'invalid' | 'unavailable';

/** Options of a pool. */
export interface VerifyPoolOptions {
  readonly spec: ChainSpec;
  /** Worker threads (at least 1). */
  readonly workers: number;
  readonly log: Logger;
  /** Most jobs per message (default 128). */
  readonly maxBatch?: number | undefined;
  /** Most batches in flight per worker (default 3); more jobs wait in the queue. */
  readonly maxInFlight?: number | undefined;
  /** Milliseconds the main thread spends per turn on waiting jobs (default 4; 0 = never helps). */
  readonly helpSliceMs?: number | undefined;
  /** Most jobs waiting in the queue; beyond it jobs answer 'unavailable' (default 20,000). */
  readonly maxQueued?: number | undefined;
  /** How many times dead workers are replaced before the pool gives up (default 3). */
  readonly maxRestarts?: number | undefined;
  /** Starts a worker (tests substitute their own). */
  readonly startWorker?: ((spec: ChainSpec) => Worker) | undefined;
}

/** Counters. */
export interface VerifyPoolStats {
  readonly workers: number;
  readonly ready: number;
  readonly queued: number;
  readonly inFlight: number;
  readonly valid: number;
  readonly invalid: number;
  readonly unavailable: number;
  readonly batches: number;
  readonly restarts: number;
  /** Milliseconds the workers spent verifying (summed over workers). */
  readonly busyMs: number;
  /** Jobs the main thread judged itself while workers were busy, and the milliseconds it spent. */
  readonly helped: number;
  readonly helpMs: number;
}

interface Waiter {
  readonly job: VerifyJob;
  readonly resolve: (v: VerifyVerdict) => void;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  dead: boolean;
  readonly inFlight: Map<number, Waiter[]>;
}

/** The default number of verification workers: one per CPU beyond the first (env CCHOST_VERIFY_WORKERS overrides). */
export function defaultVerifyWorkers(env: Readonly<Record<string, string | undefined>> = process.env, cpus = availableParallelism()): number {
  const v = env['CCHOST_VERIFY_WORKERS'];
  if (v !== undefined && /^\d+$/.test(v)) return Math.min(Number(v), 64);
  return Math.max(0, Math.min(cpus - 1, 8));
}

const WORKER_URL = new URL('./verifyWorker.ts', import.meta.url);

function verdictOf(v: number | undefined): VerifyVerdict {
  return v === VERDICT_VALID ? 'valid' : v === VERDICT_INVALID ? 'invalid' : 'unavailable';
}

/** The pool. Example: `const pool = new VerifyPool({ spec, workers: 1, log }); await pool.verify(job); await pool.close()`. */
export class VerifyPool {
  private readonly slots: Slot[] = [];
  private queue: Waiter[] = [];
  private flushScheduled = false;
  private nextId = 1;
  private closed = false;
  private started = false;
  private restarts = 0;
  private counts = { valid: 0, invalid: 0, unavailable: 0, batches: 0 };
  private busyMs = 0;
  private helped = 0;
  private helpMs = 0;
  private helpScheduled = false;
  private readonly helpSliceMs: number;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly maxQueued: number;
  private readonly maxRestarts: number;

  constructor(private readonly o: VerifyPoolOptions) {
    if (!Number.isInteger(o.workers) || o.workers < 1) throw new RangeError(`a verify pool needs at least one worker, got ${o.workers}`);
    this.maxBatch = o.maxBatch ?? 128;
    this.maxInFlight = o.maxInFlight ?? 3;
    this.helpSliceMs = o.helpSliceMs ?? 4;
    this.maxQueued = o.maxQueued ?? 20_000;
    this.maxRestarts = o.maxRestarts ?? 3;
  }

  /** True while at least one worker is loaded and taking jobs. */
  get ready(): boolean {
    return this.slots.some((s) => s.ready && !s.dead);
  }

  /**
   * Queues a job; resolves with the worker's verdict, or 'unavailable' (no worker ready, queue full,
   * pool closed, worker died) when the caller must verify itself. Never rejects. Starts the workers
   * on first use.
   */
  verify(job: VerifyJob): Promise<VerifyVerdict> {
    if (this.closed) return this.unavailable();
    this.ensureWorkers();
    if (!this.ready || this.queue.length >= this.maxQueued) return this.unavailable();
    return new Promise<VerifyVerdict>((resolve) => {
      this.queue.push({ job, resolve });
      this.scheduleFlush();
    });
  }

  /** Starts the workers now instead of at the first job (a bench or a busy node may want them warm). */
  warm(): void {
    if (!this.closed) this.ensureWorkers();
  }

  /** Counters. */
  stats(): VerifyPoolStats {
    let inFlight = 0;
    for (const s of this.slots) for (const w of s.inFlight.values()) inFlight += w.length;
    return {
      workers: this.slots.filter((s) => !s.dead).length,
      ready: this.slots.filter((s) => s.ready && !s.dead).length,
      queued: this.queue.length,
      inFlight,
      ...this.counts,
      restarts: this.restarts,
      busyMs: Math.round(this.busyMs),
      helped: this.helped,
      helpMs: Math.round(this.helpMs),
    };
  }

  /** Terminates the workers; queued and in-flight jobs answer 'unavailable'. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const waiting = this.queue;
    this.queue = [];
    for (const w of waiting) this.settle(w, 'unavailable');
    const slots = this.slots.splice(0);
    for (const s of slots) this.drop(s);
    await Promise.all(slots.map((s) => s.worker.terminate().catch(() => 0)));
  }

  private unavailable(): Promise<VerifyVerdict> {
    this.counts.unavailable++;
    return Promise.resolve('unavailable');
  }

  private settle(w: Waiter, v: VerifyVerdict): void {
    this.counts[v]++;
    w.resolve(v);
  }

  private ensureWorkers(): void {
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.o.workers; i++) this.startOne();
      return;
    }
    const alive = this.slots.filter((s) => !s.dead).length;
    for (let i = alive; i < this.o.workers && this.restarts < this.maxRestarts; i++) {
      this.restarts++;
      this.o.log.warn('restarting a script verification worker', { restarts: this.restarts });
      this.startOne();
    }
  }

  private startOne(): void {
    let worker: Worker;
    try {
      worker = (this.o.startWorker ?? ((spec) => startTsWorker(WORKER_URL, { spec })))(this.o.spec);
    } catch (e) {
      this.o.log.error('cannot start a script verification worker; verifying on the main thread', { err: e });
      this.restarts = this.maxRestarts;
      return;
    }
    const slot: Slot = { worker, ready: false, dead: false, inFlight: new Map() };
    this.slots.push(slot);
    worker.unref(); // an idle worker does not keep the process alive; one with jobs does (flush, answer)
    worker.on('message', (m: BatchVerdicts | { ready: true }) => {
      if ('ready' in m) {
        slot.ready = true;
        this.o.log.debug('script verification worker ready', { workers: this.stats().ready });
        this.scheduleFlush();
        return;
      }
      this.answer(slot, m);
    });
    worker.on('error', (e) => {
      if (!this.closed) this.o.log.error('a script verification worker failed; its jobs are verified on the main thread', { err: e });
      this.drop(slot);
    });
    worker.on('exit', (code) => {
      if (!this.closed && !slot.dead) this.o.log.error('a script verification worker exited', { code });
      this.drop(slot);
    });
  }

  /** Marks a worker dead and hands its jobs back to the callers. */
  private drop(slot: Slot): void {
    if (slot.dead) return;
    slot.dead = true;
    slot.ready = false;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    for (const waiters of slot.inFlight.values()) for (const w of waiters) this.settle(w, 'unavailable');
    slot.inFlight.clear();
    if (!this.ready) {
      const waiting = this.queue;
      this.queue = [];
      for (const w of waiting) this.settle(w, 'unavailable');
    } else {
      this.scheduleFlush();
    }
  }

  private answer(slot: Slot, m: BatchVerdicts): void {
    const waiters = slot.inFlight.get(m.id);
    if (waiters === undefined) return;
    slot.inFlight.delete(m.id);
    if (slot.inFlight.size === 0) slot.worker.unref();
    this.busyMs += m.ms;
    for (let i = 0; i < waiters.length; i++) {
      this.settle(waiters[i]!, verdictOf(m.verdicts[i]));
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.queue.length === 0) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private scheduleHelp(): void {
    if (this.helpSliceMs <= 0 || this.helpScheduled || this.queue.length === 0) return;
    this.helpScheduled = true;
    setImmediate(() => {
      this.helpScheduled = false;
      this.help();
    });
  }

  /** Judges the youngest waiting jobs on this thread for up to `helpSliceMs`, then yields to other events. */
  private help(): void {
    if (this.closed) return;
    const t0 = performance.now();
    let t = t0;
    while (this.queue.length > 0 && t - t0 < this.helpSliceMs) {
      const w = this.queue.pop()!;
      let v: number;
      try {
        v = judgeJob(this.o.spec, w.job);
      } catch {
        v = VERDICT_NOT_HANDLED;
      }
      this.helped++;
      this.settle(w, verdictOf(v));
      t = performance.now();
    }
    this.helpMs += t - t0;
    this.scheduleHelp();
  }

  /** Hands queued jobs to the least busy ready workers, up to `maxInFlight` batches each. */
  private flush(): void {
    while (this.queue.length > 0) {
      let best: Slot | undefined;
      for (const s of this.slots) {
        if (!s.ready || s.dead || s.inFlight.size >= this.maxInFlight) continue;
        if (best === undefined || s.inFlight.size < best.inFlight.size) best = s;
      }
      if (best === undefined) {
        this.scheduleHelp(); // every worker is full and jobs wait
        return;
      }
      const take = this.queue.length <= this.maxBatch ? this.queue.splice(0) : this.queue.splice(0, this.maxBatch);
      const id = this.nextId++;
      const batch = packBatch(id, take.map((w) => w.job));
      best.inFlight.set(id, take);
      best.worker.ref();
      this.counts.batches++;
      try {
        best.worker.postMessage(batch, [batch.meta.buffer as ArrayBuffer, batch.bytes.buffer as ArrayBuffer]);
      } catch (e) {
        this.o.log.error('cannot post to a script verification worker', { err: e });
        this.drop(best);
      }
    }
  }
}
