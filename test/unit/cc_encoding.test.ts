/**
 * Encodings and derivation (CC.md A2–A5): INTEGER and BIT STRING forms, condition sizes, SET OF
 * order, the worked examples, threshold cost and the encoder's selection rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  anonNode,
  deriveCondition,
  encodeCondition,
  encodeFulfillment,
  fromJSON,
  parseCondition,
  parseFulfillment,
  signSecp256k1,
  subtypesContents,
  type CCNode,
  type Condition,
} from '../../src/cc/conditions/index.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { publicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { compareBytes, fromHex, toHex, utf8 } from '../../src/util/bytes.ts';
import { unwrap } from '../../src/util/errors.ts';

const H = (b: Uint8Array): string => toHex(b).toUpperCase();
const h = (s: string): Uint8Array => fromHex(s.replace(/\s+/g, ''));
const pre = (s: string): CCNode => ({ type: 'preimage', preimage: utf8(s) });
const cond = (n: CCNode): Condition => unwrap(deriveCondition(n));
const key = sha256(utf8('cchost unit key'));
const pub = publicKeyFromPrivate(key);

test('A3.3: INTEGER costs are minimal two-s complement', () => {
  const costHex = (c: Condition): string => {
    const b = encodeCondition(c);
    return H(b.subarray(36, 38 + b[37]!));
  };
  assert.equal(costHex(cond(pre(''))), '810100');
  assert.equal(costHex(cond({ type: 'preimage', preimage: new Uint8Array(255) })), '810200FF');
  assert.equal(costHex(cond({ type: 'preimage', preimage: new Uint8Array(127) })), '81017F');
  assert.equal(costHex(cond({ type: 'preimage', preimage: new Uint8Array(128) })), '81020080');
  assert.equal(costHex(cond({ type: 'threshold', threshold: 1, children: [pre('')] })), '81020400');
  assert.equal(costHex(cond({ type: 'secp256k1', publicKey: pub })), '8103020000');
  assert.equal(costHex(cond({ type: 'eval', code: Uint8Array.of(0xe4) })), '8103100000');
});

test('A3.4: subtypes BIT STRING examples', () => {
  const st = (mask: number): string => H(subtypesContents(mask));
  assert.equal(st(1 << 0), '0780');
  assert.equal(st(1 << 4), '0308');
  assert.equal(st((1 << 1) | (1 << 3) | (1 << 4)), '0358');
  assert.equal(st(1 << 5), '0204');
  assert.equal(st((1 << 5) | (1 << 15)), '000401');
  assert.equal(st(0), '0700');
  // the empty mask is reachable through anon children only, and is written 82 02 07 00
  const anonThr = anonNode({ typeId: 2, fingerprint: new Uint8Array(32), cost: 5, subtypes: 0 });
  const c = cond({ type: 'threshold', threshold: 1, children: [anonThr] });
  assert.equal(c.subtypes, 0);
  assert.ok(H(encodeCondition(c)).endsWith('82020700'));
  assert.ok(parseCondition(encodeCondition(c)).ok);
});

test('A3.2: condition sizes 39, 41 and 46 bytes; A4 worked examples', () => {
  assert.equal(encodeCondition(cond(pre(''))).length, 39);
  assert.equal(
    H(encodeCondition(cond(pre('')))),
    'A0258020E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855810100',
  );
  assert.equal(encodeCondition(cond({ type: 'ed25519', publicKey: new Uint8Array(32).fill(7) })).length, 41);
  assert.equal(encodeCondition(cond({ type: 'secp256k1', publicKey: pub })).length, 41);
  assert.equal(encodeCondition(cond({ type: 'eval', code: Uint8Array.of(1) })).length, 41);
  const thr: CCNode = { type: 'threshold', threshold: 1, children: [pre('')] };
  assert.equal(H(unwrap(encodeFulfillment(thr))), 'A208A004A0028000A100');
  assert.equal(H(unwrap(encodeFulfillment({ type: 'prefix', prefix: new Uint8Array(0), maxMessageLength: 0, child: pre('') }))), 'A10B8000810100A204A0028000');
  assert.equal(H(unwrap(encodeFulfillment({ type: 'eval', code: h('5445535401') }))), 'AF0780055445535401');
  const cc1 = unwrap(
    fromJSON({
      type: 'threshold-sha-256',
      threshold: 2,
      subfulfillments: [
        { type: 'eval-sha-256', code: '4w' },
        { type: 'threshold-sha-256', threshold: 1, subfulfillments: [{ type: 'secp256k1-sha-256', publicKey: toHex(pub) }] },
      ],
    }),
  );
  const c = cond(cc1);
  assert.equal(encodeCondition(c).length, 46);
  assert.equal(c.cost, 1182720);
  assert.ok(H(encodeCondition(c)).endsWith('8103120C008203000401'));
  assert.equal(signSecp256k1(cc1, key, sha256(utf8('m'))), 1);
  const f = unwrap(encodeFulfillment(cc1));
  assert.equal(f.length, 120);
  assert.equal(H(f.subarray(0, 8)), 'A276A072A26BA067'); // inner 1-of-1 sorts before the eval (A2 < AF)
  assert.equal(H(f.subarray(111)), 'A100AF038001E3A100');
});

test('A3.5: SET OF order is by complete DER bytes; the sub-condition set of a threshold is sorted', () => {
  const kids = ['z', 'a', 'mm', '', 'b'].map(pre);
  const t: CCNode = { type: 'threshold', threshold: 2, children: kids };
  const f = unwrap(encodeFulfillment(t));
  const p = unwrap(parseFulfillment(f));
  assert.equal(p.type, 'threshold');
  if (p.type !== 'threshold') return;
  // the two cheapest ('' cost 0, then 'z' cost 1 — first in input order among cost-1 children) are fulfilled
  assert.deepEqual(
    p.children.slice(0, 2).map((c) => (c.type === 'preimage' ? new TextDecoder().decode(c.preimage) : '?')),
    ['', 'z'],
  );
  const anons = p.children.slice(2);
  assert.equal(anons.length, 3);
  const bytes = anons.map((c) => encodeCondition(cond(c)));
  for (let i = 1; i < bytes.length; i++) assert.ok(compareBytes(bytes[i - 1]!, bytes[i]!) <= 0);
  // the condition is independent of the input order of the children
  const shuffled: CCNode = { type: 'threshold', threshold: 2, children: [...kids].reverse() };
  assert.deepEqual(encodeCondition(cond(shuffled)), encodeCondition(cond(t)));
});

test('A5.2: threshold cost is the sum of the t largest child costs plus 1024 per child', () => {
  const c = cond({
    type: 'threshold',
    threshold: 2,
    children: [pre('aaaa'), { type: 'eval', code: Uint8Array.of(1) }, pre('a'), { type: 'secp256k1', publicKey: pub }],
  });
  assert.equal(c.cost, 1048576 + 131072 + 4 * 1024);
});

test('A5.4: cheapest candidates first, ties in input order, anon and unsigned children never chosen', () => {
  const first = (t: CCNode): string => {
    const p = unwrap(parseFulfillment(unwrap(encodeFulfillment(t))));
    assert.ok(p.type === 'threshold');
    return p.children
      .filter((c) => c.type !== 'anon')
      .map((c) => (c.type === 'preimage' ? new TextDecoder().decode(c.preimage) : c.type))
      .join(',');
  };
  assert.equal(first({ type: 'threshold', threshold: 1, children: [pre('b'), pre('a')] }), 'b');
  assert.equal(first({ type: 'threshold', threshold: 1, children: [pre('a'), pre('b')] }), 'a');
  assert.equal(first({ type: 'threshold', threshold: 1, children: [pre('abc'), pre('a')] }), 'a');
  const unsigned: CCNode = { type: 'secp256k1', publicKey: pub };
  assert.equal(first({ type: 'threshold', threshold: 1, children: [unsigned, pre('a'.repeat(500))] }), 'a'.repeat(500));
  const r = encodeFulfillment({ type: 'threshold', threshold: 2, children: [unsigned, pre('a')] });
  assert.ok(!r.ok && r.error.code === 'CC_THRESHOLD_UNMET' && r.error.rule === 'A5.4');
  // A5.5: a 1-of-2 over {eval, signed secp256k1} never emits the eval (cost 1048576 > 131072)
  const signed: CCNode = { type: 'secp256k1', publicKey: pub, signature: new Uint8Array(64).fill(1) };
  assert.equal(first({ type: 'threshold', threshold: 1, children: [{ type: 'eval', code: Uint8Array.of(0xe4) }, signed] }), 'secp256k1');
  // vector 0012 (schroedinger): a duplicate child becomes one fulfillment and one condition
  const f = unwrap(encodeFulfillment({ type: 'threshold', threshold: 1, children: [pre('aaa'), pre('aaa')] }));
  const sch = unwrap(parseFulfillment(f));
  assert.ok(sch.type === 'threshold');
  assert.deepEqual(sch.children.map((c) => c.type), ['preimage', 'anon']);
  const anon = anonNode(cond(pre('x')));
  const only = encodeFulfillment({ type: 'threshold', threshold: 1, children: [anon] });
  assert.ok(!only.ok && only.error.code === 'CC_THRESHOLD_UNMET');
  const root = encodeFulfillment(anon);
  assert.ok(!root.ok && root.error.code === 'CC_UNFULFILLED');
  const rootUnsigned = encodeFulfillment(unsigned);
  assert.ok(!rootUnsigned.ok && rootUnsigned.error.code === 'CC_UNFULFILLED');
});

test('A5.3: deriving requires 1 <= t <= n <= 256 and contents <= 4096 bytes', () => {
  const bad = [
    { type: 'threshold', threshold: 0, children: [pre('')] },
    { type: 'threshold', threshold: 2, children: [pre('')] },
    { type: 'threshold', threshold: 1, children: [] },
    { type: 'threshold', threshold: 1.5, children: [pre(''), pre('')] },
  ] as CCNode[];
  for (const t of bad) {
    const r = deriveCondition(t);
    assert.ok(!r.ok && r.error.code === 'CC_LIMIT' && r.error.rule === 'A5.3', JSON.stringify(r));
  }
  const many = (n: number): CCNode => ({ type: 'threshold', threshold: 1, children: Array.from({ length: n }, () => pre('')) });
  const big = { limits: { maxContents: 1 << 20 } };
  assert.ok(deriveCondition(many(256), big).ok);
  const r = deriveCondition(many(257), big);
  assert.ok(!r.ok && r.error.code === 'CC_LIMIT');
  const contents = deriveCondition(many(110)); // 110 × 39-byte conditions > 4096 bytes
  assert.ok(!contents.ok && contents.error.code === 'CC_LIMIT' && /contents/.test(contents.error.message));
});

test('derivation cache: a cached subtree reused deeper still meets the depth limit; relaxed limits do not leak', () => {
  let t: CCNode = pre('');
  for (let i = 0; i < 15; i++) t = { type: 'threshold', threshold: 1, children: [t] };
  assert.ok(deriveCondition(t).ok); // depth 16, cached
  const deeper: CCNode = { type: 'threshold', threshold: 1, children: [t] };
  const r = deriveCondition(deeper);
  assert.ok(!r.ok && r.error.code === 'CC_LIMIT');
  const wide: CCNode = { type: 'threshold', threshold: 1, children: Array.from({ length: 120 }, () => pre('')) };
  assert.ok(deriveCondition(wide, { limits: { maxContents: 1 << 20 } }).ok);
  assert.ok(!deriveCondition(wide).ok, 'a derivation under relaxed limits is not cached for the defaults');
});

test('prefix cost and subtypes: len(prefix) + maxMessageLength + child cost + 1024, own bit cleared', () => {
  const c = cond({
    type: 'prefix',
    prefix: utf8('abc'),
    maxMessageLength: 10,
    child: { type: 'prefix', prefix: new Uint8Array(0), maxMessageLength: 0, child: { type: 'ed25519', publicKey: new Uint8Array(32).fill(9) } },
  });
  assert.equal(c.cost, 3 + 10 + (0 + 0 + 131072 + 1024) + 1024);
  assert.equal(c.subtypes, 1 << 4); // the root's own type (prefix) is never a subtype, even when a descendant has it
});
