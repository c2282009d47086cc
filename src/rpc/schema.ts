/**
 * JSON Schemas derived from method declarations, for the OpenAPI document and docs. They describe the
 * wire form (hex strings, decimal or digit-string amounts); validation itself is done by `params.ts`.
 */
import type { AnyMethod, JsonSchema, ParamSpec } from './method.ts';
import { isRequired, positionalParams } from './params.ts';

type Mutable = Record<string, unknown>;

/** The JSON Schema of one parameter's wire value. */
export function paramSchema(s: ParamSpec): JsonSchema {
  const out: Mutable = typeSchema(s);
  out['description'] = s.description;
  if (s.default !== undefined) out['default'] = s.default;
  return out;
}

function typeSchema(s: ParamSpec): Mutable {
  switch (s.type) {
    case 'string':
      return clean({ type: 'string', enum: s.enum, minLength: s.minLength, maxLength: s.maxLength, pattern: s.pattern });
    case 'number':
    case 'integer':
      return clean({ type: s.type, minimum: s.min, maximum: s.max });
    case 'boolean':
      return { type: 'boolean' };
    case 'object':
      return { type: 'object', ...(s.schema ?? {}) };
    case 'array':
      return clean({ type: 'array', items: s.items ?? {}, minItems: s.minItems, maxItems: s.maxItems });
    case 'hex': {
      const min = s.bytes ?? s.minBytes;
      const max = s.bytes ?? s.maxBytes;
      return clean({
        type: 'string',
        format: 'hex',
        pattern: '^([0-9a-fA-F]{2})*$',
        minLength: min === undefined ? undefined : 2 * min,
        maxLength: max === undefined ? undefined : 2 * max,
      });
    }
    case 'amount':
      return {
        oneOf: [
          { type: 'number', minimum: 0 },
          { type: 'string', pattern: '^[0-9]+(\\.[0-9]{1,8})?$' },
        ],
        'x-unit': 'coins',
      };
    case 'sats':
      return {
        oneOf: [
          { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
          { type: 'string', pattern: '^[0-9]{1,20}$' },
        ],
        'x-unit': 'satoshis',
      };
    case 'address':
      return { type: 'string', format: s.allowPubkey === true ? 'address-or-pubkey' : 'address' };
  }
}

function clean(o: Mutable): Mutable {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** The named-params object schema of a method (REST bodies and query strings), minus `exclude` names. */
export function paramsObjectSchema(def: AnyMethod, exclude: ReadonlySet<string> = new Set()): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const p of def.params) {
    if (exclude.has(p.name)) continue;
    properties[p.name] = paramSchema(p);
    if (isRequired(p)) required.push(p.name);
  }
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false };
}

/** The positional-params array schema of a method. */
export function paramsArraySchema(def: AnyMethod): JsonSchema {
  const positional = positionalParams(def);
  return {
    type: 'array',
    maxItems: positional.length + (positional.length < def.params.length ? 1 : 0),
    description: `positional: ${positional.map((p) => p.name).join(', ') || '(none)'}`,
  };
}

/** The JSON-RPC request schema of one method (used in the `POST /` OpenAPI body). */
export function jsonRpcRequestSchema(def: AnyMethod): JsonSchema {
  return {
    title: def.name,
    description: def.summary,
    type: 'object',
    required: ['method'],
    properties: {
      jsonrpc: { type: 'string', enum: ['1.0', '2.0'] },
      id: { oneOf: [{ type: 'string' }, { type: 'integer' }], nullable: true },
      method: { type: 'string', enum: [def.name] },
      params: { oneOf: [paramsArraySchema(def), paramsObjectSchema(def)] },
    },
  };
}

/** The result schema of a method with its description. */
export function resultSchema(def: AnyMethod): JsonSchema {
  return { description: def.result.description, ...(def.result.schema ?? {}) };
}

/** Names of the `:params` in a fastify path. Example: `pathParams('/v1/block/:hash')` is `['hash']`. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
}
