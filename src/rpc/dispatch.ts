/**
 * The JSON-RPC dispatcher: a function from a request body to a reply (HTTP status + body) over a method
 * table, with no HTTP server in it.
 *
 * - JSON-RPC 1.0 (bitcoind legacy; any request without `"jsonrpc":"2.0"`): every reply has `result`,
 *   `error` and `id`; a failed single request answers HTTP 400 (invalid request), 404 (method not
 *   found) or 500 (anything else).
 * - JSON-RPC 2.0 (`"jsonrpc":"2.0"`): `result` XOR `error`, always HTTP 200; a request without `id` is a
 *   notification and gets no reply (HTTP 204 when nothing at all is left to send).
 * - Batches: an array of requests, each answered independently, in order; HTTP 200. A run of
 *   consecutive requests for the same method runs concurrently (a batch of 500 sendrawtransaction
 *   calls verifies signatures in parallel; the node still accepts them in batch order); a request for
 *   another method waits for everything before it, and everything after waits for it, so a batch that
 *   reads what an earlier element wrote sees it, as in bitcoind's sequential batches.
 */
import { DEFAULT_MAX_BATCH } from './defaults.ts';
import { errorObject, failureFromData, legacyStatus, rpcFailure, toRpcFailure } from './errors.ts';
import type { RpcFailure } from './errors.ts';
import type { AnyMethod, RpcContext } from './method.ts';
import { isPlainObject, resolveParams } from './params.ts';
import type { MethodTable } from './table.ts';

/** What the dispatcher needs besides the body. */
export interface DispatchOptions {
  readonly table: MethodTable;
  /** The authenticated user, passed to handlers. */
  readonly user?: string;
  /** The HTTP request id, passed to handlers and shown in internal errors. */
  readonly requestId?: string;
  /** Largest batch accepted (default 1000). */
  readonly maxBatch?: number;
  /** While this returns a message, methods without `allowInWarmup` answer -28 with it. */
  readonly warmup?: () => string | undefined;
  /** Called with anything a handler threw that is not a typed `CchostError` (log it with its stack). */
  readonly onInternalError?: (thrown: unknown, info: { method: string; requestId: string | undefined }) => void;
}

/** A reply: HTTP status and body (`undefined` = no body, HTTP 204). */
export interface DispatchReply {
  readonly status: number;
  readonly body: unknown;
}

/** The outcome of running one method. */
export type CallOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly failure: RpcFailure };

/**
 * Runs a method on already-validated params: warm-up gate, handler, error mapping. Never throws.
 * Used by JSON-RPC and REST alike.
 */
export async function runMethod(
  m: AnyMethod,
  params: Record<string, unknown>,
  ctx: Omit<RpcContext, 'method' | 'table'>,
  opts: DispatchOptions,
): Promise<CallOutcome> {
  const warm = m.allowInWarmup === true ? undefined : opts.warmup?.();
  if (warm !== undefined) return { ok: false, failure: rpcFailure('rpc/IN_WARMUP', warm, {}, 'the node is starting; retry in a few seconds') };
  try {
    const result = await m.handler(params as never, { ...ctx, method: m.name, table: opts.table });
    return { ok: true, result };
  } catch (thrown) {
    const failure = toRpcFailure(thrown, {
      declared: opts.table.declaredErrors(m.name),
      errorMap: opts.table.errorMap,
      module: m.module,
      requestId: ctx.requestId,
    });
    if (failure.data.code === 'rpc/INTERNAL') opts.onInternalError?.(thrown, { method: m.name, requestId: ctx.requestId });
    return { ok: false, failure };
  }
}

/** Looks up, validates and runs one JSON-RPC call. Never throws. */
export async function callMethod(name: string, rawParams: unknown, id: unknown, opts: DispatchOptions): Promise<CallOutcome> {
  const m = opts.table.get(name);
  if (m === undefined) return { ok: false, failure: methodNotFound(name, opts.table) };
  const params = resolveParams(m, rawParams, opts.table);
  if (!params.ok) return { ok: false, failure: failureFromData(params.error, { module: m.module }) };
  return runMethod(m, params.value, { transport: 'jsonrpc', id, user: opts.user, requestId: opts.requestId }, opts);
}

function methodNotFound(name: string, table: MethodTable): RpcFailure {
  const near = table.methods.map((m) => m.name).filter((n) => editDistance(n, name) <= 2);
  const hint = near.length > 0 ? `did you mean ${near.slice(0, 3).join(', ')}? 'help' lists every method` : "'help' lists every method";
  return rpcFailure('rpc/METHOD_NOT_FOUND', 'Method not found', { method: name }, hint);
}

/** Levenshtein distance, for "did you mean" hints on short method names. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

interface One {
  /** The reply object, or `undefined` for a 2.0 notification. */
  readonly reply: Record<string, unknown> | undefined;
  readonly failure: RpcFailure | undefined;
}

function legacyError(f: RpcFailure): One {
  return { reply: { result: null, error: errorObject(f), id: null }, failure: f };
}

/** Handles one request object (an element of a batch or the whole body). */
async function handleOne(req: unknown, opts: DispatchOptions): Promise<One> {
  if (!isPlainObject(req)) return legacyError(rpcFailure('rpc/INVALID_REQUEST', 'Invalid Request object: expected a JSON object'));
  const v2 = req['jsonrpc'] === '2.0';
  const hasId = Object.prototype.hasOwnProperty.call(req, 'id');
  const id = hasId ? req['id'] : null;
  if (v2 && hasId && id !== null && typeof id !== 'string' && typeof id !== 'number') {
    const f = invalid('id must be a string, a number or null');
    return { reply: { jsonrpc: '2.0', error: errorObject(f), id: null }, failure: f };
  }
  const method = req['method'];
  const outcome: CallOutcome =
    typeof method !== 'string'
      ? { ok: false, failure: invalid('Method must be a string') }
      : await callMethod(method, req['params'], hasId ? id : undefined, opts);
  if (v2 && !hasId) return { reply: undefined, failure: outcome.ok ? undefined : outcome.failure };
  if (v2) {
    return outcome.ok
      ? { reply: { jsonrpc: '2.0', result: outcome.result ?? null, id }, failure: undefined }
      : { reply: { jsonrpc: '2.0', error: errorObject(outcome.failure), id }, failure: outcome.failure };
  }
  return outcome.ok
    ? { reply: { result: outcome.result ?? null, error: null, id }, failure: undefined }
    : { reply: { result: null, error: errorObject(outcome.failure), id }, failure: outcome.failure };
}

function invalid(message: string): RpcFailure {
  return rpcFailure('rpc/INVALID_REQUEST', `Invalid Request object: ${message}`);
}

/**
 * Dispatches a parsed JSON-RPC body (object or batch array). Example:
 * `await dispatchValue({ method: 'help', params: [], id: 1 }, { table })` → `{ status: 200, body: { result, error: null, id: 1 } }`.
 */
export async function dispatchValue(body: unknown, opts: DispatchOptions): Promise<DispatchReply> {
  if (Array.isArray(body)) {
    const max = opts.maxBatch ?? DEFAULT_MAX_BATCH;
    if (body.length === 0) return single(legacyError(rpcFailure('rpc/EMPTY_BATCH', 'Invalid Request: empty batch')));
    if (body.length > max) {
      return single(legacyError(rpcFailure('rpc/BATCH_TOO_LARGE', `Invalid Request: batch of ${body.length} exceeds the limit of ${max}`, { limit: max }, 'split the batch')));
    }
    const replies: Record<string, unknown>[] = [];
    for (const run of sameMethodRuns(body)) {
      const ones = run.length === 1 ? [await handleOne(run[0], opts)] : await Promise.all(run.map((req) => handleOne(req, opts)));
      for (const one of ones) if (one.reply !== undefined) replies.push(one.reply);
    }
    return replies.length === 0 ? { status: 204, body: undefined } : { status: 200, body: replies };
  }
  return single(await handleOne(body, opts));
}

/** The method a batch element names (undefined for a malformed element, which runs alone). */
function methodOf(req: unknown): string | undefined {
  return isPlainObject(req) && typeof req['method'] === 'string' ? req['method'] : undefined;
}

/**
 * Splits a batch into maximal runs of consecutive elements for the same method, in order. Example:
 * `[send, send, getrawmempool, send]` → `[[send, send], [getrawmempool], [send]]`.
 */
export function sameMethodRuns(body: readonly unknown[]): unknown[][] {
  const runs: unknown[][] = [];
  let last: string | undefined;
  for (const req of body) {
    const m = methodOf(req);
    const cur = runs[runs.length - 1];
    if (cur !== undefined && m !== undefined && m === last) cur.push(req);
    else runs.push([req]);
    last = m;
  }
  return runs;
}

function single(one: One): DispatchReply {
  if (one.reply === undefined) return { status: 204, body: undefined };
  if (one.reply['jsonrpc'] === '2.0') return { status: 200, body: one.reply };
  return { status: one.failure === undefined ? 200 : legacyStatus(one.failure), body: one.reply };
}

/** Dispatches a raw HTTP body: a JSON parse failure is -32700 (HTTP 500, as bitcoind). */
export async function dispatchJsonRpc(text: string, opts: DispatchOptions): Promise<DispatchReply> {
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch (e) {
    const why = e instanceof Error ? e.message : 'bad JSON';
    return single(legacyError(rpcFailure('rpc/PARSE_ERROR', `Parse error: ${why}`)));
  }
  return dispatchValue(body, opts);
}
