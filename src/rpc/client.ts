/**
 * A small JSON-RPC client over `fetch` (Node 20's global). It authenticates with rpcuser/rpcpassword
 * or the node's cookie file (re-read once if the node restarted with a new cookie), and turns every
 * failure into an `RpcClientError` with a stable code.
 */
import { CchostError } from '../util/errors.ts';
import { basicHeader, readCookie } from './auth.ts';
import type { RpcCredential } from './auth.ts';
import { isPlainObject } from './params.ts';

/** Codes of client-side failures; remote errors carry the server's `error.data.code` instead. */
export const RPC_CLIENT_CODES = {
  /** No server answered at the URL (connection refused, unknown host). */
  'rpc/CONNECT_FAILED': 'could not connect to the RPC server',
  /** The server answered HTTP 401. */
  'rpc/AUTH_FAILED': 'credentials missing or refused',
  /** The reply is not a JSON-RPC reply. */
  'rpc/BAD_REPLY': 'the reply is not JSON-RPC',
  /** No reply within the timeout. */
  'rpc/TIMEOUT': 'the server did not answer in time',
  /** The server answered with an error that has no string code in `error.data`. */
  'rpc/REMOTE_ERROR': 'the server answered with an error',
} as const;

/** A failed call: `code` is a client code or the server's typed code; `rpcCode` the JSON-RPC number, if any. */
export class RpcClientError extends CchostError {
  /** The JSON-RPC error number for errors answered by the server. */
  readonly rpcCode: number | undefined;
  /** The server's `error.data`. */
  readonly data: unknown;

  constructor(code: string, message: string, rpcCode?: number, data?: unknown) {
    super(code, message, { ...(rpcCode !== undefined ? { rpcCode } : {}), ...(data !== undefined ? { data } : {}) });
    this.name = 'RpcClientError';
    this.rpcCode = rpcCode;
    this.data = data;
  }
}

/** Options of `createRpcClient`. */
export interface RpcClientOptions {
  /** e.g. `http://127.0.0.1:7780/` */
  readonly url: string;
  /** rpcuser/rpcpassword; when absent, the cookie file is used. */
  readonly credential?: RpcCredential;
  /** `<datadir>/.cookie` */
  readonly cookieFile?: string;
  /** Per-call timeout (default 900 s, as bitcoin-cli). */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/** A JSON-RPC client. */
export interface RpcClient {
  readonly url: string;
  /** Calls a method with positional or named params; resolves to the result or rejects with `RpcClientError`. */
  call<T = unknown>(method: string, params?: readonly unknown[] | Readonly<Record<string, unknown>>): Promise<T>;
}

/** `host:port` of a URL, for messages. */
function hostPort(url: string): string {
  try {
    const u = new URL(url);
    return u.port === '' ? u.hostname : `${u.hostname}:${u.port}`;
  } catch {
    return url;
  }
}

/**
 * Creates a client. Example:
 * `await createRpcClient({ url: 'http://127.0.0.1:7780/', cookieFile: '/data/.cookie' }).call('getblockcount')`.
 */
export function createRpcClient(o: RpcClientOptions): RpcClient {
  const doFetch = o.fetch ?? fetch;
  let nextId = 1;
  let cookie = o.credential === undefined && o.cookieFile !== undefined ? readCookie(o.cookieFile) : undefined;

  async function post(body: string, cred: RpcCredential | undefined): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (cred !== undefined) headers['authorization'] = basicHeader(cred);
    try {
      return await doFetch(o.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(o.timeoutMs ?? 900_000) });
    } catch (e) {
      if ((e as Error).name === 'TimeoutError') throw new RpcClientError('rpc/TIMEOUT', `no reply from ${hostPort(o.url)} within ${o.timeoutMs ?? 900_000} ms`);
      throw new RpcClientError('rpc/CONNECT_FAILED', `could not connect to the server ${hostPort(o.url)}: is cchost running? (start it with \`cchost dev\`)`);
    }
  }

  function authMessage(): string {
    if (o.credential !== undefined) return 'Authorization failed: incorrect rpcuser or rpcpassword';
    if (o.cookieFile === undefined) return 'Authorization failed: no credentials; pass --rpcuser/--rpcpassword or --datadir (for the cookie)';
    if (cookie === undefined) return `Authorization failed: no RPC cookie at ${o.cookieFile} and no rpcpassword; pass the node's --datadir or --rpcuser/--rpcpassword`;
    return `Authorization failed: the cookie ${o.cookieFile} was refused (is it another node's datadir?)`;
  }

  async function call<T>(method: string, params: readonly unknown[] | Readonly<Record<string, unknown>> = []): Promise<T> {
    const body = JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params });
    let res = await post(body, o.credential ?? cookie);
    if (res.status === 401 && o.credential === undefined && o.cookieFile !== undefined) {
      cookie = readCookie(o.cookieFile); // the node may have restarted with a new cookie
      if (cookie !== undefined) res = await post(body, cookie);
    }
    if (res.status === 401) throw new RpcClientError('rpc/AUTH_FAILED', authMessage());
    const text = await res.text();
    let reply: unknown;
    try {
      reply = JSON.parse(text) as unknown;
    } catch {
      throw new RpcClientError('rpc/BAD_REPLY', `HTTP ${res.status} from ${hostPort(o.url)} is not JSON: ${text.slice(0, 200)}`);
    }
    if (!isPlainObject(reply)) throw new RpcClientError('rpc/BAD_REPLY', `HTTP ${res.status} from ${hostPort(o.url)} is not a JSON-RPC reply`);
    const error = reply['error'];
    if (isPlainObject(error)) {
      const data = error['data'];
      const typed = isPlainObject(data) && typeof data['code'] === 'string' ? data['code'] : 'rpc/REMOTE_ERROR';
      const rpcCode = typeof error['code'] === 'number' ? error['code'] : undefined;
      throw new RpcClientError(typed, typeof error['message'] === 'string' ? error['message'] : 'unknown error', rpcCode, data);
    }
    if (!('result' in reply)) throw new RpcClientError('rpc/BAD_REPLY', `HTTP ${res.status} from ${hostPort(o.url)} has neither result nor error`);
    return reply['result'] as T;
  }

  return { url: o.url, call };
}
