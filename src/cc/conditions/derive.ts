/**
 * Deriving a node's condition (CC.md A2, A3.2, A5): fingerprint contents, fingerprint, cost and
 * subtypes, with every field and A10 bound checked on the way. Under the default limits the result
 * is cached per node object (trees are immutable apart from signatures, which never affect the
 * condition), so parse → derive → verify hashes each node once.
 */
import { sha256 } from '../../crypto/hash.ts';
import { isValidPubkey } from '../../crypto/secp256k1.ts';
import { compareBytes } from '../../util/bytes.ts';
import { tlv, uintContents, writeLength, lengthSize } from './der.ts';
import { CCErrorCode, fail } from './errors.ts';
import { DEFAULT_LIMITS, MAX_UINT32, type Limits } from './limits.ts';
import { subtypesContents } from './subtypes.ts';
import { KNOWN_TYPES_MASK, typeById, type CCNode, type Condition, type TypeId } from './types.ts';

/** A node's derived condition with its DER encoding and the height of the subtree (a leaf is 1). */
export interface Derived {
  readonly cond: Condition;
  readonly bytes: Uint8Array;
  readonly height: number;
}

const cache = new WeakMap<object, Derived>();
const encodedConditions = new WeakMap<Condition, Uint8Array>();

/** The cached DER encoding of a condition returned by `deriveCondition`, if any. */
export function cachedConditionBytes(cond: Condition): Uint8Array | undefined {
  return encodedConditions.get(cond);
}

/**
 * Derives the root condition of `node` under `lim`, including the root-cost bound. Fails with CCFail.
 */
export function deriveRoot(node: CCNode, lim: Limits): Derived {
  const d = deriveAt(node, 1, lim);
  if (d.cond.cost > lim.maxRootCost) {
    fail(CCErrorCode.LIMIT, 'A10', `root cost ${d.cond.cost} exceeds ${lim.maxRootCost}`);
  }
  return d;
}

/** Derives `node` found at `depth` (root = 1). Fails with CCFail. */
export function deriveAt(node: CCNode, depth: number, lim: Limits): Derived {
  const useCache = lim === DEFAULT_LIMITS;
  if (useCache) {
    const hit = cache.get(node);
    if (hit !== undefined) {
      if (depth + hit.height - 1 > lim.maxDepth) fail(CCErrorCode.LIMIT, 'A10', `tree deeper than ${lim.maxDepth}`);
      return hit;
    }
  }
  if (depth > lim.maxDepth) fail(CCErrorCode.LIMIT, 'A10', `tree deeper than ${lim.maxDepth}`);
  const d = compute(node, depth, lim);
  if (useCache) cache.set(node, d);
  return d;
}

function compute(node: CCNode, depth: number, lim: Limits): Derived {
  if (node !== null && typeof node === 'object' && node.type === 'anon') {
    const cond = checkCondition(node, lim);
    return { cond, bytes: conditionBytes(cond), height: 1 };
  }
  const p = parts(node, depth, lim);
  if (p.contents.length > lim.maxContents) {
    fail(CCErrorCode.LIMIT, 'A10', `fingerprint contents of ${p.contents.length} bytes exceed ${lim.maxContents}`);
  }
  if (p.cost > MAX_UINT32 || p.cost > lim.maxNodeCost) {
    fail(CCErrorCode.LIMIT, 'A5.2', `node cost ${p.cost} exceeds ${Math.min(MAX_UINT32, lim.maxNodeCost)}`);
  }
  const cond: Condition = Object.freeze({
    typeId: p.typeId,
    fingerprint: sha256(p.contents),
    cost: p.cost,
    subtypes: p.subtypes,
  });
  return { cond, bytes: conditionBytes(cond), height: p.height };
}

/** What a fulfillable node contributes before hashing. */
interface Parts {
  readonly typeId: TypeId;
  readonly contents: Uint8Array;
  readonly cost: number;
  readonly subtypes: number;
  readonly height: number;
}

/** Checks a fulfillable node's fields and builds its fingerprint contents, cost and subtypes. */
function parts(node: CCNode, depth: number, lim: Limits): Parts {
  if (node === null || typeof node !== 'object') fail(CCErrorCode.ARG, 'A1', 'a tree node must be an object');
  switch (node.type) {
    case 'preimage': {
      const p = bytesField(node.preimage, 'preimage');
      return { typeId: 0, contents: p, cost: p.length, subtypes: 0, height: 1 };
    }
    case 'prefix': {
      const prefix = bytesField(node.prefix, 'prefix');
      const mml = node.maxMessageLength;
      if (!Number.isInteger(mml) || mml < 0 || mml > MAX_UINT32) {
        fail(CCErrorCode.PARSE, 'A6.4', `maxMessageLength ${String(mml)} out of range 0..${MAX_UINT32}`);
      }
      const child = deriveAt(node.child, depth + 1, lim);
      const contents = sequence([
        tlv(0x80, [prefix]),
        tlv(0x81, [uintContents(mml)]),
        tlv(0xa2, [child.bytes]),
      ]);
      return {
        typeId: 1,
        contents,
        cost: prefix.length + mml + child.cond.cost + 1024, // < 2^34: exact in a double
        subtypes: ((1 << child.cond.typeId) | child.cond.subtypes) & ~(1 << 1),
        height: child.height + 1,
      };
    }
    case 'threshold': {
      const kids = node.children;
      if (!Array.isArray(kids)) fail(CCErrorCode.ARG, 'A5', 'threshold children must be an array');
      const n = kids.length;
      const t = node.threshold;
      if (n > lim.maxChildren) fail(CCErrorCode.LIMIT, 'A5.1', `${n} children exceed ${lim.maxChildren}`);
      if (!Number.isInteger(t) || t < 1 || t > n) {
        fail(CCErrorCode.LIMIT, 'A5.3', `threshold ${String(t)} is not within 1..${n} (the number of children)`);
      }
      const conds: Uint8Array[] = new Array(n);
      const costs: number[] = new Array(n);
      let subtypes = 0;
      let height = 0;
      for (let i = 0; i < n; i++) {
        const c = deriveAt(kids[i]!, depth + 1, lim);
        conds[i] = c.bytes;
        costs[i] = c.cond.cost;
        subtypes |= (1 << c.cond.typeId) | c.cond.subtypes;
        if (c.height > height) height = c.height;
      }
      conds.sort(compareBytes);
      costs.sort((a, b) => b - a);
      // A5.2: every term is ≤ 2^32−1 and there are few of them, so the sum stays far below 2^53 and
      // is exact (no wrap-around, unlike Komodo's unsigned long); the caller bounds the result.
      let cost = 1024 * n;
      for (let i = 0; i < t; i++) cost += costs[i]!;
      return {
        typeId: 2,
        contents: sequence([tlv(0x80, [uintContents(t)]), tlv(0xa1, conds)]),
        cost,
        subtypes: subtypes & ~(1 << 2),
        height: height + 1,
      };
    }
    case 'rsa': {
      const m = bytesField(node.modulus, 'modulus');
      if (m.length < 128 || m.length > 512) fail(CCErrorCode.PARSE, 'A6.7', `rsa modulus of ${m.length} bytes (128..512)`);
      if (m[0] === 0) fail(CCErrorCode.PARSE, 'A6.7', 'rsa modulus has a leading zero byte');
      return { typeId: 3, contents: sequence([tlv(0x80, [m])]), cost: m.length * m.length, subtypes: 0, height: 1 };
    }
    case 'ed25519': {
      const k = bytesField(node.publicKey, 'publicKey');
      if (k.length !== 32) fail(CCErrorCode.PARSE, 'A6.7', `ed25519 public key of ${k.length} bytes (32)`);
      return { typeId: 4, contents: sequence([tlv(0x80, [k])]), cost: 131072, subtypes: 0, height: 1 };
    }
    case 'secp256k1': {
      const k = bytesField(node.publicKey, 'publicKey');
      if (k.length !== 33 || (k[0] !== 2 && k[0] !== 3)) {
        fail(CCErrorCode.PARSE, 'A6.7', `secp256k1 public key must be 33 bytes starting 02/03 (got ${k.length} bytes)`);
      }
      if (!onCurve(k)) fail(CCErrorCode.PARSE, 'A6.7', 'secp256k1 public key is not on the curve');
      return { typeId: 5, contents: sequence([tlv(0x80, [k])]), cost: 131072, subtypes: 0, height: 1 };
    }
    case 'eval': {
      const code = bytesField(node.code, 'code');
      if (code.length < lim.minEvalCode || code.length > lim.maxEvalCode) {
        fail(CCErrorCode.LIMIT, 'A10', `eval code of ${code.length} bytes (${lim.minEvalCode}..${lim.maxEvalCode})`);
      }
      return { typeId: 15, contents: code, cost: 1048576, subtypes: 0, height: 1 };
    }
    case 'anon':
      return fail(CCErrorCode.UNFULFILLED, 'A1', 'an anonymous node has no fingerprint contents');
    default:
      return fail(CCErrorCode.PARSE, 'A2', `unknown node type ${JSON.stringify((node as { type: unknown }).type)}`);
  }
}

/**
 * Validates a condition value (an anon node or a caller's object) and returns a frozen copy:
 * known type, 32-byte fingerprint, integer cost ≤ the node limit, subtypes only on compound types
 * and only known ids (A6.5, A6.7).
 */
export function checkCondition(c: Condition, lim: Limits): Condition {
  if (c === null || typeof c !== 'object') fail(CCErrorCode.ARG, 'A1', 'a condition must be an object');
  const info = typeById(c.typeId);
  if (info === undefined) fail(CCErrorCode.PARSE, 'A6.3', `unknown type id ${String(c.typeId)}`);
  const fp = bytesField(c.fingerprint, 'fingerprint');
  if (fp.length !== 32) fail(CCErrorCode.PARSE, 'A6.7', `fingerprint of ${fp.length} bytes (32)`);
  const cost = c.cost;
  if (!Number.isInteger(cost) || cost < 0 || cost > MAX_UINT32) {
    fail(CCErrorCode.PARSE, 'A6.4', `cost ${String(cost)} out of range 0..${MAX_UINT32}`);
  }
  if (cost > lim.maxNodeCost) fail(CCErrorCode.LIMIT, 'A10', `cost ${cost} exceeds ${lim.maxNodeCost}`);
  const st = c.subtypes;
  if (!Number.isInteger(st) || st < 0 || (st & ~KNOWN_TYPES_MASK) !== 0) {
    fail(CCErrorCode.PARSE, 'A6.5', `subtypes ${String(st)} name an unknown type id`);
  }
  if (!info.compound && st !== 0) fail(CCErrorCode.PARSE, 'A6.5', `subtypes on simple type ${info.name}`);
  return Object.freeze({ typeId: info.id, fingerprint: fp, cost, subtypes: st });
}

/** The DER encoding of a (valid) condition (A3.2). Example: preimage "" → `A0 25 80 20 E3B0… 81 01 00`. */
export function conditionBytes(c: Condition): Uint8Array {
  const hit = encodedConditions.get(c);
  if (hit !== undefined) return hit;
  const costC = uintContents(c.cost);
  const compound = typeById(c.typeId)!.compound;
  const st = compound ? subtypesContents(c.subtypes) : undefined;
  const bodyLen = 34 + 2 + costC.length + (st === undefined ? 0 : 2 + st.length);
  const out = new Uint8Array(1 + lengthSize(bodyLen) + bodyLen);
  out[0] = 0xa0 | c.typeId;
  let p = writeLength(out, 1, bodyLen);
  out[p++] = 0x80;
  out[p++] = 0x20;
  out.set(c.fingerprint, p);
  p += 32;
  out[p++] = 0x81;
  out[p++] = costC.length;
  out.set(costC, p);
  p += costC.length;
  if (st !== undefined) {
    out[p++] = 0x82;
    out[p++] = st.length;
    out.set(st, p);
  }
  if (Object.isFrozen(c)) encodedConditions.set(c, out);
  return out;
}

/** The fingerprint contents of a fulfillable node (A2), after checking the whole tree; fails for anon nodes. */
export function fingerprintContentsOf(node: CCNode, lim: Limits): Uint8Array {
  deriveRoot(node, lim);
  return parts(node, 1, lim).contents;
}

// Curve membership is a pure function of the key bytes and the same keys recur (module global keys,
// a wallet's keys), so verdicts are memoised; the map is cleared when full to stay bounded.
const pointCache = new Map<string, boolean>();
const POINT_CACHE_MAX = 4096;

/** True when a 33-byte 02/03 key is a point on secp256k1 (memoised). */
function onCurve(k: Uint8Array): boolean {
  const id = String.fromCharCode(...k);
  let v = pointCache.get(id);
  if (v === undefined) {
    v = isValidPubkey(k);
    if (pointCache.size >= POINT_CACHE_MAX) pointCache.clear();
    pointCache.set(id, v);
  }
  return v;
}

function sequence(items: Uint8Array[]): Uint8Array {
  return tlv(0x30, items);
}

function bytesField(v: unknown, what: string): Uint8Array {
  if (!(v instanceof Uint8Array)) fail(CCErrorCode.ARG, 'A1', `${what} must be a Uint8Array`);
  return v;
}
