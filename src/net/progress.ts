/**
 * Sync progress for people: a one-line bar redrawn in place when stderr is a terminal
 * (`[##########··········]  52%  1,234/2,370 blocks  812 blk/s  ETA 1s`), otherwise a log line every
 * few seconds, so files and journald get a readable record instead of carriage returns.
 */
import type { NetLogger } from './log.ts';
import type { SyncProgress } from './sync.ts';

/** Where the bar is drawn (process.stderr by default). */
export interface ProgressStream {
  write(s: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

function group(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A duration as `45s`, `3m05s` or `2h07m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * The bar line for a progress value, `width` characters of bar. Pure.
 * Example: `renderProgress({done: 50, total: 100, ...}, 10)` starts with `[#####·····]  50%`.
 */
export function renderProgress(p: SyncProgress, width = 24): string {
  const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
  const filled = Math.round(frac * width);
  const bar = `[${'#'.repeat(filled)}${'·'.repeat(width - filled)}]`;
  const pct = `${Math.floor(frac * 100)}%`.padStart(4);
  const eta = p.finished ? 'done' : p.etaMs !== undefined ? `ETA ${formatDuration(p.etaMs)}` : 'ETA ?';
  return `${bar} ${pct}  ${group(p.done)}/${group(p.total)} blocks  ${group(p.rate)} blk/s  ${eta}`;
}

/** Options of `progressReporter`. */
export interface ProgressReporterOptions {
  readonly stream?: ProgressStream;
  /** Used when the stream is not a terminal. */
  readonly log?: NetLogger;
  /** Text before the bar (default `sync`). */
  readonly label?: string;
  /** Least ms between two redraws of the bar (default 100). */
  readonly redrawMs?: number;
  /** Least ms between two log lines when not a terminal (default 5,000). */
  readonly logEveryMs?: number;
  readonly now?: () => number;
}

/**
 * A `SyncLocal.onProgress` callback that draws a bar on a terminal or logs periodically otherwise.
 * Example: `sync: { ..., onProgress: progressReporter({ log }) }`.
 */
export function progressReporter(o: ProgressReporterOptions = {}): (p: SyncProgress) => void {
  const stream = o.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const label = o.label ?? 'sync';
  const now = o.now ?? Date.now;
  const every = tty ? (o.redrawMs ?? 100) : (o.logEveryMs ?? 5_000);
  let last = -Infinity;
  let drawn = false;
  return (p: SyncProgress) => {
    const t = now();
    if (!p.finished && t - last < every) return;
    last = t;
    if (tty) {
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 60));
      stream.write(`\r\x1b[2K${label} ${renderProgress(p, width)}${p.finished ? '\n' : ''}`);
      drawn = !p.finished;
      return;
    }
    if (p.finished && !drawn && p.done === 0) return;
    drawn = true;
    const fields = { done: p.done, total: p.total, target: p.target, rate: Math.round(p.rate), eta: p.etaMs !== undefined ? formatDuration(p.etaMs) : undefined, peers: p.peers };
    if (o.log !== undefined) o.log.info(p.finished ? `${label} finished` : `${label} progress`, fields);
    else stream.write(`${label} ${renderProgress(p, 20)}\n`);
  };
}
