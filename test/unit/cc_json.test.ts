/** Komodo's JSON form (CC.md A9): input rules, output format, the anon extension, round trips through bytes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  anonNode,
  deriveCondition,
  encodeCondition,
  encodeFulfillment,
  fromJSON,
  parseFulfillment,
  toJSON,
  type CCNode,
} from '../../src/cc/conditions/index.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { publicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { toHex, utf8 } from '../../src/util/bytes.ts';
import { unwrap } from '../../src/util/errors.ts';

const pub = publicKeyFromPrivate(sha256(utf8('json key')));
const PUB = toHex(pub).toUpperCase();

function rejects(json: unknown, code = 'CC_JSON', rule?: string): void {
  const r = fromJSON(json);
  assert.ok(!r.ok, `accepted ${JSON.stringify(json)}`);
  assert.equal(r.error.code, code, r.error.message);
  if (rule !== undefined) assert.equal(r.error.rule, rule, r.error.message);
}

const bytesOf = (j: unknown): Uint8Array => unwrap(encodeFulfillment(unwrap(fromJSON(j))));

test('A9.4: the Faucet global 1-of-1 example builds the 46-byte Komodo condition', () => {
  const faucet = {
    type: 'threshold-sha-256',
    threshold: 2,
    subfulfillments: [
      { type: 'eval-sha-256', code: '5A' },
      { type: 'threshold-sha-256', threshold: 1, subfulfillments: [{ type: 'secp256k1-sha-256', publicKey: PUB }] },
    ],
  };
  const t = unwrap(fromJSON(faucet));
  const c = unwrap(deriveCondition(t));
  assert.equal(encodeCondition(c).length, 46);
  assert.equal(c.cost, 1182720);
  // JSON text is accepted as well as a value
  assert.deepEqual(encodeCondition(unwrap(deriveCondition(unwrap(fromJSON(JSON.stringify(faucet)))))), encodeCondition(c));
});

test('A9.2: base64 padded or not, URL-safe or standard, but canonical and in one alphabet', () => {
  const pre = (p: unknown): unknown => ({ type: 'preimage-sha-256', preimage: p });
  const want = bytesOf(pre('-_8'));
  assert.deepEqual(bytesOf(pre('+/8')), want);
  assert.deepEqual(bytesOf(pre('+/8=')), want);
  assert.deepEqual(bytesOf(pre('-_8=')), want);
  rejects(pre('+_8')); // mixed alphabets
  rejects(pre('-_9')); // non-zero leftover bits
  rejects(pre('-_8==')); // wrong padding
  rejects(pre('a')); // impossible length
  rejects(pre('ab c'));
  rejects(pre(5));
  assert.equal(bytesOf(pre('')).length, 4);
});

test('A9.2: hex is case-insensitive, sizes are exact, unknown keys and types are rejected', () => {
  const lower = { type: 'secp256k1-sha-256', publicKey: PUB.toLowerCase(), signature: 'ab'.repeat(64) };
  const upper = { type: 'secp256k1-sha-256', publicKey: PUB, signature: 'AB'.repeat(64) };
  assert.deepEqual(bytesOf(lower), bytesOf(upper));
  rejects({ ...upper, publicKey: PUB.slice(2) });
  rejects({ ...upper, signature: 'AB'.repeat(63) });
  rejects({ ...upper, signature: 'ZZ'.repeat(64) });
  rejects({ ...upper, extra: 1 }, 'CC_JSON', 'A9.2');
  rejects({ type: 'eval-sha-256', code: '5A', codehex: 'E4' }, 'CC_JSON', 'A9.2');
  rejects({ type: 'secp256k1hash-sha-256', publicKeyHash: '00' }, 'CC_JSON', 'A9.1');
  rejects({ type: 'ed25519-sha-256', publicKey: 'AA' });
  rejects({ type: 'threshold-sha-256', threshold: 1 }, 'CC_JSON', 'A9.1');
  rejects({ type: 'threshold-sha-256', threshold: '1', subfulfillments: [{ type: 'preimage-sha-256', preimage: '' }] });
  rejects({ type: 'prefix-sha-256', prefix: '', maxMessageLength: -1, subfulfillment: { type: 'preimage-sha-256', preimage: '' } });
  rejects([]);
  rejects(null);
  rejects('{"type":');
  rejects({ type: 'secp256k1-sha-256', publicKey: `02${'FF'.repeat(32)}` }, 'CC_PARSE', 'A6.7'); // not on the curve
});

test('A9/A5: trees that cannot derive are rejected (t > n, empty eval code, too deep)', () => {
  rejects({ type: 'threshold-sha-256', threshold: 2, subfulfillments: [{ type: 'secp256k1-sha-256', publicKey: PUB }] }, 'CC_LIMIT', 'A5.3');
  rejects({ type: 'eval-sha-256', code: '' }, 'CC_LIMIT', 'A10');
  let deep: unknown = { type: 'preimage-sha-256', preimage: '' };
  for (let i = 0; i < 16; i++) deep = { type: 'threshold-sha-256', threshold: 1, subfulfillments: [deep] };
  rejects(deep, 'CC_LIMIT', 'A10');
});

test('A9.3: output is unpadded base64url and upper-case hex; the anon extension round-trips', () => {
  const t: CCNode = {
    type: 'threshold',
    threshold: 1,
    children: [
      { type: 'preimage', preimage: Uint8Array.of(0xfb, 0xff) },
      { type: 'secp256k1', publicKey: pub, signature: new Uint8Array(64).fill(0xab) },
      anonNode(unwrap(deriveCondition({ type: 'eval', code: Uint8Array.of(0xe3) }))),
    ],
  };
  const j = toJSON(t) as unknown as { subfulfillments: Record<string, unknown>[] };
  assert.deepEqual(j.subfulfillments[0], { type: 'preimage-sha-256', preimage: '-_8' });
  assert.equal(j.subfulfillments[1]!['publicKey'], PUB);
  assert.equal(j.subfulfillments[1]!['signature'], 'AB'.repeat(64));
  const a = j.subfulfillments[2]!;
  assert.deepEqual(Object.keys(a), ['type', 'cond_type', 'fingerprint', 'cost', 'subtypes']);
  assert.equal(a['type'], '(anon)');
  assert.equal(a['cond_type'], 15);
  assert.equal(a['cost'], 1048576);
  assert.match(String(a['fingerprint']), /^[A-Za-z0-9_-]{43}$/);
  const back = unwrap(fromJSON(JSON.parse(JSON.stringify(j))));
  assert.deepEqual(encodeCondition(unwrap(deriveCondition(back))), encodeCondition(unwrap(deriveCondition(t))));
  assert.deepEqual(unwrap(encodeFulfillment(back)), unwrap(encodeFulfillment(t)));
  // anon nodes: subtypes only on compound types, known ids only, 32-byte fingerprint
  const anon = { type: '(anon)', cond_type: 15, fingerprint: a['fingerprint'], cost: 1048576, subtypes: 0 };
  assert.ok(fromJSON({ type: 'threshold-sha-256', threshold: 1, subfulfillments: [{ type: 'preimage-sha-256', preimage: '' }, anon] }).ok);
  rejects({ ...anon, subtypes: 1 }, 'CC_PARSE', 'A6.5');
  rejects({ ...anon, cond_type: 6 }, 'CC_JSON', 'A9.2');
  rejects({ ...anon, fingerprint: 'AAAA' }, 'CC_JSON');
  rejects({ ...anon, cond_type: 2, subtypes: 1 << 6 }, 'CC_PARSE', 'A6.5');
});

test('A9.3: a parsed threshold lists its sub-fulfillments (DER order), then its anon conditions', () => {
  const f = bytesOf({
    type: 'threshold-sha-256',
    threshold: 1,
    subfulfillments: [
      { type: 'eval-sha-256', code: '4w' },
      { type: 'preimage-sha-256', preimage: 'YWJj' },
    ],
  });
  const j = toJSON(unwrap(parseFulfillment(f))) as unknown as { subfulfillments: { type: string }[] };
  assert.deepEqual(j.subfulfillments.map((s) => s.type), ['preimage-sha-256', '(anon)']);
  assert.deepEqual(bytesOf(j), f);
});
