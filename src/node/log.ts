/**
 * A small structured logger: one line per event on stderr, JSON (`{"time","level","msg",...}`) when the
 * stream is not a terminal, `HH:MM:SS.mmm LEVEL msg key=value` when it is. Child loggers add fixed
 * fields (`log.child({ component: 'producer' })`). Values that are bigints print as digit strings, bytes
 * as hex, errors as `{name, message, code?, stack}` (stack only at debug level or for untyped errors).
 */
import { toHex } from '../util/bytes.ts';

/** Log levels, lowest first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

/** A log level name. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Structured fields of a log line. */
export type LogFields = Readonly<Record<string, unknown>>;

/** The logger every node part receives. */
export interface Logger {
  readonly level: LogLevel;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `bindings` to every line. */
  child(bindings: LogFields): Logger;
}

/** Where lines go: a writable with an optional TTY flag (process.stderr by default). */
export interface LogSink {
  write(line: string): unknown;
  readonly isTTY?: boolean | undefined;
}

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** Lowest level written (default `info`). */
  readonly level?: LogLevel;
  /** Default `process.stderr`. */
  readonly sink?: LogSink;
  /** Force JSON (true) or text (false); default JSON unless the sink is a TTY. */
  readonly json?: boolean;
  /** Clock for the `time` field (tests). */
  readonly now?: () => number;
}

/** True when `s` names a level. */
export function isLogLevel(s: unknown): s is LogLevel {
  return typeof s === 'string' && (LOG_LEVELS as readonly string[]).includes(s);
}

function plain(v: unknown, depth = 0): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return toHex(v);
  if (v instanceof Error) {
    const code = (v as { code?: unknown }).code;
    return { name: v.name, message: v.message, ...(code !== undefined ? { code } : {}), ...(v.stack !== undefined ? { stack: v.stack } : {}) };
  }
  if (depth < 4 && Array.isArray(v)) return v.map((x) => plain(x, depth + 1));
  if (depth < 4 && typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plain(x, depth + 1);
    return out;
  }
  return v;
}

function textValue(v: unknown): string {
  const p = plain(v);
  if (typeof p === 'string') return /^[^\s"=]+$/.test(p) ? p : JSON.stringify(p);
  if (typeof p === 'object' && p !== null && 'stack' in p && typeof (p as { stack: unknown }).stack === 'string') {
    return `\n${(p as { stack: string }).stack}`;
  }
  return JSON.stringify(p);
}

class LineLogger implements Logger {
  constructor(
    readonly level: LogLevel,
    private readonly sink: LogSink,
    private readonly json: boolean,
    private readonly now: () => number,
    private readonly bindings: LogFields,
  ) {}

  private write(level: LogLevel, msg: string, fields: LogFields | undefined): void {
    if (LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(this.level)) return;
    const all = fields === undefined ? this.bindings : { ...this.bindings, ...fields };
    const t = this.now();
    let line: string;
    if (this.json) {
      const rec: Record<string, unknown> = { time: new Date(t).toISOString(), level, msg };
      for (const [k, v] of Object.entries(all)) if (v !== undefined) rec[k] = plain(v);
      try {
        line = JSON.stringify(rec);
      } catch {
        line = JSON.stringify({ time: rec['time'], level, msg, note: 'fields not serializable' });
      }
    } else {
      const parts = [new Date(t).toISOString().slice(11, 23), level.toUpperCase().padEnd(5), msg];
      for (const [k, v] of Object.entries(all)) if (v !== undefined) parts.push(`${k}=${textValue(v)}`);
      line = parts.join(' ');
    }
    this.sink.write(`${line}\n`);
  }

  debug(msg: string, fields?: LogFields): void {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.write('error', msg, fields);
  }
  child(bindings: LogFields): Logger {
    return new LineLogger(this.level, this.sink, this.json, this.now, { ...this.bindings, ...bindings });
  }
}

/**
 * A logger writing to stderr (or `sink`). Example:
 * `const log = createLogger({ level: 'info' }); log.child({ component: 'rpc' }).info('listening', { url })`.
 */
export function createLogger(o: LoggerOptions = {}): Logger {
  const sink = o.sink ?? process.stderr;
  return new LineLogger(o.level ?? 'info', sink, o.json ?? sink.isTTY !== true, o.now ?? Date.now, {});
}

/** A logger that writes nothing (tests, tools). */
export const SILENT_LOGGER: Logger = createLogger({ level: 'silent', sink: { write: () => undefined }, json: true });
