/**
 * Decoder fuzzing (fast-check): parseFulfillment, parseCondition, conditionFromUri and fromJSON
 * never throw on any input and only fail with a library code naming a rule; whatever they accept
 * re-encodes to exactly the input (decode∘encode is the identity on the accepted set); mutations of
 * valid encodings (bit flips, truncations, insertions, deletions, length rewrites) keep both laws.
 * Runs: CCHOST_FUZZ_RUNS (default 300); seed: CCHOST_FUZZ_SEED (printed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  CCErrorCode,
  anonNode,
  conditionFromUri,
  conditionToUri,
  deriveCondition,
  encodeCondition,
  encodeFulfillment,
  fromJSON,
  parseCondition,
  parseFulfillment,
  toJSON,
  type CCError,
  type CCNode,
} from '../../src/cc/conditions/index.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { publicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { equalBytes, fromHex, utf8 } from '../../src/util/bytes.ts';
import { unwrap } from '../../src/util/errors.ts';
import { vectorsDir } from '../helpers/vectors.ts';

const runs = Number(process.env['CCHOST_FUZZ_RUNS'] ?? 300);
const seed = Number(process.env['CCHOST_FUZZ_SEED'] ?? 0x0cc0cc);
console.log(`cc_fuzz: seed ${seed}, ${runs} runs per property`);
const params = { numRuns: runs, seed };
const CODES = new Set<string>(Object.values(CCErrorCode));

/** A failure must be a typed library error whose message names its rule. */
function typed(e: CCError): boolean {
  return CODES.has(e.code) && typeof e.rule === 'string' && e.message.startsWith(`${e.rule}: `);
}

// ---- a generator of valid trees over all seven types ----
const KEYS = [1, 2, 3].map((i) => publicKeyFromPrivate(sha256(utf8(`fuzz key ${i}`))));
const MODULUS = Uint8Array.from({ length: 128 }, (_, i) => (i === 0 ? 0xc1 : (i * 37) & 0xff));
const bytes = (min: number, max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: min, maxLength: max });

const leaf: fc.Arbitrary<CCNode> = fc.oneof(
  bytes(0, 40).map((preimage): CCNode => ({ type: 'preimage', preimage })),
  bytes(1, 8).map((code): CCNode => ({ type: 'eval', code })),
  fc.tuple(fc.constantFrom(...KEYS), bytes(64, 64)).map(([publicKey, signature]): CCNode => ({ type: 'secp256k1', publicKey, signature })),
  fc.tuple(bytes(32, 32), bytes(64, 64)).map(([publicKey, signature]): CCNode => ({ type: 'ed25519', publicKey, signature })),
  bytes(128, 128).map((s): CCNode => ({ type: 'rsa', modulus: MODULUS, signature: Uint8Array.from(s, (b, i) => (i === 0 ? b & 0x7f : b)) })),
);

const tree: fc.Arbitrary<CCNode> = fc.letrec<{ node: CCNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(bytes(0, 6), fc.integer({ min: 0, max: 100_000 }), tie('node')).map(
      ([prefix, maxMessageLength, child]): CCNode => ({ type: 'prefix', prefix, maxMessageLength, child }),
    ),
    fc
      .tuple(fc.array(tie('node'), { minLength: 1, maxLength: 4 }), fc.array(leaf, { maxLength: 2 }), fc.nat())
      .map(([kids, anonSrc, pick]): CCNode => {
        const anons = anonSrc.map((n) => anonNode(unwrap(deriveCondition(n))));
        const children = [...kids, ...anons];
        return { type: 'threshold', threshold: 1 + (pick % kids.length), children };
      }),
  ),
})).node;

/** Valid fulfillments: the vectors' and generated ones. */
function vectorFulfillments(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const dir = join(vectorsDir(), 'crypto-conditions');
  for (const f of readdirSync(join(dir, 'valid'))) out.push(fromHex(JSON.parse(readFileSync(join(dir, 'valid', f), 'utf8')).fulfillment));
  const k = JSON.parse(readFileSync(join(dir, 'komodo', 'komodo-vectors.json'), 'utf8')) as { valid: { fulfillment: string | null }[] };
  for (const v of k.valid) if (v.fulfillment !== null) out.push(fromHex(v.fulfillment));
  return out.filter((f) => parseFulfillment(f).ok);
}
const CORPUS = vectorFulfillments();

const encoded: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constantFrom(...CORPUS),
  tree.map((t) => encodeFulfillment(t)).filter((r) => r.ok).map((r) => (r.ok ? r.value : new Uint8Array(0))),
);

type Mutation = (b: Uint8Array, at: number, v: number) => Uint8Array;
const MUTATIONS: Mutation[] = [
  (b, at, v) => b.map((x, i) => (i === at % b.length ? x ^ (1 << (v & 7)) : x)), // bit flip
  (b, at) => b.subarray(0, at % (b.length + 1)), // truncation
  (b, at, v) => Uint8Array.from([...b.subarray(0, at % (b.length + 1)), v & 0xff, ...b.subarray(at % (b.length + 1))]), // insertion
  (b, at) => Uint8Array.from([...b.subarray(0, at % b.length), ...b.subarray((at % b.length) + 1)]), // deletion
  (b, at, v) => b.map((x, i) => (i === at % b.length ? v & 0xff : x)), // byte replacement (lengths and tags included)
  (b, at) => {
    // re-encode the length octet at `at` in long form (81 xx), a BER leniency
    const i = at % b.length;
    if (i + 1 >= b.length || b[i + 1]! >= 0x80) return b;
    return Uint8Array.from([...b.subarray(0, i + 1), 0x81, ...b.subarray(i + 1)]);
  },
  (b) => Uint8Array.from([...b, 0x00]), // trailing byte
];
const mutated: fc.Arbitrary<Uint8Array> = fc
  .tuple(encoded, fc.array(fc.tuple(fc.nat(MUTATIONS.length - 1), fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 3 }))
  .map(([b, ms]) => ms.reduce((acc, [m, at, v]) => (acc.length === 0 ? acc : MUTATIONS[m]!(acc, at, v)), b));

/** parseFulfillment is total and typed; anything accepted re-encodes to the input. */
function fulfillmentLaws(b: Uint8Array): void {
  const r = parseFulfillment(b);
  if (!r.ok) {
    assert.ok(typed(r.error), JSON.stringify(r.error));
    return;
  }
  const e = encodeFulfillment(r.value);
  assert.ok(e.ok && equalBytes(e.value, b));
  const d = deriveCondition(r.value);
  assert.ok(d.ok);
  const c = parseCondition(encodeCondition(d.value));
  assert.ok(c.ok && equalBytes(encodeCondition(c.value), encodeCondition(d.value)));
}

/** parseCondition is total and typed; anything accepted re-encodes to the input. */
function conditionLaws(b: Uint8Array): void {
  const r = parseCondition(b);
  if (!r.ok) {
    assert.ok(typed(r.error), JSON.stringify(r.error));
    return;
  }
  assert.ok(equalBytes(encodeCondition(r.value), b));
  const u = conditionFromUri(conditionToUri(r.value));
  assert.ok(u.ok && equalBytes(encodeCondition(u.value), b));
}

test('parseFulfillment / parseCondition: total on arbitrary bytes, identity on what they accept', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      fulfillmentLaws(b);
      conditionLaws(b);
    }),
    params,
  );
  // byte strings that start like a fulfillment or condition get past the first tag more often
  const tagged = fc.tuple(fc.constantFrom(0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xaf, 0xbf), fc.uint8Array({ maxLength: 200 }));
  fc.assert(
    fc.property(tagged, ([t, rest]) => {
      const b = Uint8Array.from([t, rest.length < 128 ? rest.length : 0x81, ...(rest.length < 128 ? [] : [rest.length]), ...rest]);
      fulfillmentLaws(b);
      conditionLaws(b);
    }),
    params,
  );
});

test('generated trees over all seven types encode, parse back and derive the same condition', () => {
  fc.assert(
    fc.property(tree, (t) => {
      const e = encodeFulfillment(t);
      if (!e.ok) {
        // only A10 bounds may stop a generated tree (cost, contents, size, depth)
        assert.equal(e.error.code, 'CC_LIMIT', e.error.message);
        return;
      }
      const p = parseFulfillment(e.value);
      assert.ok(p.ok, !p.ok ? p.error.message : '');
      assert.deepEqual(encodeCondition(unwrap(deriveCondition(p.value))), encodeCondition(unwrap(deriveCondition(t))));
      // JSON round trip, compared through bytes (A9.3)
      const j = fromJSON(JSON.parse(JSON.stringify(toJSON(t))));
      assert.ok(j.ok, !j.ok ? j.error.message : '');
      assert.deepEqual(unwrap(encodeFulfillment(j.value)), e.value);
    }),
    params,
  );
});

test('mutations of valid encodings: never an untyped exception, accepted mutants re-encode identically', () => {
  fc.assert(
    fc.property(mutated, (b) => {
      fulfillmentLaws(b);
    }),
    { ...params, numRuns: runs * 3 },
  );
  const conds = encoded.map((f) => {
    const p = parseFulfillment(f);
    return p.ok ? encodeCondition(unwrap(deriveCondition(p.value))) : f;
  });
  fc.assert(
    fc.property(fc.tuple(conds, fc.nat(MUTATIONS.length - 1), fc.nat(), fc.nat(255)), ([b, m, at, v]) => {
      conditionLaws(MUTATIONS[m]!(b, at, v));
    }),
    params,
  );
});

test('conditionFromUri: total on arbitrary and near-valid strings; parse∘emit is stable', () => {
  const validUris = encoded.map((f) => {
    const p = parseFulfillment(f);
    return p.ok ? conditionToUri(unwrap(deriveCondition(p.value))) : 'ni:///sha-256;';
  });
  const mutatedUri = fc.tuple(validUris, fc.nat(), fc.string({ maxLength: 4 }), fc.nat(2)).map(([u, at, s, kind]) => {
    const i = at % (u.length + 1);
    if (kind === 0) return u.slice(0, i) + s + u.slice(i);
    if (kind === 1) return u.slice(0, i) + u.slice(i + 1);
    return u.slice(0, i);
  });
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 200 }), validUris, mutatedUri), (s) => {
      const r = conditionFromUri(s);
      if (!r.ok) {
        assert.ok(typed(r.error), JSON.stringify(r.error));
        return;
      }
      const again = conditionFromUri(conditionToUri(r.value));
      assert.ok(again.ok && equalBytes(encodeCondition(again.value), encodeCondition(r.value)));
      assert.equal(conditionToUri(again.value), conditionToUri(r.value));
    }),
    params,
  );
});

test('fromJSON: total on arbitrary JSON values and on mutated valid JSON', () => {
  const validJson = tree.map((t) => JSON.parse(JSON.stringify(toJSON(t))) as unknown);
  const mutate = (v: unknown, path: number, repl: unknown): unknown => {
    if (v === null || typeof v !== 'object') return repl;
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    if (entries.length === 0) return repl;
    const [k, child] = entries[path % entries.length]!;
    const copy: Record<string, unknown> | unknown[] = Array.isArray(v) ? [...v] : { ...(v as Record<string, unknown>) };
    (copy as Record<string, unknown>)[k] = path % 3 === 0 ? repl : mutate(child, Math.floor(path / 3), repl);
    return copy;
  };
  const mutatedJson = fc.tuple(validJson, fc.nat(), fc.jsonValue({ maxDepth: 2 })).map(([v, p, r]) => mutate(v, p, r));
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), mutatedJson, fc.string()), (j) => {
      const r = fromJSON(j);
      if (!r.ok) {
        assert.ok(typed(r.error), JSON.stringify(r.error));
        return;
      }
      const d = deriveCondition(r.value);
      assert.ok(d.ok);
      const back = fromJSON(JSON.parse(JSON.stringify(toJSON(r.value))));
      assert.ok(back.ok);
      assert.deepEqual(encodeCondition(unwrap(deriveCondition(back.value))), encodeCondition(d.value));
    }),
    params,
  );
});
