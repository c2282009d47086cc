/**
 * CC.md C.1: the 18 official crypto-conditions vectors (valid/), 7 checks each, plus the negative
 * "wrong message" check, the cost and subtypes fields, Komodo's URI variants of six of them and a
 * cost-first rewrite of every URI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  conditionFromUri,
  conditionToUri,
  deriveCondition,
  encodeCondition,
  encodeFulfillment,
  fingerprintContents,
  fromJSON,
  maskNames,
  parseCondition,
  parseFulfillment,
  verify,
  verifyDetailed,
  verifySignatures,
  type CCNode,
} from '../../src/cc/conditions/index.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { printTally, readVectorJson, vectorsDir } from '../helpers/vectors.ts';

interface ValidVector {
  json: unknown;
  cost: number;
  subtypes: string[];
  fingerprintContents: string;
  fulfillment: string;
  conditionBinary: string;
  conditionUri: string;
  message: string;
}

const HEX = (b: Uint8Array): string => toHex(b).toUpperCase();
const dir = join(vectorsDir(), 'crypto-conditions', 'valid');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

/** True when some fulfilled node of the tree checks a signature (so the message matters). */
function hasSignature(n: CCNode): boolean {
  if (n.type === 'rsa' || n.type === 'ed25519' || n.type === 'secp256k1') return true;
  if (n.type === 'prefix') return hasSignature(n.child);
  if (n.type === 'threshold') return n.children.some(hasSignature);
  return false;
}

/** True when the tree has a prefix node. */
function hasPrefix(n: CCNode): boolean {
  if (n.type === 'prefix') return true;
  if (n.type === 'threshold') return n.children.some(hasPrefix);
  return false;
}

/** A structural copy of a tree in which every prefix admits messages of any length. */
function unboundPrefixes(n: CCNode): CCNode {
  if (n.type === 'prefix') return { ...n, maxMessageLength: 0xffffffff, child: unboundPrefixes(n.child) };
  if (n.type === 'threshold') return { ...n, children: n.children.map(unboundPrefixes) };
  return n;
}

test('official valid vectors: 18 files x 7 checks (cost and subtypes included), plus wrong-message and exact-compare negatives', () => {
  assert.equal(files.length, 18, 'the valid/ folder holds the 18 official vectors');
  let passed = 0;
  let failed = 0;
  let deviations = 0;
  let negPassed = 0;
  let negFailed = 0;
  const failures: string[] = [];
  const check = (name: string, cond: boolean): void => {
    if (cond) passed++;
    else {
      failed++;
      failures.push(name);
    }
  };
  const checkNeg = (name: string, cond: boolean): void => {
    if (cond) negPassed++;
    else {
      negFailed++;
      failures.push(name);
    }
  };
  for (const file of files) {
    const v = readVectorJson<ValidVector>(`crypto-conditions/valid/${file}`);
    const F = fromHex(v.fulfillment);
    const C = fromHex(v.conditionBinary);
    const M = fromHex(v.message);

    // 1. binary -> URI
    const pc = parseCondition(C);
    check(`${file}: binary -> URI`, pc.ok && conditionToUri(pc.value) === v.conditionUri);
    // 2. URI -> binary
    const pu = conditionFromUri(v.conditionUri);
    check(`${file}: URI -> binary`, pu.ok && HEX(encodeCondition(pu.value)) === v.conditionBinary);
    // 3. fulfillment round trip
    const pf = parseFulfillment(F);
    const re = pf.ok ? encodeFulfillment(pf.value) : pf;
    check(`${file}: fulfillment round trip`, re.ok && HEX(re.value) === v.fulfillment);
    // 4. verify(F, C, message)
    const vr = verifyDetailed(F, C, M);
    if (file.startsWith('0008_')) {
      // Declared deviation (CC.md A7, Part D Q2): the message "aaa" reaches a prefix whose
      // maxMessageLength is 0, so cchost must return false; five-bells never checks the bound.
      // Prove that this bound is the only failing rule: every signature verifies once it is lifted.
      assert.equal(vr.ok, false);
      assert.equal(!vr.ok && vr.error.code, 'CC_SIG');
      assert.match(!vr.ok ? vr.error.message : '', /^A7: message of 3 bytes exceeds maxMessageLength 0/);
      assert.ok(pf.ok && verifySignatures(unboundPrefixes(pf.value), M).ok);
      deviations++;
    } else {
      check(`${file}: verify`, vr.ok);
    }
    // 5. derived fingerprint contents
    const fc = pf.ok ? fingerprintContents(pf.value) : pf;
    check(`${file}: fingerprint contents`, fc.ok && HEX(fc.value) === v.fingerprintContents);
    // 6. derived condition (binary and URI), its cost and subtypes
    const dc = pf.ok ? deriveCondition(pf.value) : pf;
    check(
      `${file}: derived condition`,
      dc.ok &&
        HEX(encodeCondition(dc.value)) === v.conditionBinary &&
        conditionToUri(dc.value) === v.conditionUri &&
        dc.value.cost === v.cost &&
        JSON.stringify(maskNames(dc.value.subtypes).sort()) === JSON.stringify([...v.subtypes].sort()),
    );
    // 7. json -> fulfillment bytes
    const tree = fromJSON(v.json);
    const fj = tree.ok ? encodeFulfillment(tree.value) : tree;
    check(`${file}: json -> fulfillment`, fj.ok && HEX(fj.value) === v.fulfillment);

    // negative: a longer message fails wherever a signature covers it (or a prefix bounds it, as in
    // 0001 whose maxMessageLength is 0); a tree of preimages alone ignores the message (A7)
    const other = Uint8Array.from([...M, 0x00]);
    if (pf.ok && (hasSignature(pf.value) || hasPrefix(pf.value))) {
      const r = verifyDetailed(F, C, other);
      checkNeg(`${file}: wrong message fails`, !r.ok && r.error.code === 'CC_SIG');
    } else {
      checkNeg(`${file}: message ignored without signatures`, verify(F, C, other));
    }
    // negative: the fulfillment does not verify against a condition one byte longer (exact compare, A1.1)
    checkNeg(`${file}: condition compared exactly`, !verify(F, Uint8Array.from([...C, 0x00]), M));
  }
  printTally('cc_valid', passed, failed, deviations, 'declared deviation: 0008 verify is false under A7 maxMessageLength');
  printTally('cc_valid_negative', negPassed, negFailed);
  assert.deepEqual(failures, []);
});

test('URI forms: Komodo subtype order (6 variants) and cost-first parameter order (18) parse to the same binary', () => {
  const k = readVectorJson<{ standardVectorUriVariants: { variants: { file: string; komodoConditionUri: string }[] } }>(
    'crypto-conditions/komodo/komodo-vectors.json',
  );
  let passed = 0;
  let failed = 0;
  const variants = k.standardVectorUriVariants.variants;
  assert.equal(variants.length, 6);
  for (const { file, komodoConditionUri } of variants) {
    const v = readVectorJson<ValidVector>(`crypto-conditions/valid/${file}`);
    assert.notEqual(komodoConditionUri, v.conditionUri);
    const p = conditionFromUri(komodoConditionUri);
    if (p.ok && HEX(encodeCondition(p.value)) === v.conditionBinary && conditionToUri(p.value) === v.conditionUri) passed++;
    else failed++;
  }
  for (const file of files) {
    const v = readVectorJson<ValidVector>(`crypto-conditions/valid/${file}`);
    const [head, query] = v.conditionUri.split('?') as [string, string];
    const params = query.split('&');
    const costFirst = `${head}?${[...params].sort().join('&')}`; // lexicographic: cost, fpt, subtypes
    assert.ok(costFirst.includes('?cost='));
    const p = conditionFromUri(costFirst);
    if (p.ok && HEX(encodeCondition(p.value)) === v.conditionBinary) passed++;
    else failed++;
  }
  printTally('cc_uri_variants', passed, failed);
  assert.equal(failed, 0);
});
