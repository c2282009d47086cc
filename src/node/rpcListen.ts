/**
 * The node's RPC listener: the RPC layer's app (`buildRpcServer`) plus `GET /health`, which answers
 * without credentials (load balancers and supervisors have no cookie): 200 when the node is ready,
 * 503 while it starts or stops. Credentials as `startRpcServer`: the cookie in the datadir (written
 * mode 0600 before listening, removed on close) and/or rpcuser/rpcpassword; remote binds need them.
 */
import { DEFAULT_RPC_HOST } from '../rpc/defaults.ts';
import { RPC_BAD_CONFIG, RPC_START_FAILED, isLoopbackHost, startRpcServer } from '../rpc/server.ts';
import type { RunningRpcServer } from '../rpc/server.ts';
import type { MethodTable } from '../rpc/table.ts';
import { stringifyJson } from '../rpc/json.ts';
import { CchostError } from '../util/errors.ts';
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

/** A listening RPC server (`close()` stops listening, lets in-flight requests finish and removes the cookie; idempotent). */
export type RpcListener = RunningRpcServer;

/**
 * Builds the app with `/health`, writes the cookie and listens (the RPC layer's `startRpcServer`).
 * Throws NODE_CONFIG_INVALID for unusable credentials and NODE_START_FAILED (with the fix) when the
 * port is taken or the cookie cannot be written.
 * Example: `const rpc = await listenRpc({ table, datadir, port: 0, health: () => ({ status: 'ready' }) })`.
 */
export async function listenRpc(o: ListenRpcOptions): Promise<RpcListener> {
  const host = o.host ?? DEFAULT_RPC_HOST;
  if (!isLoopbackHost(host) && o.rpcpassword === undefined) {
    throw nodeError(NodeErrorCode.CONFIG_INVALID, `binding RPC to ${host} needs rpcuser/rpcpassword (the cookie is only readable on this machine); or bind to 127.0.0.1`);
  }
  try {
    return await startRpcServer({
      table: o.table,
      datadir: o.datadir,
      host,
      port: o.port,
      rpcuser: o.rpcuser,
      rpcpassword: o.rpcpassword,
      cookie: o.cookie,
      ...(o.warmup !== undefined ? { warmup: o.warmup } : {}),
      routes: (app) => {
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
      },
    });
  } catch (e) {
    if (e instanceof CchostError && e.code === RPC_BAD_CONFIG) throw nodeError(NodeErrorCode.CONFIG_INVALID, e.message, { ...e.details });
    if (e instanceof CchostError && e.code === RPC_START_FAILED) throw nodeError(NodeErrorCode.START_FAILED, e.message, { ...e.details });
    throw e;
  }
}
