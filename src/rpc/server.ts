/**
 * The RPC HTTP server (fastify). Everything comes from the method table: `POST /` JSON-RPC, REST
 * routes from each method's `rest` and `module`, and the OpenAPI document at `GET /openapi.json`.
 * No method logic lives here. `buildRpcServer` returns the app without listening (tests use
 * `inject`); `startRpcServer` writes the cookie, listens (127.0.0.1 by default) and cleans up on close.
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import { CchostError } from '../util/errors.ts';
import { checkBasicAuth, cookiePath, newCookieCredential, removeCookie, writeCookie } from './auth.ts';
import type { RpcAuth, RpcCredential } from './auth.ts';
import { DEFAULT_BODY_LIMIT, DEFAULT_RPC_HOST, DEFAULT_RPC_PORT } from './defaults.ts';
import { dispatchJsonRpc, runMethod } from './dispatch.ts';
import type { DispatchOptions } from './dispatch.ts';
import { errorObject, failureFromData, restStatus, rpcFailure } from './errors.ts';
import type { RpcFailure } from './errors.ts';
import { stringifyJson } from './json.ts';
import type { AnyMethod } from './method.ts';
import { isPlainObject, resolveRestParams } from './params.ts';
import { jsonRpcRequestSchema, paramSchema, paramsObjectSchema, pathParams, resultSchema } from './schema.ts';
import { restRoutes } from './table.ts';
import type { MethodTable } from './table.ts';

/** Options of `buildRpcServer`. */
export interface RpcServerOptions {
  readonly table: MethodTable;
  readonly auth: RpcAuth;
  /** Largest HTTP body in bytes (default 4 MiB). */
  readonly bodyLimit?: number;
  /** Largest JSON-RPC batch (default 1000). */
  readonly maxBatch?: number;
  /** While this returns a message, methods without `allowInWarmup` answer -28 with it. */
  readonly warmup?: () => string | undefined;
  /** fastify/pino logger option (default off). Internal errors are logged with their stack. */
  readonly logger?: FastifyServerOptions['logger'];
  /** Pause before answering 401, to slow password guessing (default 250 ms, as bitcoind). */
  readonly authFailDelayMs?: number;
  /** Title, version and description of the OpenAPI document. */
  readonly openapi?: { readonly title?: string; readonly version?: string; readonly description?: string };
}

/** Error code: the server options are inconsistent (fix the config). */
export const RPC_BAD_CONFIG = 'RPC_BAD_CONFIG';
/** Error code: the server could not listen or write its cookie. */
export const RPC_START_FAILED = 'RPC_START_FAILED';

const ERROR_SCHEMA = {
  description: 'error: {error: {code, message, data: {code, module?, details?, hint?}}}',
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'integer' }, message: { type: 'string' }, data: { type: 'object' } },
    },
  },
};

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  reply.code(status);
  if (body === undefined) return reply.send();
  // Exactly `application/json`, as bitcoind sends it: some bitcoind clients parse error bodies only
  // then. Fastify appends `; charset=utf-8` to a JSON type for string payloads, not for a Buffer.
  return reply.header('content-type', 'application/json').send(Buffer.from(stringifyJson(body), 'utf8'));
}

function sendRestError(reply: FastifyReply, f: RpcFailure, status = restStatus(f)): FastifyReply {
  return send(reply, status, { error: errorObject(f) });
}

/** Builds the fastify app for a method table. Example: `const app = buildRpcServer({ table, auth: { mode: 'none' } }); await app.inject(...)`. */
export function buildRpcServer(opts: RpcServerOptions): FastifyInstance {
  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({ bodyLimit, logger: opts.logger ?? false });
  const users = new WeakMap<FastifyRequest, string>();
  const dispatchOpts = (req: FastifyRequest): DispatchOptions => ({
    table: opts.table,
    ...(users.has(req) ? { user: users.get(req)! } : {}),
    requestId: req.id,
    ...(opts.maxBatch !== undefined ? { maxBatch: opts.maxBatch } : {}),
    ...(opts.warmup !== undefined ? { warmup: opts.warmup } : {}),
    onInternalError: (thrown, info) => req.log.error({ err: thrown, method: info.method }, 'RPC handler threw'),
  });

  // bitcoind clients send text/plain, curl sends form-urlencoded: every body is read as text and parsed here.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  // Route schemas exist for the OpenAPI document; params.ts validates and stringifyJson serializes.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => stringifyJson(data));

  app.addHook('onRequest', async (req, reply) => {
    if (opts.auth.mode === 'none') return;
    const config = req.routeOptions.config as { publicGet?: boolean } | undefined;
    if (config?.publicGet === true) return;
    const user = checkBasicAuth(req.headers.authorization, opts.auth.credentials);
    if (user !== undefined) {
      users.set(req, user);
      return;
    }
    const delay = opts.authFailDelayMs ?? 250;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const f = rpcFailure(
      'rpc/UNAUTHORIZED',
      req.headers.authorization === undefined ? 'Authorization required' : 'Authorization failed: incorrect user name or password',
      {},
      'use HTTP Basic auth with the cookie in <datadir>/.cookie (user __cookie__) or rpcuser/rpcpassword',
    );
    reply.header('www-authenticate', 'Basic realm="jsonrpc"');
    return sendRestError(reply, f, 401);
  });

  app.setErrorHandler((error: { code?: string; statusCode?: number; message: string }, req, reply) => {
    let f: RpcFailure;
    let status: number;
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      f = rpcFailure('rpc/BODY_TOO_LARGE', `Request body too large: the limit is ${bodyLimit} bytes`, { limit: bodyLimit }, 'send smaller requests or batches, or raise the RPC body limit');
      status = 413;
    } else if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      f = rpcFailure('rpc/INVALID_REQUEST', error.message);
      status = error.statusCode;
    } else {
      req.log.error({ err: error }, 'RPC server error');
      f = failureFromData({ code: 'rpc/INTERNAL', message: 'internal server error', request_id: req.id });
      status = 500;
    }
    if (req.method === 'POST' && req.url === '/') return send(reply, status, { result: null, error: errorObject(f), id: null });
    return sendRestError(reply, f, status);
  });

  app.setNotFoundHandler((req, reply) =>
    sendRestError(
      reply,
      rpcFailure('rpc/ROUTE_NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}`, {}, 'JSON-RPC is POST /; REST routes are listed in GET /openapi.json'),
    ),
  );

  void app.register(fastifySwagger, {
    openapi: {
      info: {
        title: opts.openapi?.title ?? 'cchost RPC',
        version: opts.openapi?.version ?? '1',
        description: opts.openapi?.description ?? 'JSON-RPC at POST / (bitcoind-compatible 1.0 and strict 2.0) and REST routes, generated from one method table.',
      },
      components: { securitySchemes: { basic: { type: 'http', scheme: 'basic' } } },
      security: opts.auth.mode === 'none' ? [] : [{ basic: [] }],
    },
  });

  void app.register(async (scope) => {
    scope.post(
      '/',
      {
        schema: {
          summary: 'JSON-RPC endpoint',
          description: 'A JSON-RPC request or batch. Every method of the table is listed in the body schema.',
          tags: ['jsonrpc'],
          body: { oneOf: [...opts.table.methods.map(jsonRpcRequestSchema), { type: 'array', description: 'a batch of requests', items: { type: 'object' } }] },
        },
      },
      async (req, reply) => {
        const out = await dispatchJsonRpc(typeof req.body === 'string' ? req.body : '', dispatchOpts(req));
        return send(reply, out.status, out.body);
      },
    );
    scope.get('/', { schema: { hide: true } }, (_req, reply) =>
      sendRestError(reply, rpcFailure('rpc/INVALID_REQUEST', 'JSON-RPC server handles only POST requests'), 405),
    );
    scope.get('/openapi.json', { schema: { hide: true }, config: { publicGet: opts.auth.mode === 'basic' && opts.auth.publicGet === true } }, (_req, reply) =>
      send(reply, 200, app.swagger()),
    );
    for (const m of opts.table.methods) {
      restRoutes(m).forEach((route, i) => {
        const isPublic = route.method === 'GET' && opts.auth.mode === 'basic' && opts.auth.publicGet === true;
        scope.route({
          method: route.method,
          url: route.path,
          schema: restSchema(m, route, i === 0),
          config: { publicGet: isPublic },
          handler: async (req, reply) => restHandler(m, req, reply, dispatchOpts(req)),
        });
      });
    }
  });
  return app;
}

function restSchema(m: AnyMethod, route: { method: 'GET' | 'POST'; path: string }, first: boolean): Record<string, unknown> {
  const inPath = new Set(pathParams(route.path));
  const schema: Record<string, unknown> = {
    summary: m.summary,
    description: m.description ?? m.summary,
    tags: [m.module ?? m.category ?? 'rpc'],
    operationId: first ? m.name : `${m.name}_${route.method.toLowerCase()}`,
    response: { 200: resultSchema(m), default: ERROR_SCHEMA },
  };
  if (inPath.size > 0) {
    const properties: Record<string, unknown> = {};
    for (const p of m.params) if (inPath.has(p.name)) properties[p.name] = paramSchema(p);
    schema['params'] = { type: 'object', properties, required: [...inPath] };
  }
  schema[route.method === 'GET' ? 'querystring' : 'body'] = paramsObjectSchema(m, inPath);
  return schema;
}

async function restHandler(m: AnyMethod, req: FastifyRequest, reply: FastifyReply, opts: DispatchOptions): Promise<FastifyReply> {
  let body: Record<string, unknown> = {};
  if (req.method === 'POST') {
    const text = typeof req.body === 'string' ? req.body.trim() : '';
    if (text !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text) as unknown;
      } catch (e) {
        return sendRestError(reply, rpcFailure('rpc/PARSE_ERROR', `Parse error: ${e instanceof Error ? e.message : 'bad JSON'}`));
      }
      if (!isPlainObject(parsed)) return sendRestError(reply, rpcFailure('rpc/BAD_PARAMS', 'the body must be a JSON object of named params'));
      body = parsed;
    }
  }
  const input = {
    path: (req.params ?? {}) as Record<string, string>,
    query: (req.query ?? {}) as Record<string, string | string[]>,
    body,
  };
  const params = resolveRestParams(m, input, opts.table);
  if (!params.ok) return sendRestError(reply, failureFromData(params.error, { module: m.module }));
  const out = await runMethod(m, params.value, { transport: 'rest', id: undefined, user: opts.user, requestId: req.id }, opts);
  return out.ok ? send(reply, 200, out.result ?? null) : sendRestError(reply, out.failure);
}

/** Options of `startRpcServer`: the server options plus where to listen and which credentials to accept. */
export interface StartRpcServerOptions extends Omit<RpcServerOptions, 'auth'> {
  /** Interface to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Port (default 7780; 0 picks a free port). */
  readonly port?: number;
  /** Data directory: the cookie is written to `<datadir>/.cookie` unless `cookie: false`. */
  readonly datadir?: string;
  readonly cookie?: boolean;
  readonly rpcuser?: string;
  readonly rpcpassword?: string;
  /** Serve GET REST routes and /openapi.json without credentials. */
  readonly publicGet?: boolean;
  /** Serve without any credentials (only allowed on a loopback host). */
  readonly noAuth?: boolean;
  /** Registers extra routes on the app before it listens (e.g. a node's `GET /health`). */
  readonly routes?: (app: FastifyInstance) => void;
}

/** A listening RPC server. */
export interface RunningRpcServer {
  readonly app: FastifyInstance;
  readonly host: string;
  readonly port: number;
  /** `http://host:port/` */
  readonly url: string;
  /** The cookie file, if one was written. */
  readonly cookieFile: string | undefined;
  /** Stops listening and removes the cookie. */
  close(): Promise<void>;
}

/** True for a host name that only this machine can reach. Example: `isLoopbackHost('127.0.0.1') === true`. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function resolveAuth(o: StartRpcServerOptions): { auth: RpcAuth; cookie: { path: string; credential: RpcCredential } | undefined } {
  const host = o.host ?? DEFAULT_RPC_HOST;
  if (o.noAuth === true) {
    if (!isLoopbackHost(host)) throw new CchostError(RPC_BAD_CONFIG, `refusing to serve RPC without credentials on ${host}; bind to 127.0.0.1 or configure rpcuser/rpcpassword`);
    return { auth: { mode: 'none' }, cookie: undefined };
  }
  if ((o.rpcuser === undefined) !== (o.rpcpassword === undefined) || o.rpcpassword === '') {
    throw new CchostError(RPC_BAD_CONFIG, 'rpcuser and rpcpassword go together and the password must not be empty; set both or neither');
  }
  const credentials: RpcCredential[] = [];
  if (o.rpcuser !== undefined && o.rpcpassword !== undefined) credentials.push({ user: o.rpcuser, password: o.rpcpassword });
  let cookie: { path: string; credential: RpcCredential } | undefined;
  if (o.datadir !== undefined && o.cookie !== false) {
    cookie = { path: cookiePath(o.datadir), credential: newCookieCredential() };
    credentials.push(cookie.credential);
  }
  if (credentials.length === 0) throw new CchostError(RPC_BAD_CONFIG, 'no RPC credentials: keep the cookie on (with a datadir) or set rpcuser/rpcpassword');
  return { auth: { mode: 'basic', credentials, ...(o.publicGet === true ? { publicGet: true } : {}) }, cookie };
}

/**
 * Starts the RPC server: writes the cookie (mode 0600), listens, and returns a handle whose `close()`
 * stops the server and removes the cookie. Example: `const rpc = await startRpcServer({ table, datadir, port: 0 })`.
 */
export async function startRpcServer(o: StartRpcServerOptions): Promise<RunningRpcServer> {
  const host = o.host ?? DEFAULT_RPC_HOST;
  const { auth, cookie } = resolveAuth(o);
  const app = buildRpcServer({ ...o, auth });
  o.routes?.(app);
  if (cookie !== undefined) {
    try {
      writeCookie(cookie.path, cookie.credential);
    } catch (e) {
      await app.close();
      throw new CchostError(RPC_START_FAILED, `cannot write the RPC cookie ${cookie.path}: ${(e as Error).message}; check --datadir`, { path: cookie.path });
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
    throw new CchostError(RPC_START_FAILED, `cannot listen for RPC on ${host}:${requested}: ${why}`, { host, port: requested });
  }
  const port = (app.server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  let closed = false;
  return {
    app,
    host,
    port,
    url,
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
