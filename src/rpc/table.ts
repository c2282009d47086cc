/**
 * The method table: every RPC method of a node, checked once at start-up. A table with a bad
 * declaration (duplicate name, required param after an optional one, an example that does not
 * validate, a REST path that collides) refuses to build, with a message naming the method.
 */
import { CchostError } from '../util/errors.ts';
import { DEFAULT_MAX_MONEY } from './defaults.ts';
import { isRpcErrorName } from './errors.ts';
import type { RpcErrorName } from './errors.ts';
import { helpMethod } from './help.ts';
import type { AnyMethod, MethodDef, ParamSpec } from './method.ts';
import { coerceParam, resolveParams } from './params.ts';
import type { CoerceOptions } from './params.ts';
import { pathParams } from './schema.ts';

/** Options of `createMethodTable`. */
export interface MethodTableOptions {
  /** Upper bound of amount params in satoshis (the chain's MAX_MONEY). */
  readonly maxMoney?: bigint;
  /** Extra mapping of lower-layer error codes to numeric errors, e.g. `{ BLOCK_NOT_FOUND: 'RPC_INVALID_ADDRESS_OR_KEY' }`. */
  readonly errorMap?: Readonly<Record<string, RpcErrorName>>;
  /** Add the built-in `help` method (default true). */
  readonly help?: boolean;
}

/** A checked, indexed set of methods. */
export interface MethodTable extends CoerceOptions {
  /** All methods in declaration order (`help` first when built in). */
  readonly methods: readonly AnyMethod[];
  readonly errorMap: ReadonlyMap<string, RpcErrorName>;
  /** The method with this name. */
  get(name: string): AnyMethod | undefined;
  /** The errors a method declares, by string code. */
  declaredErrors(name: string): ReadonlyMap<string, RpcErrorName>;
}

/** Thrown when a declaration is inconsistent (a programming error, found at start-up). */
export const RPC_TABLE_INVALID = 'RPC_TABLE_INVALID';

const METHOD_NAME = /^[a-z][a-z0-9_]*$/;
const PARAM_NAME = /^[a-z][a-z0-9_]*$/;
const MODULE_NAME = /^[a-z][a-z0-9_-]*$/;

function bad(method: string, what: string): CchostError {
  return new CchostError(RPC_TABLE_INVALID, `RPC method '${method}': ${what}`, { method });
}

/**
 * Checks and indexes methods. Example: `createMethodTable([getinfo, getblock], { maxMoney })`.
 * Module methods (with `module`) are listed here like the others.
 */
export function createMethodTable(methods: readonly MethodDef<readonly ParamSpec[], unknown>[], opts: MethodTableOptions = {}): MethodTable {
  const all: AnyMethod[] = [];
  if (opts.help !== false && !methods.some((m) => m.name === 'help')) all.push(helpMethod as AnyMethod);
  all.push(...(methods as AnyMethod[]));
  const coerce: CoerceOptions = { maxMoney: opts.maxMoney ?? DEFAULT_MAX_MONEY };
  const byName = new Map<string, AnyMethod>();
  const errors = new Map<string, ReadonlyMap<string, RpcErrorName>>();
  const routes = new Set<string>();
  for (const m of all) {
    if (!METHOD_NAME.test(m.name)) throw bad(m.name, 'names are lowercase letters, digits and _ (bitcoind style)');
    if (byName.has(m.name)) throw bad(m.name, 'declared twice');
    if (m.summary.trim() === '') throw bad(m.name, 'summary is empty');
    if (m.module !== undefined && !MODULE_NAME.test(m.module)) throw bad(m.name, `module name '${m.module}' is not lowercase`);
    checkParams(m, coerce);
    errors.set(m.name, checkErrors(m));
    for (const route of restRoutes(m)) {
      const key = `${route.method} ${route.path}`;
      if (routes.has(key)) throw bad(m.name, `REST route ${key} is already used by another method`);
      routes.add(key);
      for (const p of pathParams(route.path)) {
        if (!m.params.some((s) => s.name === p)) throw bad(m.name, `REST path ${route.path} names ':${p}', which is not a parameter`);
      }
    }
    byName.set(m.name, m);
  }
  const errorMap = new Map<string, RpcErrorName>();
  for (const [code, name] of Object.entries(opts.errorMap ?? {})) {
    if (!isRpcErrorName(name)) throw bad('*', `errorMap maps '${code}' to unknown error '${name}'`);
    errorMap.set(code, name);
  }
  const table: MethodTable = {
    methods: all,
    maxMoney: coerce.maxMoney,
    errorMap,
    get: (name) => byName.get(name),
    declaredErrors: (name) => errors.get(name) ?? new Map(),
  };
  for (const m of all) checkExample(m, coerce);
  return table;
}

/** Every REST route of a method: its own `rest` plus `POST /v1/modules/<module>/<name>` for module methods. */
export function restRoutes(m: AnyMethod): { method: 'GET' | 'POST'; path: string }[] {
  const out: { method: 'GET' | 'POST'; path: string }[] = [];
  if (m.rest !== undefined) out.push({ method: m.rest.method, path: m.rest.path });
  if (m.module !== undefined) out.push({ method: 'POST', path: `/v1/modules/${m.module}/${m.name}` });
  return out;
}

function checkParams(m: AnyMethod, coerce: CoerceOptions): void {
  const seen = new Set<string>();
  let optionalSeen = false;
  for (const p of m.params) {
    if (!PARAM_NAME.test(p.name)) throw bad(m.name, `parameter name '${p.name}' must be snake_case`);
    if (seen.has(p.name)) throw bad(m.name, `parameter '${p.name}' declared twice`);
    seen.add(p.name);
    if (p.default !== undefined) {
      const d = coerceParam(p, p.default, coerce);
      if (!d.ok) throw bad(m.name, `default of '${p.name}' is invalid: ${d.error.message}`);
    }
    if (p.namedOnly === true) continue;
    const optional = p.required === false || p.default !== undefined;
    if (!optional && optionalSeen) throw bad(m.name, `required parameter '${p.name}' follows an optional one`);
    optionalSeen ||= optional;
  }
  if (m.rest !== undefined && !/^\/[A-Za-z0-9_/:.-]*$/.test(m.rest.path)) throw bad(m.name, `REST path '${m.rest.path}' must start with / and hold only letters, digits, _ - . / :`);
}

function checkErrors(m: AnyMethod): ReadonlyMap<string, RpcErrorName> {
  const out = new Map<string, RpcErrorName>();
  for (const e of m.errors ?? []) {
    if (!isRpcErrorName(e.rpc)) throw bad(m.name, `error '${e.code}' maps to unknown error '${String(e.rpc)}'`);
    out.set(e.code, e.rpc);
  }
  return out;
}

function checkExample(m: AnyMethod, coerce: CoerceOptions): void {
  if (m.example === undefined) return;
  const r = resolveParams(m, m.example.params, coerce);
  if (!r.ok) throw bad(m.name, `example params do not validate: ${r.error.message}`);
}
