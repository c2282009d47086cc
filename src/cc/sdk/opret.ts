/**
 * The OP_RETURN codec (CC.md B10, Komodo `E_MARSHAL`-compatible). Module data sits in the last output,
 * exactly `6A ‖ push(payload)` with one minimal push, payload = `evalCode u8 ‖ funcid u8 ‖ fields`.
 * A module declares one schema per funcid (an ASCII letter): an ordered list of (name, codec). The
 * decoder checks the eval code and funcid, reads every field strictly (minimal CompactSize, strict
 * UTF-8, pubkey prefix) and must consume exactly all bytes. Decoders never throw.
 */
import { OP } from '../../script/opcodes.ts';
import { pushData } from '../../script/builder.ts';
import { concatBytes } from '../../util/bytes.ts';
import { CchostError, ok, type Result } from '../../util/errors.ts';
import { CcHostErrorCode, hostFail, type CcHostError } from '../host/errors.ts';
import { readCompactSize, writeCompactSize } from './compactSize.ts';

/** The field codecs of B10.2. */
export type OpretCodec = 'u8' | 'i32' | 'u32' | 'i64' | 'u64' | 'bytes' | 'string' | 'pubkey' | 'uint256';
/** The codec names, for checks and docs. */
export const OPRET_CODECS: readonly OpretCodec[] = Object.freeze(['u8', 'i32', 'u32', 'i64', 'u64', 'bytes', 'string', 'pubkey', 'uint256']);
/** One field: its name and codec. */
export type OpretField = readonly [name: string, codec: OpretCodec];
/** The value of a field: numbers for u8/i32/u32, bigint for i64/u64, a string, or bytes. */
export type OpretValue = number | bigint | string | Uint8Array;

/** A module's OP_RETURN schema: its eval code and the fields of each funcid. */
export interface OpretSchema {
  readonly evalCode: number;
  readonly funcs: Readonly<Record<string, readonly OpretField[]>>;
}

/** A decoded payload. */
export interface DecodedOpret {
  readonly evalCode: number;
  /** The funcid letter. */
  readonly funcid: string;
  /** Field values by name. */
  readonly fields: Readonly<Record<string, OpretValue>>;
}

/** Largest OP_RETURN script (MAX_SCRIPT_SIZE). */
export const MAX_OPRET_SCRIPT = 10_000;

const FUNCID = /^[A-Za-z]$/;
/** Field names: identifiers, so decoded objects stay plain. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const ENC = new TextEncoder();
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function opretFail(rule: string, message: string): { ok: false; error: CcHostError } {
  return hostFail(CcHostErrorCode.OPRET, rule, message);
}

/**
 * Declares a schema (B10.3), checking it: eval code 1..255, funcids single ASCII letters, field names
 * identifiers (not `__proto__`) unique per funcid, known codecs. Throws CC_OPRET_SCHEMA otherwise (a module bug).
 * Example: `defineOpretSchema(0xec, { F: [['oracletxid', 'uint256'], ['pk', 'pubkey'], ['amount', 'i64']] })`.
 */
export function defineOpretSchema(evalCode: number, funcs: Readonly<Record<string, readonly OpretField[]>>): OpretSchema {
  const bad = (m: string): never => {
    throw new CchostError(CcHostErrorCode.OPRET_SCHEMA, `B10.3: ${m}`);
  };
  if (!Number.isInteger(evalCode) || evalCode < 1 || evalCode > 255) bad(`eval code must be 1..255, got ${String(evalCode)}`);
  if (funcs === null || typeof funcs !== 'object') bad('funcs must be an object of funcid -> fields');
  const copy: Record<string, readonly OpretField[]> = {};
  for (const [fid, fields] of Object.entries(funcs)) {
    if (!FUNCID.test(fid)) bad(`funcid ${JSON.stringify(fid)} must be one ASCII letter`);
    if (!Array.isArray(fields)) bad(`funcid ${fid}: fields must be an array`);
    const names = new Set<string>();
    for (const f of fields) {
      if (!Array.isArray(f) || f.length !== 2 || typeof f[0] !== 'string') bad(`funcid ${fid}: each field is [name, codec]`);
      if (!FIELD_NAME.test(f[0]) || f[0] === '__proto__') bad(`funcid ${fid}: field name ${JSON.stringify(f[0])} must match ${FIELD_NAME.source} (and not be __proto__)`);
      if (names.has(f[0])) bad(`funcid ${fid}: field ${f[0]} appears twice`);
      if (!OPRET_CODECS.includes(f[1])) bad(`funcid ${fid}: field ${f[0]} has unknown codec ${JSON.stringify(f[1])}`);
      names.add(f[0]);
    }
    copy[fid] = Object.freeze(fields.map((f) => Object.freeze([f[0], f[1]] as const)));
  }
  return Object.freeze({ evalCode, funcs: Object.freeze(copy) });
}

/** The fields of `funcid` in `schema`, or undefined. */
function fieldsOf(schema: OpretSchema, funcid: string): readonly OpretField[] | undefined {
  return Object.prototype.hasOwnProperty.call(schema.funcs, funcid) ? schema.funcs[funcid] : undefined;
}

/**
 * Encodes a payload `evalCode ‖ funcid ‖ fields`. Errors (CC_OPRET): undeclared funcid, a missing
 * field, a value of the wrong type or out of its codec's range (B10.2).
 */
export function encodeOpretPayload(schema: OpretSchema, funcid: string, values: Readonly<Record<string, OpretValue>>): Result<Uint8Array, CcHostError> {
  const fields = typeof funcid === 'string' ? fieldsOf(schema, funcid) : undefined;
  if (fields === undefined) return opretFail('B10.3', `funcid ${JSON.stringify(funcid)} is not declared`);
  const parts: Uint8Array[] = [Uint8Array.of(schema.evalCode, funcid.charCodeAt(0))];
  for (const [name, codec] of fields) {
    if (values === null || typeof values !== 'object' || !Object.prototype.hasOwnProperty.call(values, name)) {
      return opretFail('B10.3', `field ${name} is missing`);
    }
    const enc = encodeField(codec, values[name]);
    if (typeof enc === 'string') return opretFail('B10.2', `field ${name} (${codec}): ${enc}`);
    parts.push(enc);
  }
  return ok(concatBytes(...parts));
}

function encodeField(codec: OpretCodec, v: unknown): Uint8Array | string {
  switch (codec) {
    case 'u8':
      return isIntIn(v, 0, 0xff) ? Uint8Array.of(v) : 'expected an integer 0..255';
    case 'i32':
    case 'u32': {
      const signed = codec === 'i32';
      if (!isIntIn(v, signed ? -0x80000000 : 0, signed ? 0x7fffffff : 0xffffffff)) return signed ? 'expected an integer -2^31..2^31-1' : 'expected an integer 0..2^32-1';
      const out = new Uint8Array(4);
      new DataView(out.buffer).setUint32(0, v >>> 0, true);
      return out;
    }
    case 'i64':
    case 'u64': {
      const signed = codec === 'i64';
      if (typeof v !== 'bigint') return 'expected a bigint';
      if (signed ? v < -(1n << 63n) || v >= 1n << 63n : v < 0n || v >= 1n << 64n) return signed ? 'out of the int64 range' : 'out of the uint64 range';
      const out = new Uint8Array(8);
      new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
      return out;
    }
    case 'bytes':
      return v instanceof Uint8Array ? concatBytes(writeCompactSize(v.length), v) : 'expected bytes';
    case 'string': {
      if (typeof v !== 'string') return 'expected a string';
      if (LONE_SURROGATE.test(v)) return 'the string is not well-formed Unicode (lone surrogate)';
      const b = ENC.encode(v);
      return concatBytes(writeCompactSize(b.length), b);
    }
    case 'pubkey':
      if (!(v instanceof Uint8Array) || v.length !== 33 || (v[0] !== 0x02 && v[0] !== 0x03)) return 'expected a 33-byte key starting 02 or 03';
      return concatBytes(Uint8Array.of(0x21), v);
    case 'uint256':
      return v instanceof Uint8Array && v.length === 32 ? v.slice() : 'expected 32 bytes';
  }
}

function isIntIn(v: unknown, lo: number, hi: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
}

/**
 * Decodes a payload under `schema` (B10.3): eval code, declared funcid, every field, then exactly the
 * end of the bytes (E_UNMARSHAL). Errors: CC_OPRET naming the rule and the field. Never throws.
 * Example: Assets' `x: [uint256]` accepts the docs transaction's `E3 78 <32 bytes>`; `x: []` rejects it.
 */
export function decodeOpretPayload(schema: OpretSchema, payload: Uint8Array): Result<DecodedOpret, CcHostError> {
  if (!(payload instanceof Uint8Array)) return opretFail('B10.1', 'the payload must be bytes');
  if (payload.length < 2) return opretFail('B10.1', `a payload starts with eval code and funcid, got ${payload.length} bytes`);
  if (payload[0] !== schema.evalCode) {
    return opretFail('B10.3', `eval code 0x${payload[0]!.toString(16).padStart(2, '0')} is not this schema's 0x${schema.evalCode.toString(16).padStart(2, '0')}`);
  }
  const funcid = String.fromCharCode(payload[1]!);
  const fields = FUNCID.test(funcid) ? fieldsOf(schema, funcid) : undefined;
  if (fields === undefined) return opretFail('B10.3', `funcid 0x${payload[1]!.toString(16).padStart(2, '0')} is not declared`);
  const out: Record<string, OpretValue> = {};
  let pos = 2;
  for (const [name, codec] of fields) {
    const r = decodeField(codec, payload, pos);
    if (typeof r === 'string') return opretFail('B10.2', `field ${name} (${codec}) at byte ${pos}: ${r}`);
    out[name] = r.value;
    pos = r.end;
  }
  if (pos !== payload.length) return opretFail('B10.3', `${payload.length - pos} trailing bytes after the last field`);
  return ok({ evalCode: schema.evalCode, funcid, fields: out });
}

function decodeField(codec: OpretCodec, b: Uint8Array, pos: number): { value: OpretValue; end: number } | string {
  const need = (n: number): boolean => pos + n <= b.length;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (codec) {
    case 'u8':
      return need(1) ? { value: b[pos]!, end: pos + 1 } : 'truncated';
    case 'i32':
      return need(4) ? { value: dv.getInt32(pos, true), end: pos + 4 } : 'truncated';
    case 'u32':
      return need(4) ? { value: dv.getUint32(pos, true), end: pos + 4 } : 'truncated';
    case 'i64':
      return need(8) ? { value: dv.getBigInt64(pos, true), end: pos + 8 } : 'truncated';
    case 'u64':
      return need(8) ? { value: dv.getBigUint64(pos, true), end: pos + 8 } : 'truncated';
    case 'bytes':
    case 'string': {
      const n = readCompactSize(b, pos);
      if (!n.ok) return `length ${n.reason}`;
      if (n.value > BigInt(b.length - n.end)) return `length ${n.value} runs past the end`;
      const end = n.end + Number(n.value);
      const raw = b.slice(n.end, end);
      if (codec === 'bytes') return { value: raw, end };
      try {
        return { value: UTF8.decode(raw), end };
      } catch {
        return 'not valid UTF-8';
      }
    }
    case 'pubkey':
      if (!need(34)) return 'truncated';
      if (b[pos] !== 0x21) return `length byte must be 21, got ${b[pos]!.toString(16).padStart(2, '0')}`;
      if (b[pos + 1] !== 0x02 && b[pos + 1] !== 0x03) return 'the key must start with 02 or 03';
      return { value: b.slice(pos + 1, pos + 34), end: pos + 34 };
    case 'uint256':
      return need(32) ? { value: b.slice(pos, pos + 32), end: pos + 32 } : 'truncated';
  }
}

/**
 * The OP_RETURN script `6A ‖ push(payload)` (shortest push). Error CC_OPRET when the script would
 * exceed 10,000 bytes or the payload is shorter than 2 bytes.
 */
export function opretScript(payload: Uint8Array): Result<Uint8Array, CcHostError> {
  if (!(payload instanceof Uint8Array) || payload.length < 2) return opretFail('B10.1', 'a payload has at least eval code and funcid');
  const s = concatBytes(Uint8Array.of(OP.OP_RETURN), pushData(payload));
  if (s.length > MAX_OPRET_SCRIPT) return opretFail('B10.1', `the OP_RETURN script would be ${s.length} bytes (max ${MAX_OPRET_SCRIPT})`);
  return ok(s);
}

/**
 * The payload of an OP_RETURN script that is exactly `6A ‖ push(payload)` with the shortest push for
 * its length (direct, 4C, 4D), at most 10,000 bytes. Error CC_OPRET otherwise. Never throws.
 */
export function opretPayload(script: Uint8Array): Result<Uint8Array, CcHostError> {
  if (!(script instanceof Uint8Array)) return opretFail('B10.1', 'the script must be bytes');
  if (script.length > MAX_OPRET_SCRIPT) return opretFail('B10.1', `script of ${script.length} bytes exceeds ${MAX_OPRET_SCRIPT}`);
  if (script.length < 2 || script[0] !== OP.OP_RETURN) return opretFail('B10.1', 'not an OP_RETURN script');
  const op = script[1]!;
  let len: number;
  let start: number;
  if (op >= 1 && op <= 75) {
    len = op;
    start = 2;
  } else if (op === OP.OP_PUSHDATA1 && script.length >= 3) {
    len = script[2]!;
    start = 3;
    if (len < 76) return opretFail('B10.1', 'non-minimal push (PUSHDATA1 for fewer than 76 bytes)');
  } else if (op === OP.OP_PUSHDATA2 && script.length >= 4) {
    len = script[2]! | (script[3]! << 8);
    start = 4;
    if (len < 256) return opretFail('B10.1', 'non-minimal push (PUSHDATA2 for fewer than 256 bytes)');
  } else {
    return opretFail('B10.1', 'OP_RETURN must be followed by exactly one data push');
  }
  if (start + len !== script.length) return opretFail('B10.1', start + len > script.length ? 'the push runs past the end' : 'bytes after the push');
  if (len < 2) return opretFail('B10.1', `a payload has at least eval code and funcid, got ${len} bytes`);
  return ok(script.slice(start));
}

/** Encodes a payload and wraps it in its OP_RETURN script. Errors as `encodeOpretPayload` and `opretScript`. */
export function encodeOpret(schema: OpretSchema, funcid: string, values: Readonly<Record<string, OpretValue>>): Result<Uint8Array, CcHostError> {
  const p = encodeOpretPayload(schema, funcid, values);
  return p.ok ? opretScript(p.value) : p;
}

/** Decodes an OP_RETURN script under `schema` (layout B10.1, then `decodeOpretPayload`). Never throws. */
export function decodeOpret(schema: OpretSchema, script: Uint8Array): Result<DecodedOpret, CcHostError> {
  const p = opretPayload(script);
  return p.ok ? decodeOpretPayload(schema, p.value) : p;
}

/**
 * Decodes the last output of a transaction, where module data sits (B10.1). Error CC_OPRET when the
 * transaction has no outputs or its last output is not a valid opret of the schema.
 */
export function decodeLastOpret(schema: OpretSchema, tx: { readonly outs: readonly { readonly script: Uint8Array }[] }): Result<DecodedOpret, CcHostError> {
  const last = tx.outs[tx.outs.length - 1];
  if (last === undefined) return opretFail('B10.1', 'the transaction has no outputs');
  return decodeOpret(schema, last.script);
}
