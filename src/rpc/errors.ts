/**
 * The one RPC error registry. Numeric codes are bitcoind's (`rpc/protocol.h`), so tools written for
 * bitcoind/komodod keep working; the stable string code of the failure travels in `error.data.code`
 * (MODULES.md §1.6). `toRpcFailure` turns anything a handler throws into a JSON-RPC error.
 */
import { CchostError } from '../util/errors.ts';
import type { ErrorData } from '../util/errors.ts';

/** One numeric JSON-RPC error: bitcoind number, HTTP status used by REST, and what it means. */
export interface RpcErrorInfo {
  readonly code: number;
  readonly http: number;
  readonly description: string;
}

/** Every JSON-RPC error number cchost answers with, keyed by bitcoind's constant name. */
export const RPC_ERRORS = {
  /** An exception escaped a handler (a bug), or an untyped failure. */
  RPC_MISC_ERROR: { code: -1, http: 500, description: 'internal error or untyped failure; the node log has details' },
  /** A parameter has the wrong JSON type. */
  RPC_TYPE_ERROR: { code: -3, http: 400, description: 'a parameter has the wrong JSON type' },
  /** The wallet key is not usable for this action (not ours, not the owner). */
  RPC_WALLET_ERROR: { code: -4, http: 403, description: 'wallet error: the key is not in the wallet or is not the owner' },
  /** Unknown object: address, key, transaction, block, oracle, token, session. */
  RPC_INVALID_ADDRESS_OR_KEY: { code: -5, http: 404, description: 'invalid address or key, or no such object' },
  /** Not enough funds in the wallet, subscription or pool. */
  RPC_WALLET_INSUFFICIENT_FUNDS: { code: -6, http: 409, description: 'insufficient funds' },
  /** A parameter is well-typed but invalid (range, format, state). */
  RPC_INVALID_PARAMETER: { code: -8, http: 400, description: 'invalid parameter value' },
  /** Not connected to any peer. */
  RPC_CLIENT_NOT_CONNECTED: { code: -9, http: 503, description: 'the node has no peers' },
  /** Still syncing. */
  RPC_CLIENT_IN_INITIAL_DOWNLOAD: { code: -10, http: 503, description: 'the node is still syncing' },
  /** Storage failure. */
  RPC_DATABASE_ERROR: { code: -20, http: 500, description: 'database error' },
  /** Bytes that do not decode (bad hex, bad transaction or block serialization). */
  RPC_DESERIALIZATION_ERROR: { code: -22, http: 400, description: 'malformed hex or serialization' },
  /** Submission failed for a non-consensus reason (missing or conflicting inputs, busy state). */
  RPC_VERIFY_ERROR: { code: -25, http: 409, description: 'transaction or block could not be submitted' },
  /** Consensus or policy rejects the transaction (message `16: <CODE> (<reason>)`). */
  RPC_VERIFY_REJECTED: { code: -26, http: 422, description: 'rejected by consensus or policy rules' },
  /** The transaction is already in the chain. */
  RPC_VERIFY_ALREADY_IN_CHAIN: { code: -27, http: 409, description: 'transaction already in the chain' },
  /** The node is starting (loading the chain); retry shortly. */
  RPC_IN_WARMUP: { code: -28, http: 503, description: 'the node is warming up' },
  /** The method was retired. */
  RPC_METHOD_DEPRECATED: { code: -32, http: 410, description: 'the method is deprecated or retired' },
  /** The request is not a valid JSON-RPC request. */
  RPC_INVALID_REQUEST: { code: -32600, http: 400, description: 'invalid JSON-RPC request' },
  /** No method by that name. */
  RPC_METHOD_NOT_FOUND: { code: -32601, http: 404, description: 'method not found' },
  /** A parameter is missing, unknown, duplicated, or there are too many. */
  RPC_INVALID_PARAMS: { code: -32602, http: 400, description: 'missing, unknown or extra parameters' },
  /** JSON-RPC internal error. */
  RPC_INTERNAL_ERROR: { code: -32603, http: 500, description: 'JSON-RPC internal error' },
  /** The body is not JSON. */
  RPC_PARSE_ERROR: { code: -32700, http: 400, description: 'the request body is not valid JSON' },
} as const satisfies Record<string, RpcErrorInfo>;

/** The name of a numeric RPC error, e.g. `'RPC_INVALID_PARAMETER'`. */
export type RpcErrorName = keyof typeof RPC_ERRORS;

/** True when `s` names an entry of `RPC_ERRORS`. */
export function isRpcErrorName(s: unknown): s is RpcErrorName {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(RPC_ERRORS, s);
}

/** String codes raised by the RPC layer itself (`error.data.code`), each with the numeric error it maps to. */
export const RPC_CODES = {
  /** The HTTP body is not valid JSON. */
  'rpc/PARSE_ERROR': 'RPC_PARSE_ERROR',
  /** The JSON is not a request object (no string `method`, bad `id`, ...). */
  'rpc/INVALID_REQUEST': 'RPC_INVALID_REQUEST',
  /** A batch with no elements. */
  'rpc/EMPTY_BATCH': 'RPC_INVALID_REQUEST',
  /** A batch with more elements than the server allows. */
  'rpc/BATCH_TOO_LARGE': 'RPC_INVALID_REQUEST',
  /** The HTTP body exceeds the configured limit. */
  'rpc/BODY_TOO_LARGE': 'RPC_INVALID_REQUEST',
  /** `params` is neither an array nor an object. */
  'rpc/BAD_PARAMS': 'RPC_INVALID_REQUEST',
  /** No method with that name. */
  'rpc/METHOD_NOT_FOUND': 'RPC_METHOD_NOT_FOUND',
  /** No HTTP route with that path and verb. */
  'rpc/ROUTE_NOT_FOUND': 'RPC_METHOD_NOT_FOUND',
  /** A required parameter was not given. */
  'rpc/MISSING_PARAM': 'RPC_INVALID_PARAMS',
  /** A named parameter the method does not declare. */
  'rpc/UNKNOWN_PARAM': 'RPC_INVALID_PARAMS',
  /** More positional parameters than the method takes. */
  'rpc/TOO_MANY_PARAMS': 'RPC_INVALID_PARAMS',
  /** The same parameter given twice (positional and named, or a repeated query key). */
  'rpc/DUPLICATE_PARAM': 'RPC_INVALID_PARAMS',
  /** A parameter has the wrong JSON type. */
  'rpc/WRONG_TYPE': 'RPC_TYPE_ERROR',
  /** A number outside the allowed range. */
  'rpc/OUT_OF_RANGE': 'RPC_INVALID_PARAMETER',
  /** A value outside an enumeration, pattern or length bound. */
  'rpc/BAD_VALUE': 'RPC_INVALID_PARAMETER',
  /** A hex parameter that is not even-length hex, or has the wrong byte length. */
  'rpc/BAD_HEX': 'RPC_DESERIALIZATION_ERROR',
  /** An amount that is not a valid number of coins or satoshis, or is out of range. */
  'rpc/BAD_AMOUNT': 'RPC_INVALID_PARAMETER',
  /** A string that cannot be an address (or pubkey). */
  'rpc/BAD_ADDRESS': 'RPC_INVALID_ADDRESS_OR_KEY',
  /** The node is still starting. */
  'rpc/IN_WARMUP': 'RPC_IN_WARMUP',
  /** Missing or wrong HTTP credentials (HTTP 401). */
  'rpc/UNAUTHORIZED': 'RPC_INVALID_REQUEST',
  /** An untyped exception escaped a handler. */
  'rpc/INTERNAL': 'RPC_MISC_ERROR',
} as const satisfies Record<string, RpcErrorName>;

/** A string code of the RPC layer, e.g. `'rpc/WRONG_TYPE'`. */
export type RpcCode = keyof typeof RPC_CODES;

/** `error.data` of every JSON-RPC error (MODULES.md §1.6). */
export interface RpcErrorDataField {
  /** Stable string code: `rpc/<CODE>`, `<module>/<CODE>`, or a lower layer's code (`TX_MISSING_INPUTS`). */
  readonly code: string;
  readonly module?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly hint?: string;
}

/** A JSON-RPC error ready to send, plus the registry name that picks its HTTP status. */
export interface RpcFailure {
  readonly name: RpcErrorName;
  readonly code: number;
  readonly message: string;
  readonly data: RpcErrorDataField;
}

/** The `error` member of a reply: `{code, message, data}`. */
export function errorObject(f: RpcFailure): { code: number; message: string; data: RpcErrorDataField } {
  return { code: f.code, message: f.message, data: f.data };
}

/** Typed-error fields that steer the mapping rather than being details. */
const CONTROL_KEYS = new Set(['code', 'message', 'rpc', 'hint', 'module']);

/**
 * Builds the exception a handler throws to answer with a chosen numeric error.
 * Example: `throw rpcError('RPC_INVALID_ADDRESS_OR_KEY', 'oracles/NOT_FOUND', 'no such oracle', { oracle_id })`.
 */
export function rpcError(
  name: RpcErrorName,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
): CchostError {
  return new CchostError(code, message, { ...details, rpc: name });
}

/** Options of `toRpcFailure`. */
export interface MapErrorOptions {
  /** Errors the method declares: string code → numeric error name. */
  readonly declared?: ReadonlyMap<string, RpcErrorName>;
  /** Table-wide extra mapping (exact string code → numeric error name). */
  readonly errorMap?: ReadonlyMap<string, RpcErrorName>;
  /** The module of the method that failed, for `error.data.module`. */
  readonly module?: string | undefined;
  /** Request id shown in the message of internal errors, so an operator can find the log line. */
  readonly requestId?: string | undefined;
}

/** Exact mappings of lower-layer codes whose bitcoind number is not the prefix default. */
const EXACT: ReadonlyMap<string, RpcErrorName> = new Map<string, RpcErrorName>([
  ['TX_ALREADY_IN_CHAIN', 'RPC_VERIFY_ALREADY_IN_CHAIN'],
  // bitcoind/komodod answer sendrawtransaction with -25 "Missing inputs" (they may be spent or not yet known).
  ['TX_MISSING_INPUTS', 'RPC_VERIFY_ERROR'],
]);

/** Prefix rules for lower-layer codes: transaction, script and CC verdicts are consensus rejections. */
const PREFIXES: ReadonlyArray<readonly [string, RpcErrorName]> = [
  ['TX_', 'RPC_VERIFY_REJECTED'],
  ['SCRIPT_ERR_', 'RPC_VERIFY_REJECTED'],
  ['CC_', 'RPC_VERIFY_REJECTED'],
  ['BLOCK_', 'RPC_VERIFY_ERROR'],
];

/** The numeric error a typed code maps to, or `undefined` when nothing says. */
export function numericFor(code: string, opts: MapErrorOptions = {}): RpcErrorName | undefined {
  const declared = opts.declared?.get(code) ?? opts.errorMap?.get(code);
  if (declared !== undefined) return declared;
  if (Object.prototype.hasOwnProperty.call(RPC_CODES, code)) return RPC_CODES[code as RpcCode];
  if (isRpcErrorName(code)) return code;
  const exact = EXACT.get(code);
  if (exact !== undefined) return exact;
  for (const [prefix, name] of PREFIXES) if (code.startsWith(prefix)) return name;
  return undefined;
}

/** Turns a typed failure (`ErrorData` fields) into a JSON-RPC error, choosing the number by the rules above. */
export function failureFromData(e: ErrorData, opts: MapErrorOptions = {}): RpcFailure {
  const explicit = isRpcErrorName(e['rpc']) ? e['rpc'] : undefined;
  const name = explicit ?? numericFor(e.code, opts) ?? 'RPC_MISC_ERROR';
  const details: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (!CONTROL_KEYS.has(k)) details[k] = v;
  let message = e.message;
  if (name === 'RPC_VERIFY_REJECTED') {
    // bitcoind's reject message shape: "<reject code>: <reason> (<detail>)"; 16 = REJECT_INVALID.
    if (!/^\d+: /.test(message)) message = message && message !== e.code ? `16: ${e.code} (${message})` : `16: ${e.code}`;
    if (details['verdict_code'] === undefined) details['verdict_code'] = e.code;
    if (details['reason'] === undefined) details['reason'] = e.message;
  }
  const module = typeof e['module'] === 'string' ? e['module'] : (opts.module ?? moduleOfCode(e.code));
  const data: { -readonly [K in keyof RpcErrorDataField]: RpcErrorDataField[K] } = { code: e.code };
  if (module !== undefined) data.module = module;
  if (Object.keys(details).length > 0) data.details = details;
  if (typeof e['hint'] === 'string') data.hint = e['hint'];
  return { name, code: RPC_ERRORS[name].code, message, data };
}

/** `oracles` for `oracles/NOT_FOUND`; nothing for `rpc/...` and unqualified codes. */
function moduleOfCode(code: string): string | undefined {
  const slash = code.indexOf('/');
  if (slash <= 0) return undefined;
  const m = code.slice(0, slash);
  return m === 'rpc' ? undefined : m;
}

/**
 * Maps anything a handler threw to a JSON-RPC error. A `CchostError` keeps its code and details; any
 * other exception becomes -1 `rpc/INTERNAL` with its first message line only (never a stack).
 */
export function toRpcFailure(thrown: unknown, opts: MapErrorOptions = {}): RpcFailure {
  if (thrown instanceof CchostError) return failureFromData(thrown.toData(), opts);
  const raw = thrown instanceof Error ? thrown.message : typeof thrown === 'string' ? thrown : 'non-error value thrown';
  const first = (raw.split('\n')[0] ?? '').slice(0, 300);
  const where = opts.requestId !== undefined ? ` (request ${opts.requestId})` : '';
  return failureFromData({
    code: 'rpc/INTERNAL',
    message: first.length > 0 ? first : 'internal error',
    hint: `this is a bug in cchost or a module; the node log has the stack${where}`,
    ...(opts.requestId !== undefined ? { request_id: opts.requestId } : {}),
  });
}

/** Builds the failure for one of the RPC layer's own codes. Example: `rpcFailure('rpc/MISSING_PARAM', "Missing required parameter 'height'", { param: 'height' })`. */
export function rpcFailure(code: RpcCode, message: string, details: Record<string, unknown> = {}, hint?: string): RpcFailure {
  return failureFromData({ ...details, code, message, ...(hint !== undefined ? { hint } : {}) });
}

/** HTTP status of a failure on REST routes (MODULES.md §1.6 table). */
export function restStatus(f: RpcFailure): number {
  return RPC_ERRORS[f.name].http;
}

/** HTTP status of a failed JSON-RPC 1.0 reply, as bitcoind: 400 invalid request, 404 method not found, else 500. */
export function legacyStatus(f: RpcFailure): number {
  if (f.name === 'RPC_INVALID_REQUEST') return 400;
  if (f.name === 'RPC_METHOD_NOT_FOUND') return 404;
  return 500;
}
