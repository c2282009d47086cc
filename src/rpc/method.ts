/**
 * The RPC method declaration. Each method is declared once with `defineMethod`; the declaration drives
 * the JSON-RPC dispatcher, REST routes, `help`, the OpenAPI document and docs/rpc.md. This file has no
 * server dependency, so the module SDK can re-export it.
 */
import type { RpcErrorName } from './errors.ts';
import type { MethodTable } from './table.ts';

/** A JSON Schema fragment (documentation only: validation is done by the param coercers). */
export type JsonSchema = { readonly [key: string]: unknown };

/** Fields every parameter declares. Parameter names are snake_case. */
interface ParamCommon {
  readonly name: string;
  readonly description: string;
  /** Default `true` unless a `default` is given. */
  readonly required?: boolean;
  /** Only accepted by name (MODULES.md §1.5: `from`, `broadcast`, `fee_sat`); positional callers append an object. */
  readonly namedOnly?: boolean;
}

/** A JSON string. */
export interface StringParam extends ParamCommon {
  readonly type: 'string';
  readonly default?: string;
  readonly enum?: readonly string[];
  readonly minLength?: number;
  readonly maxLength?: number;
  /** A regular expression source the whole value must match. */
  readonly pattern?: string;
}
/** A JSON number (finite). */
export interface NumberParam extends ParamCommon {
  readonly type: 'number';
  readonly default?: number;
  readonly min?: number;
  readonly max?: number;
}
/** A JSON safe integer. */
export interface IntegerParam extends ParamCommon {
  readonly type: 'integer';
  readonly default?: number;
  readonly min?: number;
  readonly max?: number;
  /** Also take `true`/`false` as 1/0, as bitcoind does for verbosity flags (`getrawtransaction txid true`). */
  readonly acceptBoolean?: boolean;
}
/** A JSON boolean. */
export interface BooleanParam extends ParamCommon {
  readonly type: 'boolean';
  readonly default?: boolean;
}
/** A JSON object (shape documented by `schema`, checked by the handler). */
export interface ObjectParam extends ParamCommon {
  readonly type: 'object';
  readonly default?: Readonly<Record<string, unknown>>;
  readonly schema?: JsonSchema;
}
/** A JSON array (item shape documented by `items`, checked by the handler). */
export interface ArrayParam extends ParamCommon {
  readonly type: 'array';
  readonly default?: readonly unknown[];
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
}
/** Hex bytes, delivered to the handler as `Uint8Array`. Malformed hex is -22 unless `invalid` says otherwise. */
export interface HexParam extends ParamCommon {
  readonly type: 'hex';
  readonly default?: string;
  /** Exact byte length (32 for a txid or block hash). */
  readonly bytes?: number;
  readonly minBytes?: number;
  readonly maxBytes?: number;
  /** Numeric error for malformed hex: bitcoind's -22 (default) or -8 (MODULES.md encodings). */
  readonly invalid?: 'RPC_DESERIALIZATION_ERROR' | 'RPC_INVALID_PARAMETER';
}
/** Decimal coins (JSON number or string, ≤ 8 decimals) delivered as `bigint` satoshis; bitcoind's -3 on error. */
export interface AmountParam extends ParamCommon {
  readonly type: 'amount';
  readonly default?: string | number;
  /** Bounds in satoshis; default 0 .. the table's `maxMoney`. */
  readonly min?: bigint;
  readonly max?: bigint;
}
/** Integer satoshis (JSON integer ≤ 2^53−1 or digit string) delivered as `bigint`; -8 `rpc/BAD_AMOUNT` on error (MODULES.md §1.5). */
export interface SatsParam extends ParamCommon {
  readonly type: 'sats';
  readonly default?: string | number;
  readonly min?: bigint;
  readonly max?: bigint;
}
/** A string that looks like a Base58 address (full checks belong to the handler); -5 on error. */
export interface AddressParam extends ParamCommon {
  readonly type: 'address';
  readonly default?: string;
  /** Also accept a 33-byte compressed public key in hex (66 characters). */
  readonly allowPubkey?: boolean;
}

/** One parameter declaration. */
export type ParamSpec =
  | StringParam
  | NumberParam
  | IntegerParam
  | BooleanParam
  | ObjectParam
  | ArrayParam
  | HexParam
  | AmountParam
  | SatsParam
  | AddressParam;

/** The parameter type names. */
export type ParamType = ParamSpec['type'];

/** The value a handler receives for a parameter declared as `S`. */
export type ParamValue<S extends ParamSpec> = S extends { type: 'string'; enum: readonly (infer E extends string)[] }
  ? E
  : S extends { type: 'string' | 'address' }
    ? string
    : S extends { type: 'number' | 'integer' }
      ? number
      : S extends { type: 'boolean' }
        ? boolean
        : S extends { type: 'object' }
          ? Record<string, unknown>
          : S extends { type: 'array' }
            ? unknown[]
            : S extends { type: 'hex' }
              ? Uint8Array
              : S extends { type: 'amount' | 'sats' }
                ? bigint
                : never;

type Optional<S> = S extends { default: unknown } ? false : S extends { required: false } ? true : false;

/** The typed params object of a handler: `{ verbosity: number; blockhash: Uint8Array; ... }`. */
export type ParamsOf<P extends readonly ParamSpec[]> = {
  [S in P[number] as S['name']]: Optional<S> extends true ? ParamValue<S> | undefined : ParamValue<S>;
};

/** An error a method declares it can return: the string code and the numeric error it maps to. */
export interface MethodError {
  readonly code: string;
  readonly rpc: RpcErrorName;
  readonly description: string;
}

/** A request and its result, shown by `help`, docs and OpenAPI. */
export interface MethodExample {
  readonly params: readonly unknown[] | Readonly<Record<string, unknown>>;
  readonly result: unknown;
  readonly description?: string;
}

/** A REST route of a method. GET takes query (and `:path`) params; POST takes a JSON object body. */
export interface RestRoute {
  readonly method: 'GET' | 'POST';
  /** A fastify path, e.g. `/v1/chain/info` or `/v1/chain/block/:hash`. */
  readonly path: string;
}

/** What a handler learns about the call besides its params. */
export interface RpcContext {
  readonly transport: 'jsonrpc' | 'rest';
  /** The JSON-RPC id (`undefined` for REST and notifications). */
  readonly id: unknown;
  readonly method: string;
  readonly table: MethodTable;
  /** The authenticated user (`__cookie__` for the cookie), if auth is on. */
  readonly user: string | undefined;
  /** The server's request id (for logs). */
  readonly requestId: string | undefined;
}

/** A method declaration. `P` is the literal params list, `R` the handler's result. */
export interface MethodDef<P extends readonly ParamSpec[] = readonly ParamSpec[], R = unknown> {
  /** Flat lowercase name (`getblock`, `oraclescreate`). */
  readonly name: string;
  /** One line: what it does. */
  readonly summary: string;
  /** Longer text for `help METHOD` and docs. */
  readonly description?: string;
  /** Help section for non-module methods (`Blockchain`, `Rawtransactions`, `Control`, ...). */
  readonly category?: string;
  /** The module REST name (`oracles`) for module methods: also mounted at `POST /v1/modules/<module>/<name>`. */
  readonly module?: string;
  readonly params: P;
  readonly result: { readonly description: string; readonly schema?: JsonSchema };
  readonly example?: MethodExample;
  readonly errors?: readonly MethodError[];
  readonly rest?: RestRoute;
  /** Answer even while the node is warming up (`help`, `stop`, status methods). */
  readonly allowInWarmup?: boolean;
  /** Method syntax on purpose: lets typed methods sit in one untyped table. */
  handler(params: ParamsOf<P>, ctx: RpcContext): Promise<R> | R;
}

/** Any method, as stored in a table. */
export type AnyMethod = MethodDef<readonly ParamSpec[], unknown>;

/**
 * Declares a method with typed params. Example:
 * `defineMethod({ name: 'add', summary: 'adds', params: [{ name: 'a', type: 'integer', description: 'x' }],
 *   result: { description: 'the sum' }, handler: ({ a }) => a + 1 })`.
 */
export function defineMethod<const P extends readonly ParamSpec[], R>(def: MethodDef<P, R>): MethodDef<P, R> {
  return def;
}
