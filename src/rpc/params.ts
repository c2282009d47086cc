/**
 * Parameter validation and coercion from a method's declaration. Every failure names the parameter
 * ("Invalid parameter 'verbosity': expected integer 0..2, got 'x'") and carries an `rpc/...` code.
 * Nothing here throws on any input.
 */
import { fromHex, isHex } from '../util/bytes.ts';
import { err, ok } from '../util/errors.ts';
import type { ErrorData, Result } from '../util/errors.ts';
import { COIN } from './defaults.ts';
import type { RpcCode, RpcErrorName } from './errors.ts';
import type { AnyMethod, ParamSpec } from './method.ts';

/** A parameter failure: an `rpc/...` code, a message naming the parameter, and optionally the numeric error. */
export interface ParamFailure extends ErrorData<RpcCode> {
  readonly param?: string;
  readonly rpc?: RpcErrorName;
}

/** Options of the coercers. */
export interface CoerceOptions {
  /** Upper bound of amounts in satoshis (the chain's MAX_MONEY). */
  readonly maxMoney: bigint;
}

type Coerced = Result<unknown, ParamFailure>;

const BASE58_ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{20,64}$/;
const COMPRESSED_PUBKEY = /^0[23][0-9a-fA-F]{64}$/;
const COIN_DECIMAL = /^(\d{1,12})(?:\.(\d{1,8}))?$/;
const DIGITS = /^\d{1,20}$/;
const patternCache = new Map<string, RegExp>();

/** How a value is shown in a message: strings quoted, long values cut. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}...` : v}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

/** The expected-value phrase of a parameter, e.g. `integer 0..2`, `hex string of 32 bytes`. */
export function expectedText(s: ParamSpec): string {
  switch (s.type) {
    case 'string':
      if (s.enum !== undefined) return `one of ${s.enum.map((e) => `'${e}'`).join(', ')}`;
      return 'string';
    case 'number':
    case 'integer':
      return `${s.type}${rangeText(s.min, s.max)}`;
    case 'boolean':
      return 'boolean';
    case 'object':
      return 'JSON object';
    case 'array':
      return 'JSON array';
    case 'hex':
      if (s.bytes !== undefined) return `hex string of ${s.bytes} bytes`;
      if (s.minBytes !== undefined || s.maxBytes !== undefined) return `hex string of ${s.minBytes ?? 0}..${s.maxBytes ?? ''} bytes`;
      return 'hex string';
    case 'amount':
      return 'amount in coins (number or decimal string, at most 8 decimals)';
    case 'sats':
      return 'integer satoshis (JSON integer or digit string)';
    case 'address':
      return s.allowPubkey ? 'address or compressed pubkey hex' : 'address';
  }
}

function rangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` ${min}..${max}`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return '';
}

function fail(code: RpcCode, s: ParamSpec, got: unknown, rpc?: RpcErrorName, expected = expectedText(s)): Coerced {
  const message = `Invalid parameter '${s.name}': expected ${expected}, got ${describeValue(got)}`;
  return err({ code, message, param: s.name, expected, got: describeValue(got), ...(rpc !== undefined ? { rpc } : {}) });
}

/** Validates one JSON value against its declaration and converts it (hex → bytes, amounts → bigint). */
export function coerceParam(s: ParamSpec, v: unknown, o: CoerceOptions): Coerced {
  switch (s.type) {
    case 'string': {
      if (typeof v !== 'string') return fail('rpc/WRONG_TYPE', s, v);
      if (s.enum !== undefined && !s.enum.includes(v)) return fail('rpc/BAD_VALUE', s, v);
      if (s.minLength !== undefined && v.length < s.minLength) return fail('rpc/BAD_VALUE', s, v, undefined, `string of at least ${s.minLength} characters`);
      if (s.maxLength !== undefined && v.length > s.maxLength) return fail('rpc/BAD_VALUE', s, v, undefined, `string of at most ${s.maxLength} characters`);
      if (s.pattern !== undefined && !compiled(s.pattern).test(v)) return fail('rpc/BAD_VALUE', s, v, undefined, `string matching /${s.pattern}/`);
      return ok(v);
    }
    case 'number':
    case 'integer': {
      if (s.type === 'integer' && s.acceptBoolean === true && typeof v === 'boolean') v = v ? 1 : 0;
      const typed = s.type === 'integer' ? Number.isSafeInteger(v) : typeof v === 'number' && Number.isFinite(v);
      if (!typed) return fail('rpc/WRONG_TYPE', s, v);
      const n = v as number;
      if ((s.min !== undefined && n < s.min) || (s.max !== undefined && n > s.max)) return fail('rpc/OUT_OF_RANGE', s, v);
      return ok(n);
    }
    case 'boolean':
      return typeof v === 'boolean' ? ok(v) : fail('rpc/WRONG_TYPE', s, v);
    case 'object':
      return isPlainObject(v) ? ok(v) : fail('rpc/WRONG_TYPE', s, v);
    case 'array': {
      if (!Array.isArray(v)) return fail('rpc/WRONG_TYPE', s, v);
      if (s.minItems !== undefined && v.length < s.minItems) return fail('rpc/BAD_VALUE', s, v, undefined, `array of at least ${s.minItems} items`);
      if (s.maxItems !== undefined && v.length > s.maxItems) return fail('rpc/BAD_VALUE', s, v, undefined, `array of at most ${s.maxItems} items`);
      return ok(v);
    }
    case 'hex':
      return coerceHex(s, v);
    case 'amount':
      return coerceCoins(s, v, o);
    case 'sats':
      return coerceSats(s, v, o);
    case 'address': {
      if (typeof v !== 'string') return fail('rpc/WRONG_TYPE', s, v);
      if (BASE58_ADDRESS.test(v) || (s.allowPubkey === true && COMPRESSED_PUBKEY.test(v))) return ok(v);
      return fail('rpc/BAD_ADDRESS', s, v);
    }
  }
}

function compiled(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (re === undefined) {
    re = new RegExp(`^(?:${pattern})$`);
    patternCache.set(pattern, re);
  }
  return re;
}

function coerceHex(s: Extract<ParamSpec, { type: 'hex' }>, v: unknown): Coerced {
  if (typeof v !== 'string') return fail('rpc/WRONG_TYPE', s, v);
  if (!isHex(v)) return fail('rpc/BAD_HEX', s, v, s.invalid ?? 'RPC_DESERIALIZATION_ERROR', 'even-length hex string');
  const n = v.length / 2;
  const short = s.bytes !== undefined ? n !== s.bytes : (s.minBytes !== undefined && n < s.minBytes) || (s.maxBytes !== undefined && n > s.maxBytes);
  if (short) return fail('rpc/BAD_HEX', s, v, 'RPC_INVALID_PARAMETER', `${expectedText(s)} (got ${n} bytes)`);
  return ok(fromHex(v));
}

function coerceCoins(s: Extract<ParamSpec, { type: 'amount' }>, v: unknown, o: CoerceOptions): Coerced {
  // bitcoind answers amount errors with -3 RPC_TYPE_ERROR ("Invalid amount", "Amount out of range").
  let text: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0 || v > 1e12) return fail('rpc/BAD_AMOUNT', s, v, 'RPC_TYPE_ERROR');
    text = v.toFixed(8);
    if (Number(text) !== v) return fail('rpc/BAD_AMOUNT', s, v, 'RPC_TYPE_ERROR', 'amount with at most 8 decimals');
  } else if (typeof v === 'string') {
    text = v;
  } else {
    return fail('rpc/WRONG_TYPE', s, v);
  }
  const m = COIN_DECIMAL.exec(text);
  if (m === null) return fail('rpc/BAD_AMOUNT', s, v, 'RPC_TYPE_ERROR');
  const sats = BigInt(m[1]!) * COIN + BigInt((m[2] ?? '').padEnd(8, '0'));
  return inRange(s, v, sats, o, 'RPC_TYPE_ERROR');
}

function coerceSats(s: Extract<ParamSpec, { type: 'sats' }>, v: unknown, o: CoerceOptions): Coerced {
  let sats: bigint;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) sats = BigInt(v);
  else if (typeof v === 'string' && DIGITS.test(v)) sats = BigInt(v);
  else return fail('rpc/BAD_AMOUNT', s, v);
  return inRange(s, v, sats, o, 'RPC_INVALID_PARAMETER');
}

function inRange(s: Extract<ParamSpec, { type: 'amount' | 'sats' }>, v: unknown, sats: bigint, o: CoerceOptions, rpc: RpcErrorName): Coerced {
  const min = s.min ?? 0n;
  const max = s.max ?? o.maxMoney;
  if (sats < min || sats > max) return fail('rpc/BAD_AMOUNT', s, v, rpc, `${expectedText(s)} in ${min}..${max} satoshis`);
  return ok(sats);
}

/** True for `{...}` objects (not arrays, not null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/**
 * Converts a query-string or path value to the JSON value its declaration expects: numbers and booleans
 * from their text, objects and arrays from JSON, repeated keys into an array. The result still goes
 * through `coerceParam`.
 */
export function fromText(s: ParamSpec, v: string | readonly string[]): Result<unknown, ParamFailure> {
  if (typeof v !== 'string') {
    if (s.type === 'array') return ok([...v]);
    return err({ code: 'rpc/DUPLICATE_PARAM', message: `Parameter '${s.name}' given more than once`, param: s.name });
  }
  switch (s.type) {
    case 'number':
    case 'integer':
      if (s.type === 'integer' && s.acceptBoolean === true && (v === 'true' || v === 'false')) return ok(v === 'true' ? 1 : 0);
      return ok(/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v) ? Number(v) : v);
    case 'boolean':
      return ok(v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v);
    case 'object':
      return ok(parseJsonOr(v, v));
    case 'array':
      return ok(v.startsWith('[') ? parseJsonOr(v, v) : [v]);
    default:
      return ok(v);
  }
}

function parseJsonOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fallback;
  }
}

/** Positional parameters (declaration order, named-only ones excluded). */
export function positionalParams(def: AnyMethod): readonly ParamSpec[] {
  return def.params.filter((p) => p.namedOnly !== true);
}

/** True when a parameter must be given (no default, not `required: false`). */
export function isRequired(s: ParamSpec): boolean {
  return s.required !== false && s.default === undefined;
}

/**
 * Validates JSON-RPC `params` (positional array, named object, or absent) against a method and returns
 * the handler's params object with defaults filled in. A positional call may append one object holding
 * named-only params. `null` means "not given" (bitcoind).
 */
export function resolveParams(def: AnyMethod, raw: unknown, o: CoerceOptions): Result<Record<string, unknown>, ParamFailure> {
  const given = new Map<string, unknown>();
  if (Array.isArray(raw)) {
    const positional = positionalParams(def);
    let values: readonly unknown[] = raw;
    const hasNamedOnly = positional.length < def.params.length;
    if (raw.length === positional.length + 1 && hasNamedOnly && isPlainObject(raw[raw.length - 1])) {
      values = raw.slice(0, -1);
      for (const [k, v] of Object.entries(raw[raw.length - 1] as Record<string, unknown>)) {
        const spec = def.params.find((p) => p.name === k);
        if (spec === undefined || spec.namedOnly !== true) return err(unknownParam(def, k, true));
        given.set(k, v);
      }
    }
    if (values.length > positional.length) {
      return err({
        code: 'rpc/TOO_MANY_PARAMS',
        message: `Too many parameters: ${def.name} takes at most ${positional.length} positional, got ${values.length}`,
      });
    }
    values.forEach((v, i) => given.set(positional[i]!.name, v));
  } else if (isPlainObject(raw)) {
    for (const [k, v] of Object.entries(raw)) {
      if (!def.params.some((p) => p.name === k)) return err(unknownParam(def, k, false));
      given.set(k, v);
    }
  } else if (raw !== undefined && raw !== null) {
    return err({ code: 'rpc/BAD_PARAMS', message: 'params must be an array or an object' });
  }
  return finish(def, given, o);
}

/** The inputs of a REST call: path params and query values (text) and a POST body (JSON). */
export interface RestInput {
  readonly path: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | readonly string[]>>;
  readonly body: Readonly<Record<string, unknown>>;
}

/** Validates a REST call's params. A name given in two places (path, query, body) is a duplicate. */
export function resolveRestParams(def: AnyMethod, input: RestInput, o: CoerceOptions): Result<Record<string, unknown>, ParamFailure> {
  const given = new Map<string, unknown>();
  const sources: [Readonly<Record<string, unknown>>, boolean][] = [
    [input.path, true],
    [input.query, true],
    [input.body, false],
  ];
  for (const [values, isText] of sources) {
    for (const [k, v] of Object.entries(values)) {
      const spec = def.params.find((p) => p.name === k);
      if (spec === undefined) return err(unknownParam(def, k, false));
      if (given.has(k)) return err({ code: 'rpc/DUPLICATE_PARAM', message: `Parameter '${k}' given twice (path, query or body)`, param: k });
      if (!isText) {
        given.set(k, v);
        continue;
      }
      const r = fromText(spec, v as string | readonly string[]);
      if (!r.ok) return r;
      given.set(k, r.value);
    }
  }
  return finish(def, given, o);
}

function unknownParam(def: AnyMethod, k: string, namedOnlySlot: boolean): ParamFailure {
  const names = (namedOnlySlot ? def.params.filter((p) => p.namedOnly === true) : def.params).map((p) => p.name);
  const known = names.length > 0 ? names.join(', ') : 'none';
  return { code: 'rpc/UNKNOWN_PARAM', message: `Unknown named parameter '${k}' for ${def.name} (known: ${known})`, param: k };
}

function finish(def: AnyMethod, given: ReadonlyMap<string, unknown>, o: CoerceOptions): Result<Record<string, unknown>, ParamFailure> {
  const out: Record<string, unknown> = {};
  for (const [i, s] of def.params.entries()) {
    const v = given.get(s.name);
    if (v === undefined || v === null) {
      if (s.default !== undefined) {
        const d = coerceParam(s, s.default, o);
        if (!d.ok) return d;
        out[s.name] = d.value;
      } else if (isRequired(s)) {
        const where = s.namedOnly === true ? 'named only' : `position ${i + 1}`;
        return err({ code: 'rpc/MISSING_PARAM', message: `Missing required parameter '${s.name}' (${where}): ${s.description}`, param: s.name });
      } else {
        out[s.name] = undefined;
      }
      continue;
    }
    const r = coerceParam(s, v, o);
    if (!r.ok) return r;
    out[s.name] = r.value;
  }
  return ok(out);
}
