import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sha256 } from '../../src/crypto/hash.ts';
import { xOnlyPublicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { toHex, utf8 } from '../../src/util/bytes.ts';
import { canonicalSpecJson, chainId, formatCoins, parseChainSpec, parseCoins, specToJson } from '../../src/chain/spec/index.ts';
import { MAX_MONEY } from '../../src/chain/params.ts';

const runs = Number(process.env['CCHOST_FUZZ_RUNS'] ?? 300);
const xkey = (s: string) => toHex(xOnlyPublicKeyFromPrivate(sha256(utf8(s))));

const BASE = {
  name: 'prop',
  genesisTimeMs: 1_700_000_000_000,
  allocations: [{ script: '51', amount: '12.5' }],
  reward: { initial: '2', halvingInterval: 10, endHeight: 0 },
  producers: [
    { name: 'a', key: xkey('a') },
    { name: 'b', key: xkey('b') },
  ],
  cc: { modules: [{ name: 'kv', evalCode: 20, params: { KV_RATE: 10, list: [1, { z: 1, a: 2 }] } }] },
};

/** Rebuilds every object with its keys permuted by `rand`. */
function shuffleKeys(v: unknown, rand: () => number): unknown {
  if (Array.isArray(v)) return v.map((x) => shuffleKeys(x, rand));
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    return Object.fromEntries(entries.map(([k, x]) => [k, shuffleKeys(x, rand)]));
  }
  return v;
}

test('property: the canonical form and chain id do not depend on key order', () => {
  const base = parseChainSpec(BASE);
  assert.ok(base.ok);
  const id = chainId(base.value);
  const full = specToJson(base.value);
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: 64, maxLength: 64 }), fc.boolean(), (rs, useFull) => {
      let k = 0;
      const rand = () => rs[k++ % rs.length]!;
      const r = parseChainSpec(shuffleKeys(useFull ? full : BASE, rand));
      assert.ok(r.ok);
      assert.equal(chainId(r.value), id);
      assert.equal(canonicalSpecJson(r.value), canonicalSpecJson(base.value));
    }),
    { numRuns: runs },
  );
});

test('property: coin strings and satoshis convert both ways without loss', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: MAX_MONEY * 1000n }), (sat) => {
      assert.equal(parseCoins(formatCoins(sat)), sat);
    }),
    { numRuns: runs },
  );
});

test('property: parseChainSpec never throws on arbitrary JSON, near-valid documents included', () => {
  const nearValid = fc
    .record({ key: fc.constantFrom(...Object.keys(BASE), 'slotMs', 'limits', 'prefixes'), value: fc.jsonValue({ maxDepth: 3 }) })
    .map(({ key, value }) => ({ ...BASE, [key]: value }));
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), nearValid), (doc) => {
      const r = parseChainSpec(doc);
      if (!r.ok) {
        assert.match(r.error.code, /^SPEC_/);
        assert.equal(typeof r.error.path, 'string');
      } else {
        assert.match(chainId(r.value), /^[0-9a-f]{64}$/);
      }
    }),
    { numRuns: runs },
  );
});
