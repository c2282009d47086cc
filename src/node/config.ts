/**
 * Node settings with one precedence: built-in defaults < config file (JSON) < environment
 * (`CCHOST_*`) < command-line flags. Each option is declared once (`OptionSpec`): its kind, its
 * environment variable and its help line drive parsing, validation and the usage text. Every error
 * names where the bad value came from (`--rpcport`, `CCHOST_RPCPORT`, or the config file) and what
 * is expected.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { NodeErrorCode, nodeError } from './errors.ts';
import { isLogLevel, LOG_LEVELS } from './log.ts';
import { DEFAULT_RPC_PORT } from '../rpc/defaults.ts';

/** The kinds of option value. */
export type OptionKind = 'string' | 'path' | 'port' | 'count' | 'flag' | 'loglevel';

/** One option. */
export interface OptionSpec {
  readonly kind: OptionKind;
  readonly help: string;
  /** Environment variable (`CCHOST_...`), if the option has one. */
  readonly env?: string;
  /** Allowed range of a `count`. */
  readonly min?: number;
  readonly max?: number;
  /** Not accepted in a config file (e.g. `config` itself, one-shot actions like `reset`). */
  readonly cliOnly?: boolean;
}

/** A resolved value. */
export type OptionValue = string | number | boolean;

/** Options every node command has. */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = Object.freeze({
  datadir: { kind: 'path', env: 'CCHOST_DATADIR', help: 'data directory (chain.json, chain.sqlite, wallet.json, .cookie)' },
  config: { kind: 'path', help: 'JSON config file: {"datadir": ..., "rpcport": ..., ...} (flags and CCHOST_* override it)', cliOnly: true },
  rpcbind: { kind: 'string', env: 'CCHOST_RPCBIND', help: 'interface the RPC server listens on (default 127.0.0.1)' },
  rpcport: { kind: 'port', env: 'CCHOST_RPCPORT', help: 'RPC port (default 7780; 0 picks a free port)' },
  rpcuser: { kind: 'string', env: 'CCHOST_RPCUSER', help: 'RPC user name (with rpcpassword; the cookie works too)' },
  rpcpassword: { kind: 'string', env: 'CCHOST_RPCPASSWORD', help: 'RPC password' },
  loglevel: { kind: 'loglevel', env: 'CCHOST_LOGLEVEL', help: `log level: ${LOG_LEVELS.join(', ')} (default info)` },
});

/** A usage error (exit code 2). */
export class UsageError extends Error {}

/**
 * Parses `--name value`, `--name=value` and `--flag` (also with one dash) against `specs`; returns the
 * flag values (text or `true`) and the words that are not options.
 */
export function parseFlags(argv: readonly string[], specs: Readonly<Record<string, OptionSpec>>): { flags: Map<string, string | true>; rest: string[] } {
  const flags = new Map<string, string | true>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-') || a === '-' || /^-\d/.test(a)) {
      rest.push(a);
      continue;
    }
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    const spec = specs[name];
    if (spec === undefined) throw new UsageError(`unknown option '${a}'`);
    if (flags.has(name)) throw new UsageError(`option --${name} given twice`);
    if (spec.kind === 'flag') {
      if (eq !== -1) throw new UsageError(`option --${name} takes no value`);
      flags.set(name, true);
    } else if (eq !== -1) {
      flags.set(name, body.slice(eq + 1));
    } else {
      const v = argv[++i];
      if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new UsageError(`option --${name} needs a value`);
      flags.set(name, v);
    }
  }
  return { flags, rest };
}

/** `~` and relative paths made absolute. */
export function expandPath(p: string, base = process.cwd()): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return join(homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(base, p);
}

function convert(name: string, spec: OptionSpec, raw: unknown, where: string, base: string): OptionValue {
  const bad = (expected: string): never => {
    throw nodeError(NodeErrorCode.CONFIG_INVALID, `${where}: expected ${expected}, got ${JSON.stringify(raw)}`, { option: name });
  };
  switch (spec.kind) {
    case 'flag':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      return bad('true or false');
    case 'port':
    case 'count': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
      const min = spec.kind === 'port' ? 0 : (spec.min ?? 0);
      const max = spec.kind === 'port' ? 65535 : (spec.max ?? Number.MAX_SAFE_INTEGER);
      if (!Number.isSafeInteger(n) || n < min || n > max) return bad(spec.kind === 'port' ? 'a port number 0..65535' : `an integer ${min}..${max}`);
      return n;
    }
    case 'loglevel':
      return isLogLevel(raw) ? raw : bad(`one of ${LOG_LEVELS.join(', ')}`);
    case 'path':
      return typeof raw === 'string' && raw !== '' ? expandPath(raw, base) : bad('a path');
    case 'string':
      return typeof raw === 'string' ? raw : bad('a string');
  }
}

/** Inputs of `resolveSettings`. */
export interface SettingsSources {
  /** Built-in defaults. */
  readonly defaults?: Readonly<Record<string, OptionValue>>;
  /** Environment (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Parsed flags. */
  readonly flags?: ReadonlyMap<string, string | true>;
  /** Reads the config file (tests inject it). */
  readonly readFile?: (path: string) => string;
}

/**
 * Resolves settings: defaults, then the config file named by `--config` (JSON object of option names;
 * relative paths in it are relative to the file), then `CCHOST_*`, then flags. Throws
 * NODE_CONFIG_INVALID naming the source of a bad value or an unknown key.
 * Example: `resolveSettings(COMMON_OPTIONS, { defaults: { datadir: '~/.cchost' }, flags })`.
 */
export function resolveSettings(specs: Readonly<Record<string, OptionSpec>>, src: SettingsSources): Map<string, OptionValue> {
  const out = new Map<string, OptionValue>();
  const cwd = process.cwd();
  for (const [k, v] of Object.entries(src.defaults ?? {})) {
    const spec = specs[k];
    out.set(k, spec !== undefined ? convert(k, spec, v, `default ${k}`, cwd) : v);
  }
  const configFlag = src.flags?.get('config');
  if (typeof configFlag === 'string') {
    const path = expandPath(configFlag);
    let json: unknown;
    try {
      json = JSON.parse((src.readFile ?? ((p) => readFileSync(p, 'utf8')))(path));
    } catch (e) {
      throw nodeError(NodeErrorCode.CONFIG_INVALID, `cannot read the config file ${path}: ${(e as Error).message}`, { path });
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw nodeError(NodeErrorCode.CONFIG_INVALID, `the config file ${path} must hold a JSON object of options`, { path });
    }
    const base = resolve(path, '..');
    for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
      const spec = specs[k];
      if (spec === undefined || spec.cliOnly === true) {
        const known = Object.entries(specs).filter(([, s]) => s.cliOnly !== true).map(([n]) => n);
        throw nodeError(NodeErrorCode.CONFIG_INVALID, `config file ${path}: unknown option '${k}' (known: ${known.join(', ')})`, { path });
      }
      out.set(k, convert(k, spec, v, `config file ${path}: ${k}`, base));
    }
  }
  const env = src.env ?? process.env;
  for (const [k, spec] of Object.entries(specs)) {
    if (spec.env === undefined) continue;
    const v = env[spec.env];
    if (v !== undefined && v !== '') out.set(k, convert(k, spec, v, spec.env, cwd));
  }
  for (const [k, v] of src.flags ?? []) {
    const spec = specs[k];
    if (spec === undefined) throw new UsageError(`unknown option --${k}`);
    out.set(k, convert(k, spec, v, `--${k}`, cwd));
  }
  return out;
}

/** The usage lines of a set of options. */
export function optionsUsage(specs: Readonly<Record<string, OptionSpec>>): string[] {
  return Object.entries(specs).map(([n, s]) => {
    const left = s.kind === 'flag' ? `--${n}` : `--${n} ${s.kind === 'path' ? 'PATH' : s.kind === 'port' ? 'PORT' : s.kind === 'count' ? 'N' : 'VALUE'}`;
    return `  ${left.padEnd(24)} ${s.help}${s.env !== undefined ? ` [env ${s.env}]` : ''}`;
  });
}

/** Typed getters over resolved settings. */
export function settingString(s: ReadonlyMap<string, OptionValue>, name: string): string | undefined {
  const v = s.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** A number setting. */
export function settingNumber(s: ReadonlyMap<string, OptionValue>, name: string): number | undefined {
  const v = s.get(name);
  return typeof v === 'number' ? v : undefined;
}

/** A boolean setting (false when absent). */
export function settingFlag(s: ReadonlyMap<string, OptionValue>, name: string): boolean {
  return s.get(name) === true;
}

/** The RPC listener settings (`--rpcbind`, `--rpcport`, `--rpcuser`, `--rpcpassword`) as `createNode`'s `rpc` option. */
export function rpcSettings(s: ReadonlyMap<string, OptionValue>): { readonly host?: string; readonly port: number; readonly user?: string; readonly password?: string } {
  const host = settingString(s, 'rpcbind');
  const user = settingString(s, 'rpcuser');
  const password = settingString(s, 'rpcpassword');
  return {
    ...(host !== undefined ? { host } : {}),
    port: settingNumber(s, 'rpcport') ?? DEFAULT_RPC_PORT,
    ...(user !== undefined ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
  };
}

/** The default datadir of a command: `~/.cchost` (node) or `~/.cchost/dev` (dev). */
export function defaultDatadir(dev: boolean): string {
  return dev ? join(homedir(), '.cchost', 'dev') : join(homedir(), '.cchost');
}
