/**
 * The node's RPC listener: the RPC layer's app (`buildRpcServer`) plus `GET /health`, which answers
 * without credentials (load balancers and supervisors have no cookie): 200 when the node is ready,
 * 503 while it starts or stops. Credentials as `startRpcServer`: the cookie in the datadir (written
 * mode 0600 before listening, removed on close) and/or rpcuser/rpcpassword; remote binds need them.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { cookiePath, newCookieCredential, removeCookie, writeCookie } from '../rpc/auth.ts';
import type { RpcAuth, RpcCredential } from '../rpc/auth.ts';
import { DEFAULT_RPC_HOST, DEFAULT_RPC_PORT } from '../rpc/defaults.ts';
import { buildRpcServer } from '../rpc/server.ts';
import type { MethodTable } from '../rpc/table.ts';
import { stringifyJson } from '../rpc/json.ts';
import { NodeErrorCode, nodeError } from './errors.ts';

/** What `/health` reports. */
export interface HealthReport {
  readonly status: 'ready' | 'starting' | 'stopping';
  readonly [key: string]: unknown;
}

/** Options of `listenRpc`. */
export interface ListenRpcOptions {
  readonly table: MethodTable;
  readonly datadir: string;
  /** Default 127.0.0.1. */
  readonly host?: string | undefined;
  /** Default 7780; 0 picks a free port. */
  readonly port?: number | undefined;
  readonly rpcuser?: string | undefined;
  readonly rpcpassword?: string | undefined;
  /** Write the cookie (default true). */
  readonly cookie?: boolean | undefined;
  readonly health: () => HealthReport;
  /** While this returns a message, methods answer -28 (warming up). */
  readonly warmup?: (() => string | undefined) | undefined;
}

/** A listening RPC server. */
export interface RpcListener {
  readonly app: FastifyInstance;
  readonly host: string;
  readonly port: number;
  /** `http://host:port/` */
  readonly url: string;
  readonly cookieFile: string | undefined;
  /** Stops listening (in-flight requests finish) and removes the cookie. Idempotent. */
  close(): Promise<void>;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * Builds the app, writes the cookie and listens. Throws NODE_CONFIG_INVALID for unusable credentials
 * and NODE_START_FAILED (with the fix) when the port is taken or the cookie cannot be written.
 * Example: `const rpc = await listenRpc({ table, datadir, port: 0, health: () => ({ status: 'ready' }) })`.
 */
export async function listenRpc(o: ListenRpcOptions): Promise<RpcListener> {
  const host = o.host ?? DEFAULT_RPC_HOST;
  if ((o.rpcuser === undefined) !== (o.rpcpassword === undefined) || o.rpcpassword === '') {
    throw nodeError(NodeErrorCode.CONFIG_INVALID, 'rpcuser and rpcpassword go together and the password must not be empty; set both or neither');
  }
  const credentials: RpcCredential[] = [];
  if (o.rpcuser !== undefined && o.rpcpassword !== undefined) credentials.push({ user: o.rpcuser, password: o.rpcpassword });
  const cookie = o.cookie !== false ? { path: cookiePath(o.datadir), credential: newCookieCredential() } : undefined;
  if (cookie !== undefined) credentials.push(cookie.credential);
  if (credentials.length === 0) throw nodeError(NodeErrorCode.CONFIG_INVALID, 'no RPC credentials: keep the cookie on or set rpcuser/rpcpassword');
  if (!isLoopback(host) && o.rpcpassword === undefined) {
    throw nodeError(NodeErrorCode.CONFIG_INVALID, `binding RPC to ${host} needs rpcuser/rpcpassword (the cookie is only readable on this machine); or bind to 127.0.0.1`);
  }
  const auth: RpcAuth = { mode: 'basic', credentials };
  const app = buildRpcServer({ table: o.table, auth, ...(o.warmup !== undefined ? { warmup: o.warmup } : {}) });
  app.get(
    '/health',
    {
      config: { publicGet: true },
      schema: { summary: 'Node health: 200 ready, 503 starting or stopping', tags: ['node'], response: { 200: { type: 'object' }, 503: { type: 'object' } } },
    },
    (_req, reply) => {
      const h = o.health();
      reply.code(h.status === 'ready' ? 200 : 503).type('application/json; charset=utf-8');
      return reply.send(stringifyJson(h));
    },
  );
  if (cookie !== undefined) {
    try {
      writeCookie(cookie.path, cookie.credential);
    } catch (e) {
      await app.close();
      throw nodeError(NodeErrorCode.START_FAILED, `cannot write the RPC cookie ${cookie.path}: ${(e as Error).message}; check --datadir`, { path: cookie.path });
    }
  }
  const requested = o.port ?? DEFAULT_RPC_PORT;
  try {
    await app.listen({ host, port: requested });
  } catch (e) {
    if (cookie !== undefined) removeCookie(cookie.path, cookie.credential);
    await app.close();
    const code = (e as { code?: string }).code;
    const why = code === 'EADDRINUSE' ? 'the port is in use (another cchost?); stop it or pass --rpcport (0 picks a free port)' : (e as Error).message;
    throw nodeError(NodeErrorCode.START_FAILED, `cannot listen for RPC on ${host}:${requested}: ${why}`, { host, port: requested });
  }
  const port = (app.server.address() as AddressInfo).port;
  let closed = false;
  return {
    app,
    host,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    cookieFile: cookie?.path,
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await app.close();
      } finally {
        if (cookie !== undefined) removeCookie(cookie.path, cookie.credential);
      }
    },
  };
}
