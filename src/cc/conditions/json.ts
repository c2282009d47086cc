/**
 * Komodo's JSON form of a tree (CC.md A9, `cc_conditionFromJSON` / `cc_conditionToJSON`): every node
 * is `{"type": <name>, …}`; secp256k1 keys and signatures are hex, other byte fields base64url; a
 * threshold lists all its children in `subfulfillments`. The cchost extension `(anon)` carries a
 * sub-condition. Input is checked strictly (unknown keys, non-canonical base64, wrong sizes).
 */
import { fromHex, isHex, toHex } from '../../util/bytes.ts';
import { base64Decode, base64UrlEncode } from './base64.ts';
import { CCErrorCode, fail } from './errors.ts';
import { MAX_UINT32, type Limits } from './limits.ts';
import { typeById, type CCNode } from './types.ts';

/** A node in the JSON form. */
export type JsonNode = { readonly type: string } & { readonly [key: string]: unknown };

const KEYS: Record<string, readonly string[]> = {
  'preimage-sha-256': ['preimage'],
  'prefix-sha-256': ['prefix', 'maxMessageLength', 'subfulfillment'],
  'threshold-sha-256': ['threshold', 'subfulfillments'],
  'rsa-sha-256': ['modulus', 'signature'],
  'ed25519-sha-256': ['publicKey', 'signature'],
  'secp256k1-sha-256': ['publicKey', 'signature'],
  'eval-sha-256': ['code'],
  '(anon)': ['cond_type', 'fingerprint', 'cost', 'subtypes'],
};
const OPTIONAL = new Set(['signature']);

/** Builds a tree from a JSON value (A9.2). Structure only; the caller derives it to apply A5/A10. */
export function nodeFromJson(v: unknown, depth: number, lim: Limits): CCNode {
  if (depth > lim.maxDepth) fail(CCErrorCode.LIMIT, 'A10', `tree deeper than ${lim.maxDepth}`);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(CCErrorCode.JSON, 'A9.1', 'a node must be a JSON object');
  const o = v as Record<string, unknown>;
  const type = o['type'];
  if (typeof type !== 'string' || !Object.hasOwn(KEYS, type)) {
    fail(CCErrorCode.JSON, 'A9.1', `unknown node type ${JSON.stringify(type) ?? 'undefined'}`);
  }
  const allowed = KEYS[type]!;
  for (const k of Object.keys(o)) {
    if (k !== 'type' && !allowed.includes(k)) fail(CCErrorCode.JSON, 'A9.2', `unknown key "${k}" in a ${type} node`);
  }
  for (const k of allowed) {
    if (!OPTIONAL.has(k) && o[k] === undefined) fail(CCErrorCode.JSON, 'A9.1', `missing key "${k}" in a ${type} node`);
  }
  switch (type) {
    case 'preimage-sha-256':
      return { type: 'preimage', preimage: b64(o['preimage'], 'preimage') };
    case 'prefix-sha-256':
      return {
        type: 'prefix',
        prefix: b64(o['prefix'], 'prefix'),
        maxMessageLength: uint(o['maxMessageLength'], 'maxMessageLength', MAX_UINT32),
        child: nodeFromJson(o['subfulfillment'], depth + 1, lim),
      };
    case 'threshold-sha-256': {
      const subs = o['subfulfillments'];
      if (!Array.isArray(subs)) fail(CCErrorCode.JSON, 'A9.1', 'subfulfillments must be an array');
      if (subs.length > lim.maxChildren) fail(CCErrorCode.LIMIT, 'A5.3', `${subs.length} children exceed ${lim.maxChildren}`);
      const threshold = uint(o['threshold'], 'threshold', MAX_UINT32);
      return { type: 'threshold', threshold, children: subs.map((c) => nodeFromJson(c, depth + 1, lim)) };
    }
    case 'rsa-sha-256': {
      const modulus = b64(o['modulus'], 'modulus');
      const sig = o['signature'] === undefined ? undefined : b64(o['signature'], 'signature');
      if (sig !== undefined && sig.length !== modulus.length) fail(CCErrorCode.JSON, 'A4', 'rsa signature length differs from the modulus');
      return sig === undefined ? { type: 'rsa', modulus } : { type: 'rsa', modulus, signature: sig };
    }
    case 'ed25519-sha-256': {
      const publicKey = sized(b64(o['publicKey'], 'publicKey'), 32, 'ed25519 publicKey');
      if (o['signature'] === undefined) return { type: 'ed25519', publicKey };
      return { type: 'ed25519', publicKey, signature: sized(b64(o['signature'], 'signature'), 64, 'ed25519 signature') };
    }
    case 'secp256k1-sha-256': {
      const publicKey = hex(o['publicKey'], 33, 'secp256k1 publicKey');
      if (o['signature'] === undefined) return { type: 'secp256k1', publicKey };
      return { type: 'secp256k1', publicKey, signature: hex(o['signature'], 64, 'secp256k1 signature') };
    }
    case 'eval-sha-256':
      return { type: 'eval', code: b64(o['code'], 'code') };
    default: {
      const id = uint(o['cond_type'], 'cond_type', 255);
      const info = typeById(id);
      if (info === undefined) fail(CCErrorCode.JSON, 'A9.2', `cond_type ${id} is not a known type`);
      return {
        type: 'anon',
        typeId: info.id,
        fingerprint: sized(b64(o['fingerprint'], 'fingerprint'), 32, 'fingerprint'),
        cost: uint(o['cost'], 'cost', MAX_UINT32),
        subtypes: uint(o['subtypes'], 'subtypes', 0xffff),
      };
    }
  }
}

/** The A9.3 JSON form of a tree: unpadded base64url, upper-case hex, children in tree order. */
export function nodeToJson(node: CCNode): JsonNode {
  switch (node.type) {
    case 'preimage':
      return { type: 'preimage-sha-256', preimage: base64UrlEncode(node.preimage) };
    case 'prefix':
      return {
        type: 'prefix-sha-256',
        prefix: base64UrlEncode(node.prefix),
        maxMessageLength: node.maxMessageLength,
        subfulfillment: nodeToJson(node.child),
      };
    case 'threshold':
      return { type: 'threshold-sha-256', threshold: node.threshold, subfulfillments: node.children.map(nodeToJson) };
    case 'rsa':
      return withSig({ type: 'rsa-sha-256', modulus: base64UrlEncode(node.modulus) }, node.signature, base64UrlEncode);
    case 'ed25519':
      return withSig({ type: 'ed25519-sha-256', publicKey: base64UrlEncode(node.publicKey) }, node.signature, base64UrlEncode);
    case 'secp256k1':
      return withSig({ type: 'secp256k1-sha-256', publicKey: upperHex(node.publicKey) }, node.signature, upperHex);
    case 'eval':
      return { type: 'eval-sha-256', code: base64UrlEncode(node.code) };
    case 'anon':
      return {
        type: '(anon)',
        cond_type: node.typeId,
        fingerprint: base64UrlEncode(node.fingerprint),
        cost: node.cost,
        subtypes: node.subtypes,
      };
  }
}

function withSig(o: JsonNode, sig: Uint8Array | undefined, enc: (b: Uint8Array) => string): JsonNode {
  return sig === undefined ? o : { ...o, signature: enc(sig) };
}

function upperHex(b: Uint8Array): string {
  return toHex(b).toUpperCase();
}

function b64(v: unknown, what: string): Uint8Array {
  const b = typeof v === 'string' ? base64Decode(v) : undefined;
  if (b === undefined) fail(CCErrorCode.JSON, 'A9.2', `${what} is not canonical base64 / base64url`);
  return b;
}

function hex(v: unknown, len: number, what: string): Uint8Array {
  if (!isHex(v) || v.length !== 2 * len) fail(CCErrorCode.JSON, 'A9.1', `${what} must be ${2 * len} hex digits`);
  return fromHex(v);
}

function sized(b: Uint8Array, len: number, what: string): Uint8Array {
  if (b.length !== len) fail(CCErrorCode.JSON, 'A9.1', `${what} must be ${len} bytes, got ${b.length}`);
  return b;
}

function uint(v: unknown, what: string, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    fail(CCErrorCode.JSON, 'A9.1', `${what} must be an integer 0..${max}`);
  }
  return v;
}
