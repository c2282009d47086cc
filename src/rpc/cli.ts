/**
 * `cchost rpc METHOD [PARAMS...]`: the bitcoin-cli/komodo-cli equivalent. Params are parsed as JSON
 * when they parse, else taken as strings; `-named` takes key=value pairs; `-stdin` reads more params,
 * one per line. Strings print raw, other results as indented JSON; an error prints `error code: N` and
 * `error message:` on stderr and exits 1. Options may be written `-x`, `--x`, `--x=v` or `--x v`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { cookiePath } from './auth.ts';
import { createRpcClient, RpcClientError } from './client.ts';
import { DEFAULT_RPC_HOST, DEFAULT_RPC_PORT } from './defaults.ts';
import { stringifyJson } from './json.ts';
import { isPlainObject } from './params.ts';

/** Where the CLI writes and reads (process streams by default; tests pass their own). */
export interface RpcCliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Promise<string>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fetch: typeof fetch;
}

/** Defaults from the node configuration (the lowest precedence: defaults < env `CCHOST_*` < flags). */
export interface RpcCliDefaults {
  readonly datadir: string;
  readonly rpcport: number;
  readonly rpchost: string;
}

interface OptionSpec {
  readonly flag: boolean;
  readonly env?: string;
  readonly help: string;
}

/** The options of `cchost rpc`, declared once for parsing and usage. */
const OPTIONS: Readonly<Record<string, OptionSpec>> = {
  named: { flag: true, help: 'pass params as key=value pairs (named params)' },
  stdin: { flag: true, help: 'read extra params from standard input, one per line' },
  rpcurl: { flag: false, env: 'CCHOST_RPCURL', help: 'full URL of the RPC server (overrides --rpcconnect/--rpcport)' },
  rpcconnect: { flag: false, env: 'CCHOST_RPCCONNECT', help: `server host (default ${DEFAULT_RPC_HOST})` },
  rpcport: { flag: false, env: 'CCHOST_RPCPORT', help: `server port (default ${DEFAULT_RPC_PORT})` },
  datadir: { flag: false, env: 'CCHOST_DATADIR', help: 'data directory of the node, where its .cookie is (default ~/.cchost)' },
  rpccookiefile: { flag: false, help: 'cookie file (default <datadir>/.cookie)' },
  rpcuser: { flag: false, env: 'CCHOST_RPCUSER', help: 'user name (instead of the cookie)' },
  rpcpassword: { flag: false, env: 'CCHOST_RPCPASSWORD', help: 'password (instead of the cookie)' },
  rpcwait: { flag: true, help: 'wait for the server to start' },
  rpcwaittimeout: { flag: false, help: 'seconds to wait with --rpcwait (default 0 = forever)' },
  rpcclienttimeout: { flag: false, help: 'seconds to wait for a reply (default 900)' },
  help: { flag: true, help: 'show this help' },
};

/** The usage text of `cchost rpc`. */
export const RPC_CLI_USAGE = [
  'Usage: cchost rpc [OPTIONS] METHOD [PARAMS...]',
  '       cchost rpc [OPTIONS] -named METHOD [NAME=VALUE...]',
  '       cchost rpc help [METHOD]',
  '',
  'Calls a method of a running node. Params that parse as JSON are sent as JSON, others as strings.',
  '',
  'Options:',
  ...Object.entries(OPTIONS).map(([n, o]) => `  --${(o.flag ? n : `${n}=VALUE`).padEnd(24)} ${o.help}${o.env !== undefined ? ` [env ${o.env}]` : ''}`),
].join('\n');

class UsageError extends Error {}

interface Parsed {
  readonly opts: Map<string, string | true>;
  readonly method: string | undefined;
  readonly args: string[];
}

function parseArgv(argv: readonly string[]): Parsed {
  const opts = new Map<string, string | true>();
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-') || a === '-' || /^-\d/.test(a)) break;
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    const spec = OPTIONS[name === 'h' ? 'help' : name];
    if (spec === undefined) throw new UsageError(`unknown option '${a}'`);
    if (spec.flag) {
      if (eq !== -1) throw new UsageError(`option --${name} takes no value`);
      opts.set(name === 'h' ? 'help' : name, true);
    } else if (eq !== -1) {
      opts.set(name, body.slice(eq + 1));
    } else {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`option --${name} needs a value`);
      opts.set(name, v);
    }
  }
  return { opts, method: argv[i], args: argv.slice(i + 1) };
}

/** A param from the command line: JSON when it parses (integers only when exact), else the string itself. */
export function parseCliParam(s: string): unknown {
  let v: unknown;
  try {
    v = JSON.parse(s) as unknown;
  } catch {
    return s;
  }
  if (typeof v === 'number' && /^-?\d+$/.test(s.trim()) && !Number.isSafeInteger(v)) return s;
  return v;
}

function buildParams(args: readonly string[], named: boolean): unknown[] | Record<string, unknown> {
  if (!named) return args.map(parseCliParam);
  const out: Record<string, unknown> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new UsageError(`with -named every param is NAME=VALUE (got '${a}')`);
    const k = a.slice(0, eq);
    if (Object.prototype.hasOwnProperty.call(out, k)) throw new UsageError(`param '${k}' given twice`);
    out[k] = parseCliParam(a.slice(eq + 1));
  }
  return out;
}

function defaultIo(): RpcCliIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    env: process.env,
    fetch,
  };
}

function seconds(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(v)) throw new UsageError(`--${name} must be a number of seconds (got '${v}')`);
  return Number(v) * 1000;
}

/** The server URL from flags, env and defaults. */
function serverUrl(get: (n: string) => string | undefined, d: Partial<RpcCliDefaults>): string {
  const url = get('rpcurl');
  if (url !== undefined) return url.endsWith('/') ? url : `${url}/`;
  const host = get('rpcconnect') ?? d.rpchost ?? DEFAULT_RPC_HOST;
  const portText = get('rpcport');
  const port = portText !== undefined ? Number(portText) : (d.rpcport ?? DEFAULT_RPC_PORT);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new UsageError(`--rpcport must be a port number 1..65535 (got '${portText}')`);
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
}

function printError(io: RpcCliIo, e: RpcClientError): void {
  if (e.rpcCode === undefined) {
    io.stderr(`error: ${e.message}\n`);
    return;
  }
  const lines = [`error code: ${e.rpcCode}`, 'error message:', e.message];
  if (isPlainObject(e.data)) {
    if (typeof e.data['code'] === 'string') lines.push(`error type: ${e.data['code']}`);
    if (typeof e.data['hint'] === 'string') lines.push(`hint: ${e.data['hint']}`);
  }
  io.stderr(`${lines.join('\n')}\n`);
}

/**
 * Runs `cchost rpc` with `argv` (the words after `rpc`) and returns the exit code: 0 success,
 * 1 RPC or connection error, 2 usage error. Example: `await runRpcCli(['getblockcount'])`.
 */
export async function runRpcCli(argv: readonly string[], io: Partial<RpcCliIo> = {}, defaults: Partial<RpcCliDefaults> = {}): Promise<number> {
  const out: RpcCliIo = { ...defaultIo(), ...io };
  try {
    const { opts, method, args } = parseArgv(argv);
    if (opts.get('help') === true) {
      out.stdout(`${RPC_CLI_USAGE}\n`);
      return 0;
    }
    if (method === undefined) throw new UsageError('no METHOD given (try: cchost rpc help)');
    const get = (n: string): string | undefined => {
      const v = opts.get(n);
      if (typeof v === 'string') return v;
      const env = OPTIONS[n]?.env;
      return env !== undefined ? out.env[env] : undefined;
    };
    const named = opts.get('named') === true;
    const all = [...args];
    if (opts.get('stdin') === true) {
      const text = await out.readStdin();
      const lines = text.split(/\r?\n/);
      if (lines[lines.length - 1] === '') lines.pop();
      all.push(...lines);
    }
    const params = buildParams(all, named);
    const user = get('rpcuser');
    const password = get('rpcpassword');
    if ((user === undefined) !== (password === undefined)) throw new UsageError('--rpcuser and --rpcpassword go together');
    const datadir = get('datadir') ?? defaults.datadir ?? join(homedir(), '.cchost');
    const timeoutMs = seconds(get('rpcclienttimeout'), 'rpcclienttimeout');
    const client = createRpcClient({
      url: serverUrl(get, defaults),
      ...(user !== undefined && password !== undefined ? { credential: { user, password } } : {}),
      cookieFile: get('rpccookiefile') ?? cookiePath(datadir),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      fetch: out.fetch,
    });
    const waitMs = opts.get('rpcwait') === true ? (seconds(get('rpcwaittimeout'), 'rpcwaittimeout') ?? 0) : undefined;
    const result = await callWithWait(() => client.call(method, params), waitMs);
    if (result === null || result === undefined) return 0;
    out.stdout(typeof result === 'string' ? `${result}\n` : `${stringifyJson(result, 2)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      out.stderr(`error: ${e.message}\nRun 'cchost rpc --help' for usage.\n`);
      return 2;
    }
    if (e instanceof RpcClientError) {
      printError(out, e);
      return 1;
    }
    out.stderr(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

/** Retries while the server is not up yet (`--rpcwait`); `waitMs` 0 waits forever, `undefined` not at all. */
async function callWithWait<T>(call: () => Promise<T>, waitMs: number | undefined): Promise<T> {
  const deadline = waitMs === undefined ? 0 : waitMs === 0 ? Infinity : Date.now() + waitMs;
  for (;;) {
    try {
      return await call();
    } catch (e) {
      const retry = e instanceof RpcClientError && (e.code === 'rpc/CONNECT_FAILED' || e.rpcCode === -28);
      if (!retry || Date.now() >= deadline) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
