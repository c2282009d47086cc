/**
 * The logger the P2P layer writes to (structurally the node's `Logger`, so the node passes its own),
 * and `OnceLog`, which turns a stream of repeated events into one line per key plus a counter.
 */

/** Structured fields of a log line. */
export type NetLogFields = Readonly<Record<string, unknown>>;

/** What `src/net` needs of a logger (a subset of `src/node/log.ts`'s `Logger`). */
export interface NetLogger {
  debug(msg: string, fields?: NetLogFields): void;
  info(msg: string, fields?: NetLogFields): void;
  warn(msg: string, fields?: NetLogFields): void;
  error(msg: string, fields?: NetLogFields): void;
}

/** A logger that writes nothing. */
export const SILENT_NET_LOGGER: NetLogger = Object.freeze({ debug() {}, info() {}, warn() {}, error() {} });

/**
 * Counts events by key and logs only the first of each key (bounded: the oldest keys are forgotten
 * past `capacity`). Example: `once.hit('1.2.3.4|NET_HANDSHAKE_WRONG_CHAIN', () => log.warn(...))`.
 */
export class OnceLog {
  private readonly counts = new Map<string, number>();

  constructor(private readonly capacity = 4096) {}

  /** Counts `key`; runs `first` only the first time. Returns the count so far. */
  hit(key: string, first: () => void): number {
    const n = (this.counts.get(key) ?? 0) + 1;
    if (n === 1) {
      if (this.counts.size >= this.capacity) this.counts.delete(this.counts.keys().next().value!);
      first();
    }
    this.counts.set(key, n);
    return n;
  }

  /** How often `key` was hit. */
  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Forgets `key` (the next hit logs again). */
  reset(key: string): void {
    this.counts.delete(key);
  }
}
